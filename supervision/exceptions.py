"""Domain errors of supervision (codes are part of the API contract: extend, never rename)."""
from django.utils.translation import gettext_lazy as _

from jiujiang_inspect.exceptions import ApplicationError


class MeasureOutOfOrder(ApplicationError):
    code = "measure_out_of_order"
    default_message = _("监督措施应按 责令改正 → 公开约谈 → 督办通报 → 移送纪检监察 的顺序逐级采取。")


class SurveyNotOpen(ApplicationError):
    code = "survey_not_open"
    default_message = _("该测评不在进行中。")


class SurveyNotEligible(ApplicationError):
    code = "survey_not_eligible"
    default_message = _("测评期间内该单位未对本企业开展检查，无需测评。")


class SurveyAlreadyAnswered(ApplicationError):
    code = "survey_already_answered"
    default_message = _("本企业已对该单位提交过测评。")

