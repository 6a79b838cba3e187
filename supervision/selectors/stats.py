"""分析研判: every figure of the dashboard and of /api/v1/stats/overview/ (举措 20; docs/domain.md
"Supervision"). One function, a fixed number of aggregate queries (GROUP BY / conditional COUNT),
whatever the number of rows: the page stays fast at city scale (bench/dashboard.py).

Definitions (which inspections count and what a joint one is: plans.selectors.counting):
- counted inspections: `counting.counted` (approved, code issued, result recorded, closed); the year
  is the inspection date's year;
- joint: `counting.joint_annotation` (participations of two or more distinct agencies); inspections
  avoided by joining = Σ (agencies − 1) over joint inspections (each agency would otherwise have
  visited on its own);
- inspections avoided by recognition (举措 12 结果互认) = ResultRecognition records made in the period
  (Asia/Shanghai, as guidance.selectors.recognitions_count and the summary report count them), of the
  filtered agency (the recognising one) and enterprises; avoided total = by joining + by recognition;
- per agency: every active agency is listed (zero rows too); ordering is the caller's;
- problem-finding rate = inspections with an outcome other than 未发现问题 / inspections with an outcome;
- caps hit = yearly-cap blocks starting in the year; blocks open = active blocks covering today;
- satisfaction = average 企业评议 rating (1–5) and average 满意度测评 score (1–5).
"""
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from checkcode.models import CheckCode, Evaluation
from guidance.models import ResultRecognition
from jiujiang_inspect.models import Alert
from plans.models import AnnualPlan, Block, Enterprise, Inspection, Participation, TriggeredFiling
from plans.selectors import counting
from subjects.models import Agency

from ..models import SupervisionCase, SurveyResponse

PROBLEM = ("rectification", "case_transferred")


@dataclass(frozen=True)
class StatsFilter:
    year: int
    month: int | None = None
    agency_id: int | None = None
    town: str = ""
    industry_id: int | None = None


def _enterprise_q(f: StatsFilter, prefix: str) -> Q:
    q = Q()
    if f.town:
        q &= Q(**{f"{prefix}town": f.town})
    if f.industry_id:
        # An industry filter takes in its sub-industries (GB/T 4754 levels).
        q &= (Q(**{f"{prefix}industry_id": f.industry_id}) | Q(**{f"{prefix}industry__parent_id": f.industry_id})
              | Q(**{f"{prefix}industry__parent__parent_id": f.industry_id})
              | Q(**{f"{prefix}industry__parent__parent__parent_id": f.industry_id}))
    return q


def _inspections(f: StatsFilter):
    qs = counting.counted().filter(date__year__in=[f.year - 1, f.year])
    if f.month:
        qs = qs.filter(date__month=f.month)
    if f.agency_id:
        qs = qs.filter(Exists(Participation.objects.filter(inspection=OuterRef("pk"), agency_id=f.agency_id)))
    return qs.filter(_enterprise_q(f, "enterprise__"))


def _recognitions(f: StatsFilter):
    """结果互认 made in the filter's two years (range on created_at: index-friendly)."""
    tz = timezone.get_current_timezone()
    qs = ResultRecognition.objects.filter(created_at__gte=datetime.combine(date(f.year - 1, 1, 1), time.min, tz),
                                          created_at__lt=datetime.combine(date(f.year + 1, 1, 1), time.min, tz))
    if f.month:
        qs = qs.filter(created_at__month=f.month)
    if f.agency_id:
        qs = qs.filter(agency_id=f.agency_id)
    return qs.filter(_enterprise_q(f, "enterprise__"))


def _yoy(cur, prev):
    if cur is None or prev in (None, 0):
        return None
    return round((cur - prev) * 100.0 / prev, 1)


def _rate(num, den):
    return round(num * 100.0 / den, 1) if den else None


def overview(*, f: StatsFilter, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    y, py = f.year, f.year - 1
    ins = counting.with_joint(_inspections(f))

    def by_year(yr):
        return {
            f"total_{yr}": Count("id", filter=Q(date__year=yr)),
            f"onsite_{yr}": Count("id", filter=Q(date__year=yr, mode="onsite")),
            f"joint_{yr}": Count("id", filter=Q(date__year=yr, joint=True)),
            f"with_outcome_{yr}": Count("id", filter=Q(date__year=yr) & ~Q(outcome="")),
            f"problems_{yr}": Count("id", filter=Q(date__year=yr, outcome__in=PROBLEM)),
            f"triggered_{yr}": Count("id", filter=Q(date__year=yr, kind="triggered")),
        }

    agg = ins.aggregate(**by_year(y), **by_year(py))
    # Inspections avoided by joining = Σ (agencies − 1) = participations − inspections with any.
    for r in (Participation.objects.filter(inspection__in=_inspections(f))
              .values(yr=ExtractYear("inspection__date"))
              .annotate(p=Count("id"), i=Count("inspection_id", distinct=True)).order_by()):
        agg[f"avoided_{r['yr']}"] = r["p"] - r["i"]
    # Inspections avoided by 结果互认: one grouped query gives both years' totals and this year's per agency.
    recognised, recognised_by_agency = {y: 0, py: 0}, {}
    for r in _recognitions(f).values("agency_id", yr=ExtractYear("created_at")).annotate(n=Count("id")).order_by():
        recognised[r["yr"]] = recognised.get(r["yr"], 0) + r["n"]
        if r["yr"] == y:
            recognised_by_agency[r["agency_id"]] = r["n"]

    def inspections_block(yr):
        total, onsite, joint = agg[f"total_{yr}"], agg[f"onsite_{yr}"], agg[f"joint_{yr}"]
        joining = agg.get(f"avoided_{yr}", 0)
        return {"total": total, "onsite": onsite, "offsite": total - onsite, "joint": joint, "single": total - joint,
                # "avoided" is kept (= by joining) for clients that read it before recognition was counted.
                "avoided": joining, "avoided_by_joining": joining, "avoided_by_recognition": recognised[yr],
                "avoided_total": joining + recognised[yr], "triggered": agg[f"triggered_{yr}"],
                "with_outcome": agg[f"with_outcome_{yr}"], "problems": agg[f"problems_{yr}"],
                "problem_rate": _rate(agg[f"problems_{yr}"], agg[f"with_outcome_{yr}"])}

    cur, prev = inspections_block(y), inspections_block(py)

    # Plans (lead or member agency when filtered by agency).
    plans = AnnualPlan.objects.filter(year__in=[y, py])
    if f.agency_id:
        plans = plans.filter(Q(lead_agency_id=f.agency_id) | Q(member_agencies__id=f.agency_id))
    filed = ["filed", "published"]
    p = plans.aggregate(**{f"filed_{yr}": Count("id", distinct=True, filter=Q(year=yr, status__in=filed))
                           for yr in (y, py)},
                        **{f"published_{yr}": Count("id", distinct=True, filter=Q(year=yr, status="published"))
                           for yr in (y, py)},
                        **{f"all_{yr}": Count("id", distinct=True, filter=Q(year=yr)) for yr in (y, py)})

    # 检查码 of the counted inspections.
    codes = CheckCode.objects.filter(inspection__in=_inspections(f))
    c = codes.aggregate(**{k: v for yr in (y, py) for k, v in {
        f"issued_{yr}": Count("id", filter=Q(inspection__date__year=yr)),
        f"shown_{yr}": Count("id", filter=Q(inspection__date__year=yr, first_shown_at__isnull=False)),
        f"late_{yr}": Count("id", filter=Q(inspection__date__year=yr, is_late=True)),
    }.items()})

    # Triggered filings by source.
    tf = TriggeredFiling.objects.counted().filter(month__startswith=f"{y}-") if not f.month else \
        TriggeredFiling.objects.counted().filter(month=f"{y}-{f.month:02d}")
    if f.agency_id:
        tf = tf.filter(agency_id=f.agency_id)
    tf = tf.filter(_enterprise_q(f, "enterprise__"))
    labels = dict(Inspection.TriggerSource.choices)
    by_source = {r["source"]: r["n"] for r in tf.values("source").annotate(n=Count("id")).order_by()}
    triggered_by_source = [{"source": k, "label": str(v), "count": by_source.get(k, 0)} for k, v in labels.items()]

    # Caps hit and blocks open.
    blocks = Block.objects.filter(_enterprise_q(f, "enterprise__"))
    if f.agency_id:
        blocks = blocks.filter(Q(agency_id=f.agency_id) | Q(agency__isnull=True))
    live = Q(status="active", starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    b = blocks.aggregate(caps_hit=Count("id", filter=Q(rule="yearly_cap", starts_on__year=y)),
                         caps_hit_prev=Count("id", filter=Q(rule="yearly_cap", starts_on__year=py)),
                         blocks_open=Count("id", filter=live),
                         blocks_year=Count("id", filter=Q(starts_on__year=y)))

    # Satisfaction: evaluations of the counted inspections, survey answers of the year.
    ev = Evaluation.objects.filter(check_code__inspection__in=_inspections(f)).aggregate(
        avg=Avg("rating", filter=Q(check_code__inspection__date__year=y)),
        n=Count("id", filter=Q(check_code__inspection__date__year=y)),
        low=Count("id", filter=Q(check_code__inspection__date__year=y, rating__lte=2)),
        avg_prev=Avg("rating", filter=Q(check_code__inspection__date__year=py)))
    sr = SurveyResponse.objects.filter(survey__period_start__year=y)
    if f.agency_id:
        sr = sr.filter(agency_id=f.agency_id)
    s = sr.filter(_enterprise_q(f, "enterprise__")).aggregate(avg=Avg("score"), n=Count("id"))

    # Per month (this year and last, for the year-on-year chart) and per agency (this year).
    months = {(r["yr"], r["m"]): r for r in
              ins.annotate(yr=ExtractYear("date"), m=ExtractMonth("date")).values("yr", "m").annotate(
                  total=Count("id"), onsite=Count("id", filter=Q(mode="onsite")), joint=Count("id", filter=Q(joint=True)),
                  with_outcome=Count("id", filter=~Q(outcome="")),
                  problems=Count("id", filter=Q(outcome__in=PROBLEM))).order_by()}
    per_month = []
    for m in range(1, 13):
        r, pr = months.get((y, m), {}), months.get((py, m), {})
        per_month.append({"month": m, "total": r.get("total", 0), "onsite": r.get("onsite", 0),
                          "joint": r.get("joint", 0), "problems": r.get("problems", 0),
                          "problem_rate": _rate(r.get("problems", 0), r.get("with_outcome", 0)),
                          "total_prev": pr.get("total", 0), "yoy": _yoy(r.get("total", 0), pr.get("total", 0))})

    parts = Participation.objects.filter(inspection__in=_inspections(f).filter(date__year=y)).annotate(
        joint=counting.joint_annotation("inspection_id"))
    if f.agency_id:
        parts = parts.filter(agency_id=f.agency_id)
    ratings = dict(Evaluation.objects.filter(check_code__inspection__in=_inspections(f).filter(date__year=y))
                   .values(agency=F("check_code__inspection__participations__agency"))
                   .annotate(a=Avg("rating")).order_by().values_list("agency", "a"))
    counted = {r["agency_id"]: r for r in parts.values(
        "agency_id", "agency__code", "agency__short_name", "agency__name").annotate(
            total=Count("inspection_id"),
            onsite=Count("inspection_id", filter=Q(inspection__mode="onsite")),
            joint=Count("inspection_id", filter=Q(joint=True)),
            triggered=Count("inspection_id", filter=Q(inspection__kind="triggered")),
            with_outcome=Count("inspection_id", filter=~Q(inspection__outcome="")),
            problems=Count("inspection_id", filter=Q(inspection__outcome__in=PROBLEM)),
        ).order_by()}
    # Every active agency gets a row (an agency that inspected nothing is a finding too), plus any
    # inactive one that still has figures in the period.
    agencies = Agency.objects.filter(Q(is_active=True) | Q(pk__in=list(counted) + list(recognised_by_agency)))
    if f.agency_id:
        agencies = agencies.filter(pk=f.agency_id)
    zero = {"total": 0, "onsite": 0, "joint": 0, "triggered": 0, "with_outcome": 0, "problems": 0}
    per_agency = []
    for a in agencies.values("pk", "code", "short_name", "name"):
        r = counted.get(a["pk"]) or {"agency_id": a["pk"], "agency__code": a["code"],
                                     "agency__short_name": a["short_name"], "agency__name": a["name"], **zero}
        per_agency.append({**r, "problem_rate": _rate(r["problems"], r["with_outcome"]),
                           "recognitions": recognised_by_agency.get(a["pk"], 0),
                           "rating": round(ratings[a["pk"]], 2) if ratings.get(a["pk"]) is not None else None})
    per_agency.sort(key=lambda r: (-r["total"], r["agency__code"]))

    # Pools (current sizes) and what needs attention today.
    pools = dict(Enterprise.objects.filter(is_active=True).filter(_enterprise_q(f, ""))
                 .values("pool").annotate(n=Count("id")).order_by().values_list("pool", "n"))
    alerts = Alert.objects.exclude(status=Alert.Status.RESOLVED)
    cases = SupervisionCase.objects.filter(status=SupervisionCase.Status.OPEN)
    if f.agency_id:
        alerts, cases = alerts.filter(agency_id=f.agency_id), cases.filter(agency_id=f.agency_id)
    alert_counts = alerts.aggregate(open=Count("id"), block=Count("id", filter=Q(severity="block")),
                                    warning=Count("id", filter=Q(severity="warning")))
    open_alerts = list(alerts.select_related("agency").order_by("-created_at", "-id")[:10])
    case_counts = cases.aggregate(open=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today)))
    open_cases = list(cases.select_related("agency").order_by(F("deadline").asc(nulls_last=True), "id")[:10])

    return {
        "filter": {"year": y, "month": f.month, "agency_id": f.agency_id, "town": f.town,
                   "industry_id": f.industry_id},
        "plans": {"filed": p[f"filed_{y}"], "published": p[f"published_{y}"], "total": p[f"all_{y}"],
                  "filed_prev": p[f"filed_{py}"], "published_prev": p[f"published_{py}"],
                  "published_yoy": _yoy(p[f"published_{y}"], p[f"published_{py}"])},
        "inspections": {**cur, "prev": prev, "total_yoy": _yoy(cur["total"], prev["total"]),
                        "joint_share": _rate(cur["joint"], cur["total"])},
        "codes": {"issued": c[f"issued_{y}"], "shown": c[f"shown_{y}"], "late": c[f"late_{y}"],
                  "shown_rate": _rate(c[f"shown_{y}"], c[f"issued_{y}"]),
                  "issued_prev": c[f"issued_{py}"], "issued_yoy": _yoy(c[f"issued_{y}"], c[f"issued_{py}"])},
        "triggered_by_source": triggered_by_source,
        "triggered_filings": sum(by_source.values()),
        "caps": {"hit": b["caps_hit"], "hit_prev": b["caps_hit_prev"], "blocks_open": b["blocks_open"],
                 "blocks_year": b["blocks_year"]},
        "satisfaction": {"evaluation_avg": round(ev["avg"], 2) if ev["avg"] is not None else None,
                         "evaluations": ev["n"], "low_ratings": ev["low"],
                         "evaluation_avg_prev": round(ev["avg_prev"], 2) if ev["avg_prev"] is not None else None,
                         "survey_avg": round(float(s["avg"]), 2) if s["avg"] is not None else None,
                         "survey_responses": s["n"]},
        "pools": pools,
        "per_month": per_month,
        "per_agency": per_agency,
        "alerts": {**alert_counts, "latest": open_alerts},
        "cases": {**case_counts, "latest": open_cases},
    }
