"""The audit trail as people read it (docs/ui.md "Histories"): Chinese action names, field labels, values
through their choices' labels, people's names, links to the objects, and "A → B" only for a change.

`audit_rows(entries)` turns AuditEntry rows into display rows; the history panel of every detail page
(templates/includes/history.html) and the reviewer's 审计记录 page and its Excel export use it. It reads
the target model's own field `verbose_name`s and `choices` (one home for a field's Chinese name), and the
action vocabulary below (one entry per noun and verb the services write).

Queries: one per target model for the link targets and one per related model for ids named in changes,
whatever the number of entries (pinned in jiujiang_inspect/tests/test_audit_display.py).
"""
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .models import AuditEntry

# The noun of an action ("matter.filed" → 检查事项), as the 司法局 names it.
NOUNS = {
    "agency": "行政检查主体", "alert": "预警", "api_token": "接口令牌", "audit": "频次监测", "block": "阻断",
    "cap_policy": "频次上限", "case": "监督案件", "certificate": "执法证件", "checkcode": "检查码",
    "enterprise": "企业", "evaluation": "企业评议", "filing_summary": "按月汇总", "frequency_audit": "频次监测",
    "frequency_policy": "频次规则", "guidance_policy": "指导设置", "hotline": "12345工单",
    "hotline_ticket": "12345工单", "inspection": "检查任务", "inspector": "执法人员", "invitation": "邀约",
    "job": "后台任务", "joint_list": "联查事项清单", "joint_proposal": "联合检查提议", "legal_basis": "法律依据",
    "matter": "检查事项", "matter_equivalence": "事项互认", "plan": "年度检查计划", "question": "试题",
    "recognition": "结果互认", "rectification": "整改", "report": "总结报告", "survey": "满意度调查",
    "test": "在线测试", "test_attempt": "测试答卷", "training": "培训", "triggered_filing": "触发式检查备案",
    "typical_case": "典型案例", "user": "账号", "document": "检查文书", "document_kind": "文书种类",
    "inquiry": "询问笔录", "sampling": "抽样取证/勘验", "outbound_message": "外发消息",
    "webhook_subscription": "推送订阅", "misconduct_report": "企业反映",
}

# The verb ("filed" → 备案); the label reads noun + verb ("检查事项 备案").
VERBS = {
    "created": "新建", "updated": "修改", "filed": "备案", "published": "公布", "submitted": "提交",
    "rejected": "退回", "returned": "退回修改", "approved": "审批通过", "cancelled": "取消", "revoked": "撤销",
    "withdrawn": "撤回", "overridden": "解除阻断", "closed": "办结", "reopened": "重新打开", "confirmed": "确认",
    "imported": "导入", "renewed": "换证", "received": "接收", "requested": "申请生成", "generated": "生成",
    "run": "运行", "drawn": "抽取", "merged": "并入联合检查", "merged_into": "合并他单位检查", "lapsed": "过期失效",
    "accepted": "同意", "declined": "拒绝", "proposed": "提议", "expired": "过期", "started": "开始",
    "responded": "企业反馈", "verified": "复查", "superseded": "被新版本替代", "deactivated": "停用",
    "retried": "重新执行", "passed": "通过", "signed_in": "签到", "attendance_recorded": "登记签到",
    "material_added": "添加资料", "targets_added": "添加检查对象", "targets_removed": "移除检查对象",
    "pool_moved": "调整对象库", "code_issued": "申领检查码", "code_revoked": "撤销检查码",
    "issued_late": "事后补码", "result_recorded": "录入检查结果", "measure_added": "采取监督措施", "correction_reported": "提交整改报告", "evidence_added": "补充检查证据",
    "typical_cases_set": "选定典型案例", "case_opened": "转为监督案件", "catalogue_submitted": "整体提交备案",
    "needs_adjustment": "标记需调整", "checksum_warning_accepted": "确认校验位提示",
    "checkcode_test_passed": "检查码测试通过", "open": "开放", "acknowledged": "已知悉", "resolved": "已处理",
    "dismissed": "已忽略", "active": "启用", "suspended": "暂停", "expiring": "即将到期", "valid": "有效",
    "issued": "签发", "replayed": "重新发送", "rotated": "更换密钥", "deleted": "删除",
    "password_changed": "本人修改密码", "corrected": "更正", "recorded": "记录",
}

# Keys services write that are not fields of the target model.
EXTRA_FIELDS = {
    "period": "期间", "version": "版本", "typical_cases": "典型案例", "reason": "原因", "count": "数量",
    "rows": "行数", "accounts": "登录账号", "created": "新增", "updated": "更新", "inspectors": "执法人员", "matters": "检查事项",
    "agencies": "单位", "participations": "参与单位", "targets": "检查对象", "month": "月份", "blocks": "阻断",
    "alerts": "预警", "warnings": "提示", "job": "后台任务", "file": "文件", "into": "并入", "from": "来自",
    "enterprise": "企业", "agency": "单位", "code": "代码", "status": "状态", "rule": "规则", "year": "年度",
    "inspector": "执法人员", "name": "名称", "pool": "对象库", "uscc": "统一社会信用代码", "kind": "类型",
    "method": "方式", "enterprises": "企业", "deadline": "期限", "codes": "检查码", "title": "标题",
    "source": "来源", "plan": "计划", "outcome": "检查结论", "note": "备注", "comment": "意见", "basis": "依据",
    "bases": "依据", "added": "新增", "removed": "移除", "total": "合计", "merged_into": "并入",
    "merged_from": "并自", "inspections": "检查任务", "inspection": "检查任务", "legal_bases": "法律依据",
    "member_agencies": "参与单位", "lead_agency": "牵头单位", "industry": "行业", "industries": "行业",
    "valid_from": "生效时间", "valid_until": "有效期至", "new_deadline": "新期限", "months": "计划月份",
    "notice_method": "告知方式", "advance_notice": "事先告知", "rating": "评分", "score": "得分",
    "whitelist": "白名单", "questions": "试题", "external_id": "工单编号", "received_at": "接收时间",
    "report": "整改情况", "files": "附件",
    "rectification_items": "整改事项", "findings": "检查发现", "late": "事后补码", "yearly_cap": "年度上限",
    "yearly_onsite_cap": "年度现场检查上限", "slot_year": "计频年度", "contact_name": "联系人",
    "contact_phone": "联系电话", "address": "地址", "is_active": "启用", "level": "层级", "article": "条款",
    "check_standards": "检查标准", "common_problems": "常见问题", "object_scope": "检查对象范围",
    "offsite_capable": "可非现场检查", "date": "日期", "special_approval_ref": "特别批准文号",
    "trigger_reference": "触发依据", "proposal": "联合检查提议", "consenting_agency": "同意单位",
    "answer": "答案", "options": "选项", "items": "事项", "case": "监督案件", "document": "文书",
    "matter_a": "事项甲", "matter_b": "事项乙", "avoided_total": "减少入企次数", "enterprises_over_cap": "超上限企业",
    "agency_caps_exceeded": "单位超上限", "triggered_warnings": "触发式预警", "withdrawn_alerts": "撤回预警",
    "withdrawn_blocks": "撤回阻断", "summaries": "按月汇总", "progress": "进度", "stage": "阶段",
    "alerts_resolved": "预警已处理", "certificates_expiring": "证件即将到期", "overdue": "逾期",
    "reminded": "已提醒", "expired": "已过期", "questions_count": "题数", "measure": "监督措施",
    "supervised_agency": "被监督单位", "handled_by": "处理人", "closed_at": "办结时间", "outcome_note": "办结意见", "material": "资料", "invited_agencies": "受邀单位",
    "checklist": "检查标准核对", "evidence": "检查证据", "signature": "企业签字",
    "certificate_number": "执法证件号", "certificate_status": "证件状态", "certificate_issuer": "发证机关",
    "certificate_field": "执法领域", "certificate_valid_from": "证件有效期起", "certificate_valid_until": "证件有效期至",
    "triggered_blocks": "触发阻断", "id_number": "身份证号", "phone": "手机号", "position": "职务",
    "is_helper": "辅助人员", "occurred_on": "发生日期", "code_shown": "出示了检查码",
}

# Keys whose values are codes of another model's choices, named by the action's noun: "case.measure_added"
# records the measure's `kind`; the importer records a certificate's `certificate_status`.
KEY_CHOICES = {
    ("case", "kind"): ("supervision", "CaseMeasure", "kind"),
    ("inspector", "certificate_status"): ("subjects", "Certificate", "status"),
}
# Keys holding the id of another model's row, shown as that row: (app, model).
KEY_MODELS = {("case", "measure"): ("supervision", "CaseMeasure")}
# Nested values: the texts people wrote, not the structure the service kept ({"item": …} → the item).
TEXT_KEYS = ("item", "text", "name", "title")

# Detail pages of the objects the trail names: "app_label.model" → (url name, attribute for the url).
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
ISO_DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}")

TARGET_URLS = {
    "subjects.agency": ("subjects:agency_detail", "code"),
    "subjects.inspector": ("subjects:inspector_detail", "pk"),
    "matters.inspectionmatter": ("matters:matter_detail", "code"),
    "matters.jointmatterlist": ("matters:joint_list_detail", "pk"),
    "plans.enterprise": ("plans:enterprise_detail", "uscc"),
    "plans.annualplan": ("plans:plan_detail", "pk"),
    "plans.inspection": ("plans:inspection_detail", "pk"),
    "plans.invitation": ("plans:invitation_detail", "pk"),
    "guidance.trainingsession": ("guidance:training_detail", "pk"),
    "guidance.onlinetest": ("guidance:test_detail", "pk"),
    "guidance.typicalcase": ("guidance:case_detail", "pk"),
    "supervision.supervisioncase": ("supervision:case_detail", "pk"),
    "supervision.hotlineticket": ("supervision:hotline_detail", "pk"),
    "supervision.survey": ("supervision:survey_detail", "pk"),
    "supervision.jobrun": ("supervision:jobrun_detail", "pk"),
    "reports.report": ("reports:report_detail", "pk"),
}


def readable(value):
    """One stored value as people read it: — for empty, 是/否, Chinese dates, lists with 、."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        if ISO_DATE.match(value):
            y, m, d = value.split("-")
            return f"{int(y)}年{int(m)}月{int(d)}日"
        if ISO_DATETIME.match(value):
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
        return value
    if isinstance(value, list | tuple):
        return "、".join(readable(v) for v in value) or "（空）"
    if isinstance(value, dict):
        for key in TEXT_KEYS:
            if value.get(key):
                return readable(value[key])
        return "；".join(f"{EXTRA_FIELDS.get(k, k)}：{readable(v)}" for k, v in value.items())
    return str(value)


def action_label(action: str) -> str:
    """"matter.filed" → "检查事项 备案"; an unknown noun or verb keeps its code so nothing is hidden."""
    noun, _dot, verb = (action or "").partition(".")
    if not verb:
        return NOUNS.get(noun, action)
    return f"{NOUNS.get(noun, noun)} {VERBS.get(verb, verb)}"


def actions_named(text: str) -> list[str]:
    """The action codes whose Chinese name contains `text` (the 审计记录 filter takes 备案 or 检查事项),
    among the actions the trail holds."""
    text = (text or "").strip()
    if not text:
        return []
    codes = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
    return [code for code in codes if text in action_label(code)]


@dataclass
class Change:
    label: str
    old: str | None  # None: not a change, `new` is the value
    new: str


@dataclass
class Row:
    at: object
    actor: str
    action: str
    action_label: str
    target: str
    url: str | None
    reason: str
    changes: list[Change] = field(default_factory=list)


def _model_field(model, key):
    if model is None:
        return None
    for name in (key, key[:-3] if key.endswith("_id") else None):
        if not name:
            continue
        try:
            return model._meta.get_field(name)
        except Exception:  # noqa: BLE001  FieldDoesNotExist: a key that is not a field
            continue
    return None


def _field_label(model_field, key) -> str:
    """The field's own Chinese name; a field left with Django's default (its name) and a key that is no
    field read from the vocabulary above."""
    name = str(getattr(model_field, "verbose_name", "") or "")
    if name and name.replace(" ", "_") != getattr(model_field, "name", None) and name != key.replace("_", " "):
        return name
    return EXTRA_FIELDS.get(key, EXTRA_FIELDS.get(key.removesuffix("_id"), name or key))


def _codes(value):
    if isinstance(value, str) and value and not value.isdigit():
        return [value]
    if isinstance(value, list):
        return [c for v in value for c in _codes(v)]
    return []


def _ids(value):
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, str) and value.isdigit():
        return [int(value)]
    if isinstance(value, list):
        return [i for v in value for i in _ids(v)]
    return []


def _is_change(model_field, value) -> bool:
    """[old, new] is a change for a plain column; for a many-to-many one it is [[old ids], [new ids]]."""
    if not (isinstance(value, list) and len(value) == 2):
        return False
    if model_field is None:  # a key of the service's own: [[old...], [new...]] is still a change
        return all(isinstance(v, list) for v in value)
    if model_field.many_to_many or model_field.one_to_many:
        return all(isinstance(v, list) for v in value)
    return True


def _participations(value, names) -> str | None:
    """[{"agency": code, "inspectors": [ids], "matters": [codes]}] → 区市场监管局（执法人员 王丽、刘强；事项 餐饮检查）."""
    if not (isinstance(value, list) and value and all(isinstance(p, dict) and "agency" in p for p in value)):
        return None
    agencies, people, matters = (names.get(_model("subjects", "Agency"), {}), names.get(_model("subjects", "Inspector"), {}),
                                 names.get(_model("matters", "InspectionMatter"), {}))
    parts = []
    for p in value:
        who = "、".join(people.get(i, f"#{i}") for i in p.get("inspectors") or [])
        what = "、".join(matters.get(c, str(c)) for c in p.get("matters") or [])
        parts.append(f"{agencies.get(p['agency'], p['agency'])}（执法人员 {who or '—'}；事项 {what or '—'}）")
    return "；".join(parts)


def _model(app_label, name):
    from django.apps import apps

    return apps.get_model(app_label, name)


def _text(model_field, value, names, *, noun="", key=""):
    if value is None or value == "" or value == []:
        return "—"
    if key == "participations":
        shown = _participations(value, names)
        if shown is not None:
            return shown
    if (noun, key) in KEY_CHOICES:
        app_label, name, field_name = KEY_CHOICES[(noun, key)]
        choices = dict(_model(app_label, name)._meta.get_field(field_name).flatchoices)
        return "、".join(str(choices.get(v, v)) for v in value) if isinstance(value, list) else str(choices.get(value, value))
    if (noun, key) in KEY_MODELS:
        found = names.get(_model(*KEY_MODELS[(noun, key)]), {})
        return "、".join(found.get(k, f"#{k}") for k in _ids(value)) or readable(value)
    if model_field is not None and model_field.is_relation and model_field.related_model is not None:
        found = names.get(model_field.related_model, {})
        keys = _ids(value) or _codes(value)
        if keys:
            return "、".join(found.get(k, f"#{k}" if isinstance(k, int) else str(k)) for k in keys)
    if model_field is not None and getattr(model_field, "choices", None):
        choices = dict(model_field.flatchoices)
        if isinstance(value, list):
            return "、".join(str(choices.get(v, v)) for v in value)
        return str(choices.get(value, value))
    return readable(value)


def audit_rows(entries) -> list[Row]:
    """Display rows for AuditEntry rows (any iterable; select_related("actor", "target_type") saves a
    query per entry). Returns a list of `Row`, each with its `changes` as `Change(label, old, new)`."""
    entries = list(entries)
    # Which related objects the changes name, per model, so each model is read once.
    wanted, wanted_codes = defaultdict(set), defaultdict(set)
    for entry in entries:
        model = entry.target_type.model_class() if entry.target_type_id else None
        noun = entry.action.partition(".")[0]
        for key, value in (entry.changes or {}).items() if isinstance(entry.changes, dict) else []:
            if key == "participations" and isinstance(value, list):
                for p in value if all(isinstance(p, dict) for p in value) else []:
                    wanted_codes[_model("subjects", "Agency")].add(p.get("agency"))
                    wanted[_model("subjects", "Inspector")].update(_ids(p.get("inspectors") or []))
                    wanted_codes[_model("matters", "InspectionMatter")].update(_codes(p.get("matters") or []))
            if (noun, key) in KEY_MODELS:
                wanted[_model(*KEY_MODELS[(noun, key)])].update(_ids(value))
            mf = _model_field(model, key)
            if mf is not None and mf.is_relation and mf.related_model is not None:
                wanted[mf.related_model].update(_ids(value))
                if _has_code(mf.related_model):
                    wanted_codes[mf.related_model].update(_codes(value))
    names = {m: {pk: str(obj) for pk, obj in m._default_manager.in_bulk(list(ids)).items()}
             for m, ids in wanted.items() if ids}
    for m, codes in wanted_codes.items():  # relations recorded by code (an agency as "SCJG")
        if codes:
            names.setdefault(m, {}).update(
                {code: str(obj) for code, obj in m._default_manager.in_bulk(list(codes), field_name="code").items()})
    urls = object_urls(entries)
    rows = []
    for entry in entries:
        model = entry.target_type.model_class() if entry.target_type_id else None
        noun, _dot, verb = entry.action.partition(".")
        changes = []
        for key, value in (entry.changes or {}).items() if isinstance(entry.changes, dict) else []:
            mf = _model_field(model, key)
            label = _field_label(mf, key)
            if _is_change(mf, value) and (noun, key) not in KEY_MODELS:
                changes.append(Change(label, _text(mf, value[0], names, noun=noun, key=key),
                                      _text(mf, value[1], names, noun=noun, key=key)))
            elif verb == "created" and value in (None, "", [], {}):
                continue  # a new record: only what it was created with, not every empty field
            else:
                changes.append(Change(label, None, _text(mf, value, names, noun=noun, key=key)))
        actor = entry.actor
        rows.append(Row(
            at=entry.at, actor=(getattr(actor, "display_name", "") or entry.actor_label) if actor else (entry.actor_label or "系统"),
            action=entry.action, action_label=action_label(entry.action), target=target_label(entry, model),
            url=urls.get((entry.target_type_id, entry.target_id)), reason=entry.reason, changes=changes))
    return rows


def object_urls(items) -> dict[tuple, str]:
    """{(target_type_id, target_id): detail page url} for rows that name an object by content type and id
    (audit entries, alerts), for the objects that have a page (TARGET_URLS). One query per model."""
    targets = defaultdict(set)
    for item in items:
        if item.target_type_id and item.target_id:
            model = item.target_type.model_class()
            if model is not None:
                targets[model].add(item.target_id)
    urls = {}
    for model, ids in targets.items():
        url_name_attr = TARGET_URLS.get(f"{model._meta.app_label}.{model._meta.model_name}")
        if not url_name_attr:
            continue
        ct_id = ContentType.objects.get_for_model(model, for_concrete_model=False).pk
        for pk, obj in model._default_manager.in_bulk([_pk(model, i) for i in ids]).items():
            try:
                urls[(ct_id, str(pk))] = reverse(url_name_attr[0], args=[getattr(obj, url_name_attr[1])])
            except NoReverseMatch:
                continue
    return urls


def _has_code(model) -> bool:
    try:
        return model._meta.get_field("code").unique
    except Exception:  # noqa: BLE001  FieldDoesNotExist
        return False


def target_label(entry, model) -> str:
    """The object's name as recorded; Django's default "Model object (n)" reads as "<verbose name> #n"."""
    text = entry.target_repr or ""
    if model is not None and (not text or text.endswith(f" object ({entry.target_id})")):
        return f"{model._meta.verbose_name} #{entry.target_id}"
    return text


def _pk(model, value):
    return int(value) if isinstance(model._meta.pk, models.AutoField | models.BigAutoField) and str(value).isdigit() else value
