"""The role's main menu (docs/ui.md): each role sees its own Chinese navigation."""
from django.urls import NoReverseMatch, reverse

from . import roles

MENUS = {
    roles.INSPECTOR: [
        ("我的检查", "plans:inspection_list"), ("新建检查", "plans:inspection_create"),
        ("检查码", "checkcode:code_list"), ("整改复查", "checkcode:rectification_list"), ("邀约", "plans:invitation_list"),
        ("学习培训", "guidance:home"),
    ],
    roles.AGENCY_ADMIN: [
        ("检查审批", "plans:inspection_list"), ("邀约", "plans:invitation_list"), ("检查事项", "matters:matter_list"),
        ("年度计划", "plans:plan_list"), ("执法人员", "subjects:inspector_list"), ("账号", "subjects:user_list"),
        ("触发式备案", "plans:triggered_filing_list"), ("月度汇总", "supervision:filing_summary_list"),
        ("学习培训", "guidance:home"), ("监督收件箱", "supervision:inbox"),
        ("统计", "supervision:dashboard"),
    ],
    roles.REVIEWER: [
        ("分析研判", "supervision:dashboard"), ("备案审核", "matters:review_queue"),
        ("预警与阻断", "supervision:alert_list"), ("监督案件", "supervision:case_list"),
        ("12345工单", "supervision:hotline_list"), ("对象库与频次", "plans:enterprise_list"),
        ("更多", [("计划备案", "plans:plan_review_queue"), ("拒绝记录", "plans:gate_refusal_list"),
                ("培训覆盖", "guidance:coverage"), ("案例指导", "guidance:case_list"),
                ("总结报告", "reports:report_list"), ("阻断", "supervision:block_list"),
                ("月度汇总", "supervision:filing_summary_list"), ("频次监测运行", "supervision:jobrun_list"),
                ("满意度测评", "supervision:survey_list"), ("企业评议", "checkcode:evaluation_list"),
                ("审计记录", "audit_list")]),
        ("系统管理", [("执法主体", "subjects:agency_list"), ("执法人员", "subjects:inspector_list"),
                  ("账号管理", "subjects:user_list"), ("接口令牌", "subjects:token_list"),
                  ("事件订阅", "subjects:webhook_list"), ("外发消息", "subjects:outbox_list"),
                  ("频次规则", "plans:cap_policies"), ("文书种类与文号", "checkcode:document_kinds"),
                  ("接口文档", "api_docs")]),
    ],
}
PUBLIC_MENU = [
    ("检查码查验", "checkcode:public_lookup"), ("我的检查", "checkcode:public_enterprise_entry"),
    ("检查计划公示", "plans:public_plans"),
    ("检查事项与标准", "matters:public_catalogue"), ("负面清单", "matters:public_documents"),
]


def _resolve(items):
    out = []
    for label, name in items:
        if isinstance(name, list):
            children = _resolve(name)
            if children:
                out.append({"label": label, "children": children})
            continue
        try:
            out.append({"label": label, "url": reverse(name)})
        except NoReverseMatch:
            # A page another issue has not built yet is left out of the menu rather than breaking it.
            continue
    return out


def navigation(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        role = roles.REVIEWER if user.is_superuser else getattr(user, "role", None)
        menu = _resolve(MENUS.get(role, []))
    else:
        menu = _resolve(PUBLIC_MENU)
    return {"main_menu": menu, "public_menu": _resolve(PUBLIC_MENU)}
