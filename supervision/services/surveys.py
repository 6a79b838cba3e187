"""满意度测评 (举措 19): a reviewer opens a campaign; an enterprise answers through the public link,
proving who it is with its 统一社会信用代码, once per agency that inspected it during the period."""
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import InvalidState, ValidationFailed
from plans.exceptions import UsccMismatch
from plans.models import Enterprise, Participation
from plans.selectors.counting import counted_participations
from subjects.models import Agency
from subjects.validators import uscc_normalise

from ..exceptions import SurveyAlreadyAnswered, SurveyNotEligible, SurveyNotOpen
from ..models import Survey, SurveyResponse


def _clean_questions(questions):
    out = []
    for i, q in enumerate(questions or [], start=1):
        text = (q.get("text") if isinstance(q, dict) else str(q)).strip()
        if text:
            out.append({"key": f"q{i}", "text": text[:200]})
    if not out:
        raise ValidationFailed(detail={"questions": [_("至少设置一道题目。")]})
    return out


@transaction.atomic
def survey_create(*, by, title: str, period_start, period_end, questions) -> Survey:
    roles.require(by, roles.REVIEWER, message=_("仅区司法局可以管理满意度测评。"))
    if period_end < period_start:
        raise ValidationFailed(detail={"period_end": [_("结束日期不能早于开始日期。")]})
    survey = Survey.objects.create(title=title, period_start=period_start, period_end=period_end,
                                   questions=_clean_questions(questions), created_by=by)
    audit_record(actor=by, action="survey.created", target=survey,
                 changes={"period": [period_start, period_end], "questions": survey.questions})
    return survey


@transaction.atomic
def survey_set_status(*, survey: Survey, by, status: str) -> Survey:
    roles.require(by, roles.REVIEWER, message=_("仅区司法局可以管理满意度测评。"))
    allowed = {Survey.Status.DRAFT: Survey.Status.OPEN, Survey.Status.OPEN: Survey.Status.CLOSED}
    if allowed.get(survey.status) != status:
        raise InvalidState()
    before, survey.status = survey.status, status
    survey.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action=f"survey.{status}", target=survey, changes={"status": [before, status]})
    return survey


def survey_agencies_for(*, survey: Survey, enterprise: Enterprise):
    """Agencies that inspected the enterprise during the survey period (the ones it may rate): their
    participations in inspections that count (plans.selectors.counting, docs/domain.md "Counting")."""
    ids = counted_participations(Participation.objects.filter(
        inspection__enterprise=enterprise, inspection__date__gte=survey.period_start,
        inspection__date__lte=survey.period_end)).values("agency_id")
    return Agency.objects.filter(pk__in=ids).order_by("code")


def survey_enterprise_by_uscc(*, uscc: str) -> Enterprise:
    enterprise = Enterprise.objects.filter(uscc=uscc_normalise(uscc)).first()
    if enterprise is None:
        raise UsccMismatch(_("统一社会信用代码不正确。"))
    return enterprise


def survey_answer(*, survey: Survey, uscc: str, agency, answers: dict, comment: str = "") -> SurveyResponse:
    """Record one enterprise's answer about one agency. The uscc is the proof; the enterprise must
    have been inspected by that agency during the period; one answer per (survey, enterprise, agency)."""
    if survey.status != Survey.Status.OPEN:
        raise SurveyNotOpen()
    enterprise = survey_enterprise_by_uscc(uscc=uscc)
    if not survey_agencies_for(survey=survey, enterprise=enterprise).filter(pk=agency.pk).exists():
        raise SurveyNotEligible()
    scores, errors = {}, {}
    for q in survey.questions:
        try:
            v = int(answers.get(q["key"]))
        except (TypeError, ValueError):
            v = 0
        if not 1 <= v <= 5:
            errors[q["key"]] = [_("请选择 1–5 分。")]
        scores[q["key"]] = v
    if errors:
        raise ValidationFailed(detail=errors)
    score = (Decimal(sum(scores.values())) / len(scores)).quantize(Decimal("0.01"))
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(survey=survey, enterprise=enterprise, agency=agency, answers=scores,
                                                 score=score, comment=(comment or "")[:2000])
    except IntegrityError:
        raise SurveyAlreadyAnswered()
