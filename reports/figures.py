"""The figures of the summary report (举措 19 分析研判, 举措 21), computed with aggregate queries.

Definitions (stated once, used for every period so comparisons are fair):
- an inspection "carried out" in the period: its planned `date` falls in the period and it is
  counted (plans.selectors.counting: approved, code issued, result recorded or closed);
- on-site: mode `onsite`; off-site: remote, online patrol, document review;
- joint: participations of two or more distinct agencies (counting.joint_annotation); inspections avoided by joining = Σ (agencies − 1)
  over joint inspections; inspections avoided by recognition = 结果互认 records made in the period;
- codes: issued in the period (by `issued_at`), of which shown (scanned at least once), late (补码),
  revoked;
- triggered filings by source, by the date they were filed;
- problem-finding rate: results of inspections carried out in the period whose outcome is
  rectification or case transferred, over all their results;
- satisfaction: 企业评议 submitted in the period (average rating, share "code shown", share
  "notified in advance", negative-list reports). Per agency only with ≥5 evaluations (anonymity).
"""
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Q
from django.utils import timezone

from checkcode.models import CheckCode, Evaluation, InspectionResult
from guidance.models import TypicalCase
from guidance.selectors import recognitions_between
from plans.models import Inspection, Participation, TriggeredFiling
from plans.selectors import counting
from subjects.models import Agency
from supervision.models import CaseMeasure, SupervisionCase

PROBLEM_OUTCOMES = ["rectification", "case_transferred"]
MIN_EVALUATIONS_PER_AGENCY = 5
KEY_FIGURES = ["inspections", "onsite", "offsite", "joint", "single", "avoided_by_joining", "recognitions",
               "avoided_total", "codes_issued", "codes_shown", "codes_late", "codes_revoked", "triggered_filings",
               "results", "results_with_problems", "problem_rate", "evaluations", "avg_rating", "code_shown_rate",
               "notified_rate", "negative_reports"]
LABELS = {
    "inspections": "开展检查（次）", "onsite": "现场检查", "offsite": "非现场检查", "joint": "联合检查", "single": "单独检查",
    "avoided_by_joining": "联合检查减少入企（次）", "recognitions": "结果互认减少入企（次）", "avoided_total": "合计减少入企（次）",
    "codes_issued": "赋码（个）", "codes_shown": "亮码（个）", "codes_late": "事后补码（个）", "codes_revoked": "撤销检查码（个）",
    "triggered_filings": "触发式检查备案（件）", "results": "录入检查结果（件）", "results_with_problems": "发现问题（件）",
    "problem_rate": "问题发现率（%）", "evaluations": "企业评议（份）", "avg_rating": "平均评分（1–5）",
    "code_shown_rate": "亮码率（企业评议，%）", "notified_rate": "事先告知率（企业评议，%）", "negative_reports": "反映负面清单行为（份）",
}


def _bounds(start: date, end: date):
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before (e.g. Q1 → the previous Q4's length of days)."""
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def _pct(part, whole):
    return round(part * 100 / whole, 1) if whole else 0.0


def carried_out(start, end):
    return counting.counted().filter(date__gte=start, date__lte=end)


def key_figures(start: date, end: date) -> dict:
    """The dashboard's key figures for one period (a handful of aggregate queries)."""
    lo, hi = _bounds(start, end)
    inspections = counting.with_joint(carried_out(start, end))
    agg = inspections.aggregate(
        inspections=Count("id"), onsite=Count("id", filter=Q(mode="onsite")), n_joint=Count("id", filter=Q(joint=True)))
    codes = CheckCode.objects.filter(issued_at__gte=lo, issued_at__lt=hi).aggregate(
        issued=Count("id"), shown=Count("id", filter=Q(first_shown_at__isnull=False)),
        late=Count("id", filter=Q(is_late=True)), revoked=Count("id", filter=Q(status=CheckCode.Status.REVOKED)))
    results = InspectionResult.objects.filter(inspection__in=carried_out(start, end)).aggregate(
        n=Count("id"), problems=Count("id", filter=Q(outcome__in=PROBLEM_OUTCOMES)))
    evals = Evaluation.objects.filter(created_at__gte=lo, created_at__lt=hi).aggregate(
        n=Count("id"), avg=Avg("rating"), shown=Count("id", filter=Q(code_shown=True)),
        notified=Count("id", filter=Q(notified_in_advance=True)),
        negative=Count("id", filter=Q(negative_items__isnull=False), distinct=True))
    recognitions = recognitions_between(start, end).count()
    filings = TriggeredFiling.objects.counted().filter(filed_at__gte=lo, filed_at__lt=hi)
    by_source = dict(filings.order_by().values("source").annotate(n=Count("id")).values_list("source", "n"))
    avoided_joining = counting.visits_avoided_by_joining(carried_out(start, end))
    return {
        "inspections": agg["inspections"], "onsite": agg["onsite"], "offsite": agg["inspections"] - agg["onsite"],
        "joint": agg["n_joint"], "single": agg["inspections"] - agg["n_joint"],
        "avoided_by_joining": avoided_joining, "recognitions": recognitions,
        "avoided_total": avoided_joining + recognitions,
        "codes_issued": codes["issued"], "codes_shown": codes["shown"], "codes_late": codes["late"],
        "codes_revoked": codes["revoked"],
        "triggered_filings": sum(by_source.values()), "triggered_by_source": by_source,
        "results": results["n"], "results_with_problems": results["problems"],
        "problem_rate": _pct(results["problems"], results["n"]),
        "evaluations": evals["n"], "avg_rating": round(evals["avg"], 2) if evals["avg"] is not None else None,
        "code_shown_rate": _pct(evals["shown"], evals["n"]), "notified_rate": _pct(evals["notified"], evals["n"]),
        "negative_reports": evals["negative"],
    }


def comparison(current: dict, previous: dict) -> dict:
    """For each key figure: previous value, change, and change in percent (None when undefined)."""
    out = {}
    for key in KEY_FIGURES:
        now, before = current.get(key), previous.get(key)
        if now is None or before is None:
            out[key] = {"previous": before, "change": None, "change_pct": None}
            continue
        change = round(now - before, 2)
        out[key] = {"previous": before, "change": change,
                    "change_pct": round(change * 100 / before, 1) if before else None}
    return out


def per_agency(start: date, end: date) -> list[dict]:
    """Per participating agency: inspections (each agency counts its own part), joint, on-site,
    results with problems, codes, triggered filings, recognitions, and the average rating when it
    rests on at least 5 evaluations."""
    lo, hi = _bounds(start, end)
    parts = Participation.objects.filter(inspection__in=carried_out(start, end))
    rows = {r["agency_id"]: r for r in parts.annotate(in_joint=counting.joint_annotation("inspection_id")).order_by()
            .values("agency_id").annotate(
        inspections=Count("id"), onsite=Count("id", filter=Q(inspection__mode="onsite")),
        joint=Count("id", filter=Q(in_joint=True)),
        problems=Count("id", filter=Q(inspection__result__outcome__in=PROBLEM_OUTCOMES)))}
    codes = dict(CheckCode.objects.filter(issued_at__gte=lo, issued_at__lt=hi).order_by()
                 .values("inspection__initiating_agency_id").annotate(n=Count("id"))
                 .values_list("inspection__initiating_agency_id", "n"))
    filings = dict(TriggeredFiling.objects.counted().filter(filed_at__gte=lo, filed_at__lt=hi).order_by().values("agency_id")
                   .annotate(n=Count("id")).values_list("agency_id", "n"))
    recognitions = dict(recognitions_between(start, end).order_by().values("agency_id").annotate(n=Count("id"))
                        .values_list("agency_id", "n"))
    ratings = {r["check_code__inspection__participations__agency_id"]: r for r in
               Evaluation.objects.filter(created_at__gte=lo, created_at__lt=hi).order_by()
               .values("check_code__inspection__participations__agency_id")
               .annotate(n=Count("id", distinct=True), avg=Avg("rating"))}
    ids = set(rows) | set(codes) | set(filings) | set(recognitions)
    out = []
    for agency in Agency.objects.filter(pk__in=ids).order_by("code"):
        r = rows.get(agency.pk, {})
        rating = ratings.get(agency.pk)
        shown_rating = (round(rating["avg"], 2) if rating and rating["n"] >= MIN_EVALUATIONS_PER_AGENCY else None)
        out.append({"agency": agency.code, "name": agency.name, "inspections": r.get("inspections", 0),
                    "joint": r.get("joint", 0), "onsite": r.get("onsite", 0), "problems": r.get("problems", 0),
                    "codes": codes.get(agency.pk, 0), "triggered_filings": filings.get(agency.pk, 0),
                    "recognitions": recognitions.get(agency.pk, 0), "avg_rating": shown_rating,
                    "evaluations": rating["n"] if rating else 0})
    return out


def supervision_cases(start: date, end: date) -> dict:
    """监督案件 opened in the period by status and source, and measures taken in the period by kind."""
    lo, hi = _bounds(start, end)
    cases = SupervisionCase.objects.filter(created_at__gte=lo, created_at__lt=hi)
    return {
        "opened": cases.count(),
        "by_status": dict(cases.order_by().values("status").annotate(n=Count("id")).values_list("status", "n")),
        "by_source": dict(cases.order_by().values("source").annotate(n=Count("id")).values_list("source", "n")),
        "measures_by_kind": dict(CaseMeasure.objects.filter(date__gte=start, date__lte=end).order_by()
                                 .values("kind").annotate(n=Count("id")).values_list("kind", "n")),
    }


def typical_cases_snapshot(case_ids) -> list[dict]:
    return [{"id": c.pk, "title": c.title, "kind": c.get_kind_display(), "category": c.get_category_display(),
             "facts": c.facts, "handling": c.handling, "lesson": c.lesson}
            for c in TypicalCase.objects.filter(pk__in=case_ids).order_by("-occurred_on", "-id")]


def labels() -> dict:
    def plain(choices):
        return {k: str(v) for k, v in choices}

    return {
        "figures": LABELS,
        "sources": plain(Inspection.TriggerSource.choices),
        "case_status": plain(SupervisionCase.Status.choices),
        "case_source": plain(SupervisionCase.Source.choices),
        "measures": plain(CaseMeasure.Kind.choices),
    }
