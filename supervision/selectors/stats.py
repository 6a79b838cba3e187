"""分析研判: every figure of the dashboard and of /api/v1/stats/overview/ (举措 20; docs/domain.md
"Supervision"). One function, a fixed number of queries whatever the number of rows. The inspection
figures and the triggered filings by source come from the rollups (supervision.services.rollups: per
month × town, per agency × month × town, per pool × town, filings per month × agency × source ×
town; refreshed from a high-water mark before reading), so the page reads hundreds of rows at city
scale (bench/, S5); an industry filter, which the rollups do not keep, computes them
from the raw rows (`_figures_raw`, the reference the rollup test compares with). Years and months
are date ranges (indexable), never EXTRACT.

Definitions (which inspections count and what a joint one is: plans.selectors.counting):
- inspections: those that happened, `counting.happened` (code issued, result recorded, closed; an
  approved visit without its code is still to come, issue 15); the year is the inspection date's year;
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
import logging
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from checkcode.models import CheckCode, Evaluation
from guidance.models import ResultRecognition
from jiujiang_inspect.availability import REDIS_ERRORS
from jiujiang_inspect.db_routing import reads_from_replica
from jiujiang_inspect.models import Alert
from plans.models import AnnualPlan, Block, Enterprise, Inspection, Participation, TriggeredFiling
from plans.selectors import counting
from subjects.models import Agency

from ..models import (
    AgencyMonthlyRollup,
    FilingRollup,
    MonthlyRollup,
    PoolRollup,
    SupervisionCase,
    SurveyResponse,
)
from ..services.rollups import FIGURES, rollup_refresh

PROBLEM = ("rectification", "case_transferred")


@dataclass(frozen=True)
class StatsFilter:
    year: int
    month: int | None = None
    agency_id: int | None = None
    town: str = ""
    industry_id: int | None = None


log = logging.getLogger(__name__)
ROLLUP_CACHE_SECONDS = 3600  # a new refresh makes a new key; this only bounds what an old one occupies


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


def _year(yr: int, month: int | None = None, field: str = "date") -> Q:
    """`field` within the year (or its month) as a date range an index serves (never EXTRACT)."""
    lo = date(yr, month or 1, 1)
    hi = date(yr + 1, 1, 1) if not month or month == 12 else date(yr, month + 1, 1)
    return Q(**{f"{field}__gte": lo, f"{field}__lt": hi})


def _inspections(f: StatsFilter):
    qs = counting.happened().filter(_year(f.year - 1, f.month) | _year(f.year, f.month))
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


def _avg(total, n):
    return total / n if n else None


ZERO_AGENCY = {"total": 0, "onsite": 0, "joint": 0, "triggered": 0, "with_outcome": 0, "problems": 0}


def _figures_raw(f: StatsFilter) -> dict:
    """The inspection figures from the raw rows: {"years": {yr: {...}}, "months": {(yr, m): {...}},
    "agencies": {agency_id: {...}} (this year), "ratings": {agency_id: average}}."""
    y, py = f.year, f.year - 1
    ins = counting.with_joint(_inspections(f))

    def by_year(yr):
        q = _year(yr)
        return {
            f"total_{yr}": Count("id", filter=q),
            f"onsite_{yr}": Count("id", filter=q & Q(mode="onsite")),
            f"joint_{yr}": Count("id", filter=q & Q(joint=True)),
            f"with_outcome_{yr}": Count("id", filter=q & ~Q(outcome="")),
            f"problems_{yr}": Count("id", filter=q & Q(outcome__in=PROBLEM)),
            f"triggered_{yr}": Count("id", filter=q & Q(kind="triggered")),
        }

    agg = ins.aggregate(**by_year(y), **by_year(py))
    years = {yr: {k: agg[f"{k}_{yr}"] for k in ("total", "onsite", "joint", "with_outcome", "problems", "triggered")}
             for yr in (y, py)}
    for yr in (y, py):
        years[yr]["avoided"] = 0
    # Inspections avoided by joining = Σ (agencies − 1) = participations − inspections with any.
    for r in (Participation.objects.filter(inspection__in=_inspections(f))
              .values(yr=ExtractYear("inspection__date"))
              .annotate(p=Count("id"), i=Count("inspection_id", distinct=True)).order_by()):
        years[r["yr"]]["avoided"] = r["p"] - r["i"]
    # 检查码 of the counted inspections.
    c = CheckCode.objects.filter(inspection__in=_inspections(f)).aggregate(**{k: v for yr in (y, py) for k, v in {
        f"issued_{yr}": Count("id", filter=_year(yr, field="inspection__date")),
        f"shown_{yr}": Count("id", filter=_year(yr, field="inspection__date") & Q(first_shown_at__isnull=False)),
        f"late_{yr}": Count("id", filter=_year(yr, field="inspection__date") & Q(is_late=True)),
    }.items()})
    ev = Evaluation.objects.filter(check_code__inspection__in=_inspections(f)).aggregate(**{k: v for yr in (y, py) for k, v in {
        f"avg_{yr}": Avg("rating", filter=_year(yr, field="check_code__inspection__date")),
        f"n_{yr}": Count("id", filter=_year(yr, field="check_code__inspection__date")),
        f"low_{yr}": Count("id", filter=_year(yr, field="check_code__inspection__date") & Q(rating__lte=2)),
    }.items()})
    for yr in (y, py):
        years[yr].update(codes_issued=c[f"issued_{yr}"], codes_shown=c[f"shown_{yr}"], codes_late=c[f"late_{yr}"],
                         evaluations=ev[f"n_{yr}"], low_ratings=ev[f"low_{yr}"], rating_avg=ev[f"avg_{yr}"])
    months = {(r["yr"], r["m"]): r for r in
              ins.annotate(yr=ExtractYear("date"), m=ExtractMonth("date")).values("yr", "m").annotate(
                  total=Count("id"), onsite=Count("id", filter=Q(mode="onsite")), joint=Count("id", filter=Q(joint=True)),
                  with_outcome=Count("id", filter=~Q(outcome="")),
                  problems=Count("id", filter=Q(outcome__in=PROBLEM))).order_by()}
    this_year = _inspections(f).filter(_year(y))
    parts = Participation.objects.filter(inspection__in=this_year).annotate(
        joint=counting.joint_annotation("inspection_id"))
    if f.agency_id:
        parts = parts.filter(agency_id=f.agency_id)
    ratings = dict(Evaluation.objects.filter(check_code__inspection__in=this_year)
                   .values(agency=F("check_code__inspection__participations__agency"))
                   .annotate(a=Avg("rating")).order_by().values_list("agency", "a"))
    agencies = {r.pop("agency_id"): r for r in parts.values("agency_id").annotate(
        total=Count("inspection_id"),
        onsite=Count("inspection_id", filter=Q(inspection__mode="onsite")),
        joint=Count("inspection_id", filter=Q(joint=True)),
        triggered=Count("inspection_id", filter=Q(inspection__kind="triggered")),
        with_outcome=Count("inspection_id", filter=~Q(inspection__outcome="")),
        problems=Count("inspection_id", filter=Q(inspection__outcome__in=PROBLEM)),
    ).order_by()}
    return {"years": years, "months": months, "agencies": agencies, "ratings": ratings}


def _figures_rollup(f: StatsFilter) -> dict:
    """The same figures from the rollups (supervision.services.rollups): two small grouped queries."""
    y, py = f.year, f.year - 1
    model = AgencyMonthlyRollup if f.agency_id else MonthlyRollup
    rows = model.objects.filter(_year(py, f.month, "month") | _year(y, f.month, "month"))
    if f.agency_id:
        rows = rows.filter(agency_id=f.agency_id)
    if f.town:
        rows = rows.filter(town=f.town)
    sums = {k: Sum(k) for k in FIGURES}
    years = {yr: dict.fromkeys(FIGURES, 0) for yr in (y, py)}
    months = {}
    for r in rows.values("month").annotate(**sums).order_by():
        yr = years[r["month"].year]
        for k in FIGURES:
            yr[k] += r[k]
        m = months.setdefault((r["month"].year, r["month"].month), dict.fromkeys(FIGURES, 0))
        for k in FIGURES:
            m[k] += r[k]
    for yr in years.values():
        yr["rating_avg"] = _avg(yr["rating_sum"], yr["evaluations"])
    per_agency = AgencyMonthlyRollup.objects.filter(_year(y, f.month, "month"))
    if f.agency_id:
        per_agency = per_agency.filter(agency_id=f.agency_id)
    if f.town:
        per_agency = per_agency.filter(town=f.town)
    agencies, ratings = {}, {}
    for r in per_agency.values("agency_id").annotate(**{k: Sum(k) for k in (*ZERO_AGENCY, "evaluations", "rating_sum")}
                                                     ).order_by():
        agency = r.pop("agency_id")
        n, total = r.pop("evaluations"), r.pop("rating_sum")
        agencies[agency] = r
        if n:
            ratings[agency] = total / n
    return {"years": years, "months": months, "agencies": agencies, "ratings": ratings}


def _rollup_reads_uncached(f: StatsFilter) -> dict:
    """Everything `overview` reads from the rollups for `f`: {"figures" (`_figures_rollup`), "by_source"
    ({source: counted filings}), "pools" ({pool: active enterprises})}."""
    tf = FilingRollup.objects.filter(_year(f.year, f.month, "month"))
    if f.town:
        tf = tf.filter(town=f.town)
    if f.agency_id:
        tf = tf.filter(agency_id=f.agency_id)
    pool_rows = PoolRollup.objects.filter(town=f.town) if f.town else PoolRollup.objects.all()
    return {"figures": _figures_rollup(f),
            "by_source": {r["source"]: r["n"] for r in tf.values("source").annotate(n=Sum("n")).order_by()},
            "pools": dict(pool_rows.values("pool").annotate(n=Sum("n")).order_by().values_list("pool", "n"))}


def _rollup_reads(f: StatsFilter, version) -> dict:
    """`_rollup_reads_uncached`, kept in the cache under the rollups' `version` (their high-water mark
    and refresh time, from `rollup_refresh`): the rollups change only when a refresh moves them, so a
    cached answer is exactly what reading them again would give (issue 13: half of a dashboard's
    queries, ~20 ms of a page). Without a version (a replica-served read) they are read every time;
    with the cache down (Redis) they are read, and the page still answers."""
    if version is None:
        return _rollup_reads_uncached(f)
    key = "stats:rollups:" + ":".join(v.isoformat() if hasattr(v, "isoformat") else str(v)
                                      for v in (f.year, f.month, f.agency_id, f.town, *version))
    try:
        found = cache.get(key)
    except REDIS_ERRORS as exc:  # a cache outage costs speed, not the page
        log.warning("stats: rollup cache unavailable, reading the rollups: %s", exc)
        return _rollup_reads_uncached(f)
    if found is None:
        found = _rollup_reads_uncached(f)
        try:
            cache.set(key, found, ROLLUP_CACHE_SECONDS)
        except REDIS_ERRORS as exc:
            log.warning("stats: rollup cache unavailable, not kept: %s", exc)
    return found


def overview(*, f: StatsFilter, today: date | None = None, source: str = "auto") -> dict:
    """Every figure of the dashboard. `source`: "rollup" reads the rollups (refreshed first), "raw"
    the inspection rows; "auto" (the default) reads the rollups unless an industry filter asks for
    what they do not keep."""
    today = today or timezone.localdate()
    y, py = f.year, f.year - 1
    rollups = source == "rollup" or (source == "auto" and not f.industry_id)
    if rollups:
        version = None
        if not reads_from_replica():  # a replica-served read writes nothing: beat keeps the rollups
            version = rollup_refresh(max_age=settings.ROLLUP_READ_MAX_AGE)["version"]
        from_rollups = _rollup_reads(f, version)
        figs = from_rollups["figures"]
    else:
        figs = _figures_raw(f)
    # Inspections avoided by 结果互认: one grouped query gives both years' totals and this year's per agency.
    recognised, recognised_by_agency = {y: 0, py: 0}, {}
    for r in _recognitions(f).values("agency_id", yr=ExtractYear("created_at")).annotate(n=Count("id")).order_by():
        recognised[r["yr"]] = recognised.get(r["yr"], 0) + r["n"]
        if r["yr"] == y:
            recognised_by_agency[r["agency_id"]] = r["n"]

    def inspections_block(yr):
        g = figs["years"][yr]
        total, onsite, joint = g["total"], g["onsite"], g["joint"]
        joining = g["avoided"]
        return {"total": total, "onsite": onsite, "offsite": total - onsite, "joint": joint, "single": total - joint,
                # "avoided" is kept (= by joining) for clients that read it before recognition was counted.
                "avoided": joining, "avoided_by_joining": joining, "avoided_by_recognition": recognised[yr],
                "avoided_total": joining + recognised[yr], "triggered": g["triggered"],
                "with_outcome": g["with_outcome"], "problems": g["problems"],
                "problem_rate": _rate(g["problems"], g["with_outcome"])}

    cur, prev = inspections_block(y), inspections_block(py)
    gy, gp = figs["years"][y], figs["years"][py]

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

    # Triggered filings by source (of the filing's agency and month), from their rollup or the raw rows.
    if rollups:
        by_source = from_rollups["by_source"]
    else:
        # A range on "YYYY-MM" (the month index serves it; LIKE 'YYYY-%' does not under a non-C collation).
        tf = TriggeredFiling.objects.counted().filter(month__gte=f"{y}-01", month__lte=f"{y}-12") if not f.month \
            else TriggeredFiling.objects.counted().filter(month=f"{y}-{f.month:02d}")
        tf = tf.filter(_enterprise_q(f, "enterprise__"))
        if f.agency_id:
            tf = tf.filter(agency_id=f.agency_id)
        by_source = {r["source"]: r["n"] for r in tf.values("source").annotate(n=Count("id")).order_by()}
    labels = dict(Inspection.TriggerSource.choices)
    triggered_by_source = [{"source": k, "label": str(v), "count": by_source.get(k, 0)} for k, v in labels.items()]

    # Caps hit and blocks open.
    blocks = Block.objects.filter(_enterprise_q(f, "enterprise__"))
    if f.agency_id:
        blocks = blocks.filter(Q(agency_id=f.agency_id) | Q(agency__isnull=True))
    live = Q(status="active", starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    b = blocks.aggregate(caps_hit=Count("id", filter=Q(rule="yearly_cap") & _year(y, field="starts_on")),
                         caps_hit_prev=Count("id", filter=Q(rule="yearly_cap") & _year(py, field="starts_on")),
                         blocks_open=Count("id", filter=live),
                         blocks_year=Count("id", filter=_year(y, field="starts_on")))

    # Satisfaction: survey answers of the year (evaluations are in the figures above).
    sr = SurveyResponse.objects.filter(_year(y, field="survey__period_start"))
    if f.agency_id:
        sr = sr.filter(agency_id=f.agency_id)
    s = sr.filter(_enterprise_q(f, "enterprise__")).aggregate(avg=Avg("score"), n=Count("id"))

    # Per month (this year and last, for the year-on-year chart) and per agency (this year).
    months = figs["months"]
    per_month = []
    for m in range(1, 13):
        r, pr = months.get((y, m), {}), months.get((py, m), {})
        per_month.append({"month": m, "total": r.get("total", 0), "onsite": r.get("onsite", 0),
                          "joint": r.get("joint", 0), "problems": r.get("problems", 0),
                          "problem_rate": _rate(r.get("problems", 0), r.get("with_outcome", 0)),
                          "total_prev": pr.get("total", 0), "yoy": _yoy(r.get("total", 0), pr.get("total", 0))})
    counted, ratings = figs["agencies"], figs["ratings"]
    # Every active agency gets a row (an agency that inspected nothing is a finding too), plus any
    # inactive one that still has figures in the period.
    agencies = Agency.objects.filter(Q(is_active=True) | Q(pk__in=list(counted) + list(recognised_by_agency)))
    if f.agency_id:
        agencies = agencies.filter(pk=f.agency_id)
    per_agency = []
    for a in agencies.values("pk", "code", "short_name", "name"):
        r = {"agency_id": a["pk"], "agency__code": a["code"], "agency__short_name": a["short_name"],
             "agency__name": a["name"], **ZERO_AGENCY, **counted.get(a["pk"], {})}
        per_agency.append({**r, "problem_rate": _rate(r["problems"], r["with_outcome"]),
                           "recognitions": recognised_by_agency.get(a["pk"], 0),
                           "rating": round(ratings[a["pk"]], 2) if ratings.get(a["pk"]) is not None else None})
    per_agency.sort(key=lambda r: (-r["total"], r["agency__code"]))

    # Pools (current sizes) and what needs attention today.
    if rollups:
        pools = from_rollups["pools"]
    else:
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
        "codes": {"issued": gy["codes_issued"], "shown": gy["codes_shown"], "late": gy["codes_late"],
                  "shown_rate": _rate(gy["codes_shown"], gy["codes_issued"]),
                  "issued_prev": gp["codes_issued"], "issued_yoy": _yoy(gy["codes_issued"], gp["codes_issued"])},
        "triggered_by_source": triggered_by_source,
        "triggered_filings": sum(by_source.values()),
        "caps": {"hit": b["caps_hit"], "hit_prev": b["caps_hit_prev"], "blocks_open": b["blocks_open"],
                 "blocks_year": b["blocks_year"]},
        "satisfaction": {"evaluation_avg": round(gy["rating_avg"], 2) if gy["rating_avg"] is not None else None,
                         "evaluations": gy["evaluations"], "low_ratings": gy["low_ratings"],
                         "evaluation_avg_prev": round(gp["rating_avg"], 2) if gp["rating_avg"] is not None else None,
                         "survey_avg": round(float(s["avg"]), 2) if s["avg"] is not None else None,
                         "survey_responses": s["n"]},
        "pools": pools,
        "per_month": per_month,
        "per_agency": per_agency,
        "alerts": {**alert_counts, "latest": open_alerts},
        "cases": {**case_counts, "latest": open_cases},
    }
