"""Domain errors of the enterprise registry, pools, caps, annual plans, inspections and their gates. Each
`code` is part of the API contract (docs/api.md "Error codes the rules use"); the gate service returns them in
the order of docs/domain.md's gate list. `InspectorNotInAgency` lives in subjects (it owns inspectors)."""
from django.utils.translation import gettext_lazy as _

from jiujiang_inspect.exceptions import (
    ApplicationError,
    InvalidState,
    PermissionDeniedError,
    ValidationFailed,
)

__all__ = ["ApplicationError", "InvalidState", "PermissionDeniedError", "ValidationFailed", "InvalidUscc",
           "UsccChecksumMismatch", "EnterpriseNotJoint", "TooFewInspectors", "InspectorCertificateInvalid",
           "EnterpriseOverYearlyCap", "AgencyOverYearlyCap", "TriggeredFrequencyBlocked", "EnterpriseBlocked",
           "InspectorLowEfficiencyBlocked", "OnsiteJustificationRequired", "AdvanceNoticeMissing", "PlanNotFiled",
           "InspectorNotTrained", "InvitationNotAccepted", "UsccMismatch", "JointMatchNotOffered"]


class InvalidUscc(ValidationFailed):
    """统一社会信用代码 of the wrong shape (GB 32100-2015: 18 characters of 0-9A-HJ-NPQRTUWXY)."""

    code = "invalid_uscc"
    status_code = 400
    default_message = _("统一社会信用代码格式不正确：应为18位，由数字和大写字母（不含I、O、Z、S、V）组成。")


class UsccChecksumMismatch(ValidationFailed):
    """The check character does not match. Some early legal codes fail it, so a reviewer may accept it."""

    code = "uscc_checksum_mismatch"
    status_code = 400
    default_message = _("统一社会信用代码校验位不符。如确属早期赋码，请由区司法局审核员确认后登记。")


class EnterpriseNotJoint(ApplicationError):
    """An enterprise that declined joint inspections cannot be put in the 联合检查对象库 (pools), nor be
    inspected jointly (the gate raises it with its own message)."""

    code = "enterprise_not_joint"
    status_code = 409
    default_message = _("该企业不参加联合检查，不能纳入联合检查对象库。")


class TooFewInspectors(ApplicationError):
    """行政处罚法 第42条: each participating agency brings at least two of its own certified inspectors.

    Without a message, says what to change from `detail["agencies"]` = [{"agency_name", "certified",
    "helpers": [names]}]: which agency is short and which of its people do not count."""

    code = "too_few_inspectors"
    default_message = _("每个参与单位至少需要两名本单位持有效执法证件的执法人员（辅助人员不计入）。")

    def __init__(self, message=None, *, detail=None, code=None):
        if message is None and detail and detail.get("agencies"):
            parts = []
            for a in detail["agencies"]:
                text = _("%(agency)s只有%(n)s名持证执法人员，请再增加%(more)s名本单位持证人员") % {
                    "agency": a.get("agency_name") or a.get("agency", ""), "n": a.get("certified", 0),
                    "more": max(2 - a.get("certified", 0), 1)}
                helpers = a.get("helpers") or []
                if helpers:
                    text += _("（%(names)s是辅助人员，不计入两名持证人员）") % {"names": "、".join(helpers)}
                parts.append(text)
            message = _("每个参与单位至少需要两名持证执法人员：") + "；".join(parts) + "。"
        super().__init__(message, detail=detail, code=code)


class InspectorCertificateInvalid(ApplicationError):
    """Without a message, names each inspector and the state of the certificate on the day."""

    code = "inspector_certificate_invalid"
    default_message = _("有执法人员在检查当日没有有效的行政执法证件或已不在岗。")
    STATES = {"missing": _("没有登记执法证件"), "expired": _("执法证件已过期"), "suspended": _("执法证件已暂扣"),
              "revoked": _("执法证件已吊销"), "not_yet_valid": _("执法证件尚未生效"), "valid": _("已不在岗"),
              "expiring": _("已不在岗")}

    def __init__(self, message=None, *, detail=None, code=None):
        if message is None and detail and detail.get("inspectors"):
            names = "；".join(f"{i.get('name', '')}{self.STATES.get(i.get('certificate_state'), _('不在岗或证件无效'))}"
                             for i in detail["inspectors"])
            message = _("检查当日须持有效执法证件：%(list)s。请更换人员或更新证件。") % {"list": names}
        super().__init__(message, detail=detail, code=code)


class EnterpriseOverYearlyCap(ApplicationError):
    code = "enterprise_over_yearly_cap"
    default_message = _("该企业本年度现场检查次数已达上限。")


class AgencyOverYearlyCap(ApplicationError):
    code = "agency_over_yearly_cap"
    default_message = _("本单位对该企业本年度现场检查次数已达上限。")


class TriggeredFrequencyBlocked(ApplicationError):
    code = "triggered_frequency_blocked"
    default_message = _("该企业触发式检查过于频繁，已被阻断，需区司法局解除。")


class EnterpriseBlocked(ApplicationError):
    code = "enterprise_blocked"
    default_message = _("该企业存在生效的阻断，暂不能检查。")


class InspectorLowEfficiencyBlocked(ApplicationError):
    code = "inspector_low_efficiency_blocked"
    default_message = _("执法人员在该企业连续多次检查未发现问题，已暂停其对该企业的检查。")


class OnsiteJustificationRequired(ApplicationError):
    code = "onsite_justification_required"
    default_message = _("所有检查事项均可非现场检查，现场检查须书面说明必要性。")


class AdvanceNoticeMissing(ApplicationError):
    code = "advance_notice_missing"
    default_message = _("检查前须记录预先告知（时间、方式、内容），或说明免予告知的理由。")


class PlanNotFiled(ApplicationError):
    code = "plan_not_filed"
    default_message = _("计划检查须依据已备案（或已公布）的年度检查计划。")


class PlanMismatch(ApplicationError):
    """Decision e of issue 11: planned means planned."""

    code = "plan_mismatch"
    default_message = _("检查与所依据的计划不符：参与单位须为计划的牵头或参与单位，企业须在计划检查对象中，日期须在计划月份内。")


class SpecialPlanNotFiled(ApplicationError):
    """Decision f of issue 11: a special inspection needs a special plan approved, filed with the
    司法局 and published within one month of filing; an approval number alone does not suffice."""

    code = "special_plan_not_filed"
    default_message = _("专项检查须依据经审批、报区司法局备案并在备案后一个月内公布的专项检查计划。")


class InspectorNotTrained(ApplicationError):
    code = "inspector_not_trained"
    default_message = _("有执法人员尚未通过检查码测试，不得参加现场检查。")


class InvitationNotAccepted(InvalidState):
    """举措 13: a non-inspection visit is registered only when the enterprise invited or accepted it."""

    code = "invitation_not_accepted"
    default_message = _("企业尚未同意该邀约（或已拒绝），不能登记此次走访。")


class UsccMismatch(ApplicationError):
    """A public page's proof failed: the 统一社会信用代码 given is not the enterprise's own (邀约, 检查码
    evaluation and 整改 response, satisfaction survey). Each page raises it with its own wording."""

    code = "uscc_mismatch"
    status_code = 403
    default_message = _("统一社会信用代码与该企业不一致。")


class JointMatchNotOffered(ApplicationError):
    """Decision g: only a match the rules offer (joint_match_candidates: another agency's pending
    inspection of the same joint-pool enterprise within the window) may be proposed or accepted."""

    code = "joint_match_not_offered"
    status_code = 409
    default_message = _("该检查不在系统提供的联合检查匹配范围内（同一企业、时间窗内、其他单位的待检查任务，且企业参加联合检查），不能合并。")


#: The rules' names as people read them (pages never show a rule's `code`). One home for every gate
#: code, including those declared in matters and subjects; an unknown code reads as 其他规则.
RULE_NAMES = {
    "matter_not_published": _("检查事项须已公布"),
    "legal_basis_not_in_force": _("法定依据须现行有效"),
    "too_few_inspectors": _("两名持证执法人员"),
    "inspector_certificate_invalid": _("执法证件有效"),
    "inspector_not_in_agency": _("执法人员属于本单位"),
    "enterprise_not_joint": _("非联合检查对象不联合检查"),
    "enterprise_over_yearly_cap": _("企业年度现场检查上限"),
    "agency_over_yearly_cap": _("同一单位年度检查上限"),
    "triggered_frequency_blocked": _("触发式检查频次"),
    "enterprise_blocked": _("企业阻断"),
    "inspector_low_efficiency_blocked": _("低效检查暂停"),
    "onsite_justification_required": _("非现场检查优先"),
    "advance_notice_missing": _("检查前预先告知"),
    "plan_not_filed": _("年度检查计划已备案"),
    "plan_mismatch": _("计划内检查须符合计划"),
    "special_plan_not_filed": _("专项检查计划已备案"),
    "inspector_not_trained": _("通过检查码测试"),
}

#: What to change when a rule fails, as the draft form's rule panel says it (issue 15), beside the
#: rule's own message (which names the people and things). `rule_fix` adds what `detail` tells.
RULE_FIXES = {
    "matter_not_published": _("改选已公布的检查事项。"),
    "legal_basis_not_in_force": _("改选法定依据现行有效的检查事项，或请本单位调整事项后重新备案。"),
    "too_few_inspectors": _("再勾选本单位持有效执法证件的执法人员（辅助人员不计入）。"),
    "inspector_certificate_invalid": _("取消勾选证件无效的人员，改选持有效证件的人员，或先更新其执法证件。"),
    "inspector_not_in_agency": _("只勾选本单位的执法人员。"),
    "enterprise_not_joint": _("该企业不参加联合检查：改为本单位单独检查。"),
    "enterprise_over_yearly_cap": _("改为非现场检查方式，或与已有检查合并；确需现场检查请联系区司法局。"),
    "agency_over_yearly_cap": _("改为非现场检查方式，或与其他单位的检查合并。"),
    "triggered_frequency_blocked": _("该企业本月触发式检查已阻断：需区司法局解除阻断后再检查。"),
    "enterprise_blocked": _("阻断期间不能检查：改期到阻断结束后，或联系区司法局。"),
    "inspector_low_efficiency_blocked": _("更换被暂停检查该企业的执法人员。"),
    "onsite_justification_required": _("填写“现场检查必要性说明”，或改为非现场检查方式。"),
    "advance_notice_missing": _("填写预先告知的时间和方式，或填写免予告知理由。"),
    "plan_not_filed": _("选择已备案或已公布的年度检查计划。"),
    "plan_mismatch": _("按计划修改："),
    "special_plan_not_filed": _("选择已公布的专项检查计划（备案后一个月内公布）。"),
    "inspector_not_trained": _("更换已通过检查码测试的人员，或请其先完成测试。"),
}
PLAN_MISMATCH_FIXES = {
    "enterprise": _("从计划的检查对象中选择企业"),
    "month": _("把检查日期改到计划月份内"),
    "agencies": _("参与单位须为计划的牵头或参与单位"),
}


def rule_fix(code: str, detail: dict | None = None) -> str:
    """What to change so that the rule `code` passes, in Chinese (empty for an unknown code)."""
    text = str(RULE_FIXES.get(code, ""))
    if code == "plan_mismatch":
        wrong = [str(PLAN_MISMATCH_FIXES[k]) for k in PLAN_MISMATCH_FIXES if (detail or {}).get(k)]
        text += "；".join(wrong) + "。" if wrong else str(PlanMismatch.default_message)
    return text


#: Where a refusal happened (GateRefusal.stage).
STAGE_NAMES = {"approve": _("审批"), "issue": _("申领检查码"), "late_code": _("事后补码")}


def rule_name(code: str) -> str:
    """The Chinese name of a gate rule for pages and exports (never the English `code`)."""
    return str(RULE_NAMES.get(code, _("其他规则")))


def stage_name(stage: str) -> str:
    return str(STAGE_NAMES.get(stage, _("其他环节")))
