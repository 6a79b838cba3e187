"""The findings half of the monthly frequency audit (docs/domain.md "Frequency rules" 1–3, 举措 7, 11).

Every count comes from plans.selectors.counting (the same functions the real-time gates use), each an
aggregate in the database (GROUP BY … HAVING), returning only the rows that break a threshold, so the
audit never loads every inspection into Python. Each finding is a plain dict; `audit.py` turns
findings into Alerts and, through plans.services.blocks, Blocks. A block lasts as
plans.services.block_periods says (the same rule as the gates').
"""
from dataclasses import dataclass, field
from datetime import date

from plans.models import Block, CapPolicy, FrequencyPolicy
from plans.selectors import counting
from plans.services.block_periods import block_period


@dataclass
class Findings:
    """What one audit found: alerts (warnings) and blocks to hold, keyed for idempotency."""

    alerts: list = field(default_factory=list)
    blocks: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def alert(self, *, key, kind, enterprise_id, agency_id=None, title, message):
        self.alerts.append(dict(key=key, kind=kind, enterprise_id=enterprise_id, agency_id=agency_id,
                                title=title, message=message))

    def block(self, *, enterprise_id, agency_id=None, rule, reason, starts_on, ends_on, breach_count,
              year_scope=False):
        self.blocks.append(dict(enterprise_id=enterprise_id, agency_id=agency_id, rule=rule, reason=reason,
                                starts_on=starts_on, ends_on=ends_on, breach_count=breach_count,
                                year_scope=year_scope))


def cap_findings(*, start: date, end: date, findings: Findings, today: date | None = None):
    """Yearly on-site caps per enterprise (by pool, CapPolicy) and per agency per enterprise
    (FrequencyPolicy.per_agency_yearly_cap), slots counted by `counting` up to the end of the month.
    Only a count ABOVE its cap is a breach (late codes, data entered elsewhere): it gets an alert and
    a yearly-cap block to 31 December; reaching the cap is not a breach (decision c of issue 11)."""
    year = start.year
    starts_on, ends_on = block_period(rule=Block.Rule.YEARLY_CAP, breach_on=start, created_on=today)
    policy = FrequencyPolicy.current()
    caps = {c.pool: c for c in CapPolicy.objects.all()}
    rows = counting.slots_per_enterprise(year=year, until=end, above={p: c.yearly_onsite_cap for p, c in caps.items()})
    pool_label = {p: c.get_pool_display() for p, c in caps.items()}  # translated once, not per row
    for r in rows:
        cap = caps[r["pool"]]
        findings.block(enterprise_id=r["enterprise_id"], rule="yearly_cap", starts_on=starts_on, ends_on=ends_on,
                       breach_count=r["n"], year_scope=True,
                       reason=f"{year}年现场检查已超过{pool_label[r['pool']]}年度上限{cap.yearly_onsite_cap}次"
                              f"（截至{end:%m月%d日}共{r['n']}次），本年度内不再为占用额度的检查赋码。")
        findings.alert(key=f"cap:{r['enterprise_id']}", kind="audit.cap_exceeded", enterprise_id=r["enterprise_id"],
                       title=f"超过年度现场检查上限：{r['n']}次（上限{cap.yearly_onsite_cap}次）",
                       message=f"{year}年截至{end:%m月%d日}，该企业现场检查{r['n']}次。")
    agency_cap = policy.per_agency_yearly_cap
    agency_rows = counting.slots_per_agency(year=year, until=end, above=agency_cap)
    for r in agency_rows:
        ent, ag = r["enterprise_id"], r["agency_id"]
        findings.block(enterprise_id=ent, agency_id=ag, rule="yearly_cap", starts_on=starts_on, ends_on=ends_on,
                       breach_count=r["n"], year_scope=True,
                       reason=f"{year}年本单位对该企业现场检查已超过上限{agency_cap}次（共{r['n']}次），"
                              f"本年度内不再为占用额度的检查赋码。")
        findings.alert(key=f"agency_cap:{ent}:{ag}", kind="audit.agency_cap_exceeded", enterprise_id=ent,
                       agency_id=ag, title=f"同一单位对同一企业超过年度上限：{r['n']}次（上限{agency_cap}次）",
                       message=f"{year}年截至{end:%m月%d日}，本单位对该企业现场检查{r['n']}次。")
    findings.counts.update(enterprises_over_cap=len(rows), agency_caps_exceeded=len(agency_rows))


GRAIN_LABEL = {"day": "一天", "week": "一周", "month": "一个月"}


def _warn(findings, grain, r, *, limit, month):
    ent, ag, period = r["enterprise_id"], r["agency_id"], r["period"]
    who = "本单位" if ag else ""
    when = {"day": f"{period:%m月%d日}一天", "week": f"{period:%m月%d日}起一周", "month": f"{month}共"}[grain]
    per = {"day": "每日", "week": "每周", "month": "每月"}[grain]
    key_period = "" if grain == "month" else f":{period:%Y-%m-%d}"
    findings.alert(key=f"trig_{grain}:{ent}:{ag or 'all'}{key_period}", kind=f"audit.triggered_{grain}ly"
                   if grain != "day" else "audit.triggered_daily", enterprise_id=ent, agency_id=ag,
                   title=f"{who}触发式检查过频：{when}{r['n']}次（超过{per}{limit}次）",
                   message=f"同一{'单位对同一' if ag else ''}企业{GRAIN_LABEL[grain]}内多次触发式检查。")


def triggered_findings(*, start: date, end: date, weeks: list[date], findings: Findings, today: date | None = None):
    """触发式检查 frequency (docs/domain.md rule 3), whether or not they count toward the cap, counted by
    `counting.triggered_counts`: the same enterprise more than N per day / ISO week / month → warning,
    overall and per agency; more than `triggered_block_per_month` (any agency) or
    `triggered_block_per_month_same_agency` (one agency) in the month → block (period: block_period),
    lifted only by a 司法局 override. ISO weeks are judged by the month holding their Thursday."""
    p = FrequencyPolicy.current()
    starts_on, ends_on = block_period(rule=Block.Rule.TRIGGERED_FREQUENCY, breach_on=start, created_on=today)
    month = f"{start:%Y-%m}"
    warn = blocks = 0
    for per_agency in (False, True):
        for r in counting.triggered_counts(start=start, end=end, grain="day", per_agency=per_agency,
                                           above=p.triggered_warn_per_day):
            warn += 1
            _warn(findings, "day", r, limit=p.triggered_warn_per_day, month=month)
        if weeks:
            for r in counting.triggered_counts(start=weeks[0], end=counting.period_bounds("week", weeks[-1])[1],
                                               grain="week", per_agency=per_agency, above=p.triggered_warn_per_week):
                if r["period"] in weeks:
                    warn += 1
                    _warn(findings, "week", r, limit=p.triggered_warn_per_week, month=month)
        limit = p.triggered_block_per_month_same_agency if per_agency else p.triggered_block_per_month
        for r in counting.triggered_counts(start=start, end=end, grain="month", per_agency=per_agency,
                                           above=min(p.triggered_warn_per_month, limit)):
            if r["n"] > p.triggered_warn_per_month:
                warn += 1
                _warn(findings, "month", r, limit=p.triggered_warn_per_month, month=month)
            if r["n"] > limit:
                blocks += 1
                who = "本单位对该企业" if r["agency_id"] else "各单位对该企业"
                findings.block(enterprise_id=r["enterprise_id"], agency_id=r["agency_id"], rule="triggered_frequency",
                               starts_on=starts_on, ends_on=ends_on, breach_count=r["n"],
                               reason=f"{month}{who}触发式检查共{r['n']}次，超过{'同一单位' if r['agency_id'] else ''}"
                                      f"每月{limit}次，阻断至{ends_on:%Y年%m月%d日}，经区司法局审核解除。")
    findings.counts.update(triggered_warnings=warn, triggered_blocks=blocks)


def agency_totals(*, start: date, end: date) -> dict:
    """Per agency: counted inspections this month and year to date (counting.per_agency_totals)."""
    return counting.per_agency_totals(start=start, end=end)
