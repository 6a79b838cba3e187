"""The counting half of the monthly frequency audit (DOMAIN.md "Frequency rules" 1–3, 举措 7, 11).

Every function here aggregates in the database (GROUP BY … HAVING through values().annotate()) and
returns only the rows that break a threshold, so the audit never loads every inspection into Python.
Each finding is a plain dict; `audit.py` turns findings into Alerts and Blocks.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek

from plans.models import CapPolicy, FrequencyPolicy, Inspection, Participation

from ..periods import end_of_following_month

# Inspections that never took place do not count anywhere.
VOID_STATUSES = (Inspection.Status.DRAFT, Inspection.Status.CANCELLED, Inspection.Status.MERGED)


@dataclass
class Findings:
    """What one audit found: alerts (warnings) and blocks to hold, keyed for idempotency."""

    alerts: list = field(default_factory=list)
    blocks: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def alert(self, *, key, kind, enterprise_id, agency_id=None, title, message):
        self.alerts.append(dict(key=key, kind=kind, enterprise_id=enterprise_id, agency_id=agency_id,
                                title=title, message=message))

    def block(self, *, enterprise_id, agency_id=None, rule, reason, ends_on, year_scope=False):
        self.blocks.append(dict(enterprise_id=enterprise_id, agency_id=agency_id, rule=rule, reason=reason,
                                ends_on=ends_on, year_scope=year_scope))


def _cap_base(*, year: int, end: date):
    """On-site inspections holding a slot of `year`'s cap up to the end of the audited month."""
    return (Inspection.objects.filter(slot_year=year, counts_toward_cap=True, mode=Inspection.Mode.ONSITE,
                                      date__lte=end)
            .exclude(status__in=VOID_STATUSES))


def cap_findings(*, start: date, end: date, findings: Findings):
    """Yearly on-site caps per enterprise (by pool, CapPolicy) and per agency per enterprise
    (FrequencyPolicy.per_agency_yearly_cap). A joint inspection is ONE Inspection row, so it counts
    once for the enterprise; each Participation counts once for its agency.

    Reaching the cap blocks further 检查码 for the rest of the year (ends 31 December); going past it
    (a late code, an emergency) is also reported as a warning."""
    year = start.year
    year_end = date(year, 12, 31)
    policy = FrequencyPolicy.current()
    base = _cap_base(year=year, end=end)
    at_cap = 0
    for cap in CapPolicy.objects.all():
        if cap.yearly_onsite_cap <= 0:
            continue
        rows = (base.filter(enterprise__pool=cap.pool).values("enterprise_id")
                .annotate(n=Count("id"), month_n=Count("id", filter=Q(date__gte=start)))
                .filter(n__gte=cap.yearly_onsite_cap).order_by("enterprise_id"))
        for r in rows:
            at_cap += 1
            findings.block(enterprise_id=r["enterprise_id"], rule="yearly_cap", ends_on=year_end, year_scope=True,
                           reason=f"{year}年现场检查已达{cap.get_pool_display()}年度上限{cap.yearly_onsite_cap}次"
                                  f"（截至{end:%m月%d日}共{r['n']}次），本年度内不再赋码。")
            if r["n"] > cap.yearly_onsite_cap:
                findings.alert(key=f"cap:{r['enterprise_id']}", kind="audit.cap_exceeded",
                               enterprise_id=r["enterprise_id"],
                               title=f"超过年度现场检查上限：{r['n']}次（上限{cap.yearly_onsite_cap}次）",
                               message=f"{year}年截至{end:%m月%d日}，该企业现场检查{r['n']}次，其中本月{r['month_n']}次。")
    agency_cap = policy.per_agency_yearly_cap
    agency_at_cap = 0
    if agency_cap > 0:
        rows = (Participation.objects.filter(inspection__in=base)
                .values("inspection__enterprise_id", "agency_id")
                .annotate(n=Count("inspection_id", distinct=True))
                .filter(n__gte=agency_cap).order_by("inspection__enterprise_id", "agency_id"))
        for r in rows:
            agency_at_cap += 1
            ent, ag = r["inspection__enterprise_id"], r["agency_id"]
            findings.block(enterprise_id=ent, agency_id=ag, rule="yearly_cap", ends_on=year_end, year_scope=True,
                           reason=f"{year}年本单位对该企业现场检查已达上限{agency_cap}次（共{r['n']}次），本年度内不再赋码。")
            if r["n"] > agency_cap:
                findings.alert(key=f"agency_cap:{ent}:{ag}", kind="audit.agency_cap_exceeded", enterprise_id=ent,
                               agency_id=ag, title=f"同一单位对同一企业超过年度上限：{r['n']}次（上限{agency_cap}次）",
                               message=f"{year}年截至{end:%m月%d日}，本单位对该企业现场检查{r['n']}次。")
    findings.counts.update(enterprises_at_cap=at_cap, agency_caps_reached=agency_at_cap)


def _triggered(start: date, end: date):
    return Inspection.objects.filter(kind=Inspection.Kind.TRIGGERED, date__gte=start, date__lte=end) \
        .exclude(status__in=VOID_STATUSES)


def triggered_findings(*, start: date, end: date, weeks: list[date], findings: Findings):
    """触发式检查 frequency (DOMAIN.md rule 3), whether or not they count toward the cap: the same
    enterprise more than N per day / ISO week / month → warning, overall and per agency; more than
    `triggered_block_per_month` (any agency) or `triggered_block_per_month_same_agency` (one agency)
    in the month → block until the end of the following month, lifted only by a 司法局 override."""
    p = FrequencyPolicy.current()
    block_until = end_of_following_month(start)
    month = f"{start:%Y-%m}"
    warn = 0

    # Per day, overall and per agency.
    for r in (_triggered(start, end).values("enterprise_id", "date").annotate(n=Count("id"))
              .filter(n__gt=p.triggered_warn_per_day).order_by("enterprise_id", "date")):
        warn += 1
        findings.alert(key=f"trig_day:{r['enterprise_id']}:all:{r['date']:%Y-%m-%d}", kind="audit.triggered_daily",
                       enterprise_id=r["enterprise_id"],
                       title=f"触发式检查过频：{r['date']:%m月%d日}一天{r['n']}次（超过每日{p.triggered_warn_per_day}次）",
                       message="同一企业同日多次触发式检查，请核查是否可以合并。")
    for r in (_participations(start, end).values("inspection__enterprise_id", "agency_id", "inspection__date")
              .annotate(n=Count("inspection_id", distinct=True)).filter(n__gt=p.triggered_warn_per_day)
              .order_by("inspection__enterprise_id", "agency_id", "inspection__date")):
        warn += 1
        d = r["inspection__date"]
        findings.alert(key=f"trig_day:{r['inspection__enterprise_id']}:{r['agency_id']}:{d:%Y-%m-%d}",
                       kind="audit.triggered_daily", enterprise_id=r["inspection__enterprise_id"],
                       agency_id=r["agency_id"],
                       title=f"本单位触发式检查过频：{d:%m月%d日}一天{r['n']}次（超过每日{p.triggered_warn_per_day}次）",
                       message="同一单位同日对同一企业多次触发式检查。")

    # Per ISO week (weeks belonging to this month, counted in full).
    if weeks:
        w_start, w_end = weeks[0], weeks[-1] + timedelta(days=6)
        week_set = set(weeks)
        for r in (_triggered(w_start, w_end).annotate(week=TruncWeek("date")).values("enterprise_id", "week")
                  .annotate(n=Count("id")).filter(n__gt=p.triggered_warn_per_week).order_by("enterprise_id", "week")):
            week = _as_date(r["week"])
            if week not in week_set:
                continue
            warn += 1
            findings.alert(key=f"trig_week:{r['enterprise_id']}:all:{week:%Y-%m-%d}", kind="audit.triggered_weekly",
                           enterprise_id=r["enterprise_id"],
                           title=f"触发式检查过频：{week:%m月%d日}起一周{r['n']}次（超过每周{p.triggered_warn_per_week}次）",
                           message="同一企业一周内多次触发式检查。")
        for r in (_participations(w_start, w_end).annotate(week=TruncWeek("inspection__date"))
                  .values("inspection__enterprise_id", "agency_id", "week")
                  .annotate(n=Count("inspection_id", distinct=True)).filter(n__gt=p.triggered_warn_per_week)
                  .order_by("inspection__enterprise_id", "agency_id", "week")):
            week = _as_date(r["week"])
            if week not in week_set:
                continue
            warn += 1
            findings.alert(key=f"trig_week:{r['inspection__enterprise_id']}:{r['agency_id']}:{week:%Y-%m-%d}",
                           kind="audit.triggered_weekly", enterprise_id=r["inspection__enterprise_id"],
                           agency_id=r["agency_id"],
                           title=f"本单位触发式检查过频：{week:%m月%d日}起一周{r['n']}次（超过每周{p.triggered_warn_per_week}次）",
                           message="同一单位一周内对同一企业多次触发式检查。")

    # Per month: warning above warn_per_month, block above block_per_month (all agencies).
    blocks = 0
    for r in (_triggered(start, end).values("enterprise_id").annotate(n=Count("id"))
              .filter(n__gt=min(p.triggered_warn_per_month, p.triggered_block_per_month)).order_by("enterprise_id")):
        if r["n"] > p.triggered_warn_per_month:
            warn += 1
            findings.alert(key=f"trig_month:{r['enterprise_id']}:all", kind="audit.triggered_monthly",
                           enterprise_id=r["enterprise_id"],
                           title=f"触发式检查过频：{month}共{r['n']}次（超过每月{p.triggered_warn_per_month}次）",
                           message="同一企业一个月内多次触发式检查。")
        if r["n"] > p.triggered_block_per_month:
            blocks += 1
            findings.block(enterprise_id=r["enterprise_id"], rule="triggered_frequency", ends_on=block_until,
                           reason=f"{month}各单位对该企业触发式检查共{r['n']}次，超过每月{p.triggered_block_per_month}次，"
                                  f"阻断至{block_until:%Y年%m月%d日}，经区司法局审核解除。")
    # Per agency per month: warning above warn_per_month, block above block_per_month_same_agency.
    threshold = min(p.triggered_warn_per_month, p.triggered_block_per_month_same_agency)
    for r in (_participations(start, end).values("inspection__enterprise_id", "agency_id")
              .annotate(n=Count("inspection_id", distinct=True)).filter(n__gt=threshold)
              .order_by("inspection__enterprise_id", "agency_id")):
        ent, ag = r["inspection__enterprise_id"], r["agency_id"]
        if r["n"] > p.triggered_warn_per_month:
            warn += 1
            findings.alert(key=f"trig_month:{ent}:{ag}", kind="audit.triggered_monthly", enterprise_id=ent,
                           agency_id=ag,
                           title=f"本单位触发式检查过频：{month}共{r['n']}次（超过每月{p.triggered_warn_per_month}次）",
                           message="同一单位一个月内对同一企业多次触发式检查。")
        if r["n"] > p.triggered_block_per_month_same_agency:
            blocks += 1
            findings.block(enterprise_id=ent, agency_id=ag, rule="triggered_frequency", ends_on=block_until,
                           reason=f"{month}本单位对该企业触发式检查{r['n']}次，超过同一单位每月"
                                  f"{p.triggered_block_per_month_same_agency}次，阻断至{block_until:%Y年%m月%d日}，"
                                  f"经区司法局审核解除。")
    findings.counts.update(triggered_warnings=warn, triggered_blocks=blocks)


def agency_totals(*, start: date, end: date) -> dict:
    """Per agency: on-site inspections this month and year to date (a joint visit counts for each
    participating agency). One GROUP BY query; at most one row per agency."""
    rows = (Participation.objects.filter(inspection__date__year=start.year, inspection__date__lte=end)
            .exclude(inspection__status__in=VOID_STATUSES)
            .values("agency__code")
            .annotate(ytd=Count("inspection_id", distinct=True),
                      month=Count("inspection_id", distinct=True, filter=Q(inspection__date__gte=start)),
                      triggered=Count("inspection_id", distinct=True,
                                      filter=Q(inspection__date__gte=start, inspection__kind="triggered")))
            .order_by("agency__code"))
    return {r["agency__code"]: {"month": r["month"], "ytd": r["ytd"], "triggered_month": r["triggered"]}
            for r in rows}


def _participations(start, end):
    return Participation.objects.filter(inspection__in=_triggered(start, end))


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value
