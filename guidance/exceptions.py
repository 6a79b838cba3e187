"""Domain errors of training, tests, case guidance and result recognition (stable `code`s)."""
from django.utils.translation import gettext_lazy as _

from jiujiang_inspect.exceptions import (  # noqa: F401  re-exported for callers of this app
    ApplicationError,
    InvalidState,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)


class SignInNotOpen(ApplicationError):
    code = "training_sign_in_closed"
    default_message = _("只能在培训当天本人签到。")


class NotInvited(ApplicationError):
    code = "training_not_invited"
    default_message = _("本单位不在该培训的受邀范围内。")


class QuestionPoolTooSmall(ApplicationError):
    code = "question_pool_too_small"
    default_message = _("题库中符合抽题规则的题目不足，无法组卷。")


class TestNotOpen(ApplicationError):
    __test__ = False  # not a pytest test class
    code = "test_not_open"
    default_message = _("该测试未发布或已关闭。")


class TestAttemptsExhausted(ApplicationError):
    __test__ = False  # not a pytest test class
    code = "test_attempts_exhausted"
    default_message = _("已达到该测试的最多作答次数。")


class NotAnInspector(ApplicationError):
    code = "not_an_inspector"
    status_code = 403
    default_message = _("只有关联了执法人员信息的账号才能参加测试或签到。")


class ResultNotRecognisable(ApplicationError):
    code = "result_not_recognisable"
    default_message = _("该检查结果不满足互认条件（须为其他单位在互认期限内对同一企业同一或等效事项作出的结果）。")


class RecognitionMattersNotCovered(ApplicationError):
    code = "recognition_matters_not_covered"
    default_message = _("该检查结果未覆盖本次检查的全部事项，不能以互认代替检查。")


class EquivalenceSameAgency(ApplicationError):
    code = "equivalence_same_agency"
    status_code = 400
    default_message = _("等效事项须属于不同单位。")
