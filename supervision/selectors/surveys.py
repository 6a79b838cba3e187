"""满意度测评 results per agency, read together with the 企业评议 of the same period (举措 19)."""
from django.db.models import Avg, Count, F, Q

from checkcode.models import Evaluation
from subjects.models import Agency

from ..models import Survey, SurveyResponse


def survey_results(*, survey: Survey) -> list[dict]:
    """Per agency: answers (count, average score, per-question averages) and evaluations of its
    inspections dated within the period (count, average rating, share with the code shown). Three
    GROUP BY queries."""
    answers = {r["agency_id"]: r for r in SurveyResponse.objects.filter(survey=survey).values("agency_id")
               .annotate(n=Count("id"), avg=Avg("score")).order_by()}
    per_question: dict[int, dict] = {}
    for resp in SurveyResponse.objects.filter(survey=survey).values("agency_id", "answers"):
        bucket = per_question.setdefault(resp["agency_id"], {})
        for key, v in (resp["answers"] or {}).items():
            bucket.setdefault(key, []).append(v)
    evals = {r["agency"]: r for r in Evaluation.objects.filter(
        check_code__inspection__date__gte=survey.period_start, check_code__inspection__date__lte=survey.period_end)
        .values(agency=F("check_code__inspection__participations__agency")).annotate(
            n=Count("id", distinct=True), avg=Avg("rating"),
            shown=Count("id", distinct=True, filter=Q(code_shown=True))).order_by()}
    ids = set(answers) | set(evals)
    out = []
    for agency in Agency.objects.filter(pk__in=ids).order_by("code"):
        a, e = answers.get(agency.pk, {}), evals.get(agency.pk, {})
        out.append({
            "agency": agency, "responses": a.get("n", 0),
            "score": round(float(a["avg"]), 2) if a.get("avg") is not None else None,
            "questions": {k: round(sum(v) / len(v), 2) for k, v in per_question.get(agency.pk, {}).items()},
            "evaluations": e.get("n", 0), "rating": round(e["avg"], 2) if e.get("avg") is not None else None,
            "code_shown_rate": round(e["shown"] * 100.0 / e["n"], 1) if e.get("n") else None,
        })
    return out
