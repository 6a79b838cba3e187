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
    """行政处罚法 第42条: each participating agency brings at least two of its own certified inspectors."""

    code = "too_few_inspectors"
    default_message = _("每个参与单位至少需要两名本单位持有效执法证件的执法人员（辅助人员不计入）。")


class InspectorCertificateInvalid(ApplicationError):
    code = "inspector_certificate_invalid"
    default_message = _("有执法人员在检查当日没有有效的行政执法证件或已不在岗。")


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
