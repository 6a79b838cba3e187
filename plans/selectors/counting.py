"""How inspections are counted: the one home of every counting rule (docs/domain.md "Frequency rules" 1–6;
举措 7, 10, 11, 20). The real-time gates (plans.services.gate_rules), the monthly audit
(supervision.services.audit_rules), the dashboard (supervision.selectors.stats) and the summary report
(reports.figures) all read through these functions; nothing else filters inspections by status to
count them.

Definitions:
- counted: an inspection that has happened or will happen (approved, code issued, result recorded,
  closed); drafts, cancelled and merged ones never count. A revoked 检查码 returns its inspection to
  approved: it still counts as an inspection, but a code revoked before its window frees its slot.
- joint: participations of two or more distinct agencies (`joint_annotation` in a query,
  `Inspection.is_joint` on an instance); one joint visit counts once for the enterprise and once for
  each participating agency.
- slot: a yearly on-site cap slot, taken when the 检查码 is issued or a late code registered
  (`Inspection.slot_year`, `counts_toward_cap`); `takes_slot` decides which inspections take one.
- triggered counts: counted 触发式检查 of an enterprise per day, ISO week (Monday–Sunday) or calendar
  month of the inspection date, overall or per participating agency.
- low-efficiency streak: the same inspector's consecutive no-finding results at one enterprise within
  365 days.
"""
import calendar
from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.utils import timezone

from ..models import CapPolicy, Enterprise, FrequencyPolicy, Inspection, Participation

S = Inspection.Status
#: Inspections that have happened or will happen.
COUNTED_STATUSES = (S.APPROVED, S.CODE_ISSUED, S.RESULT_RECORDED, S.CLOSED)
#: A joint inspection has participations of at least this many distinct agencies.
JOINT_MIN_AGENCIES = 2
GRAINS = ("day", "week", "month")
MAX_STREAK_READ = 400  # results of one inspector at one enterprise in a year: far fewer


# ---- which inspections count ---------------------------------------------------------------------

def counted(qs: QuerySet | None = None) -> QuerySet:
    """Counted inspections (of `qs`, default all)."""
    return (Inspection.objects.all() if qs is None else qs).filter(status__in=COUNTED_STATUSES)


def counted_participations(qs: QuerySet | None = None) -> QuerySet:
    """Participations of counted inspections (each agency's own count of a joint visit)."""
    return (Participation.objects.all() if qs is None else qs).filter(inspection__status__in=COUNTED_STATUSES)


#: Inspections that have happened (issue 15: the 分析研判 figures count only these): the code was issued
#: for the visit, or the result is in (an off-site inspection has no code). Approved but not yet coded is
#: a visit still to come.
HAPPENED_STATUSES = (S.CODE_ISSUED, S.RESULT_RECORDED, S.CLOSED)


def happened(qs: QuerySet | None = None, *, today: date | None = None) -> QuerySet:
    """Inspections that have happened (of `qs`, default all): `HAPPENED_STATUSES`, dated today
    (Asia/Shanghai) or earlier — a code issued ahead for tomorrow's visit is a visit still to come. What
    the dashboard, /stats/overview/ and their rollups count; caps and the frequency rules count `counted`
    (a visit approved is a visit that will take the slot)."""
    return (Inspection.objects.all() if qs is None else qs).filter(
        status__in=HAPPENED_STATUSES, date__lte=today or timezone.localdate())


def is_counted(inspection: Inspection) -> bool:
    return inspection.status in COUNTED_STATUSES


# ---- what a joint inspection is ------------------------------------------------------------------

def joint_annotation(inspection_ref: str = "pk"):
    """Boolean expression: the inspection named by `inspection_ref` (an OuterRef path) has
    participations of ≥2 distinct agencies. An EXISTS probe on the participation index (one agency
    other than the lowest one), cheap on SQLite and PostgreSQL at city scale."""
    lowest = (Participation.objects.filter(inspection=OuterRef(OuterRef(inspection_ref)))
              .order_by("agency_id").values("agency_id")[:1])
    return Exists(Participation.objects.filter(inspection=OuterRef(inspection_ref))
                  .exclude(agency_id=Subquery(lowest)))


def with_joint(qs: QuerySet) -> QuerySet:
    """Annotate inspections with `joint` (bool, see `joint_annotation`)."""
    return qs.annotate(joint=joint_annotation())


def agency_count_annotation():
    """Distinct participating agencies of the inspection, as an integer expression."""
    n = (Participation.objects.filter(inspection=OuterRef("pk")).order_by().values("inspection")
         .annotate(c=Count("agency_id", distinct=True)).values("c"))
    return Coalesce(Subquery(n, output_field=IntegerField()), 0)


def inspection_is_joint(inspection: Inspection) -> bool:
    """The instance form of `joint_annotation`: reads the annotation when the queryset carried it,
    else the (prefetched, if any) participations."""
    annotated = inspection.__dict__.get("joint")
    if annotated is not None:
        return bool(annotated)
    return len({p.agency_id for p in inspection.participations.all()}) >= JOINT_MIN_AGENCIES


def visits_avoided_by_joining(qs: QuerySet) -> int:
    """Σ (agencies − 1) over the given inspections: the separate visits a joint one replaced."""
    r = Participation.objects.filter(inspection__in=qs).aggregate(p=Count("id"), i=Count("inspection_id", distinct=True))
    return (r["p"] or 0) - (r["i"] or 0)


# ---- yearly slots --------------------------------------------------------------------------------

def policy_with_cap(*, pool: str) -> FrequencyPolicy:
    """The frequency policy with `pool_cap` (the pool's yearly on-site cap, 0 when none is set), in one
    query: what one gate attempt reads once."""
    cap = Subquery(CapPolicy.objects.filter(pool=pool).order_by("pool").values("yearly_onsite_cap")[:1])
    policy = FrequencyPolicy.objects.filter(pk=1).annotate(pool_cap=Coalesce(cap, 0)).first()
    if policy is None:  # first use: created with its defaults
        policy = FrequencyPolicy.current()
        found = CapPolicy.objects.filter(pool=pool).order_by("pool").first()
        policy.pool_cap = found.yearly_onsite_cap if found else 0
    return policy


def yearly_cap_for(*, enterprise: Enterprise) -> int:
    """The enterprise's yearly on-site cap (CapPolicy of its pool; 0 when none is set)."""
    policy = CapPolicy.objects.filter(pool=enterprise.pool).first()
    return policy.yearly_onsite_cap if policy else 0


def takes_slot(*, inspection: Inspection, policy: FrequencyPolicy | None = None) -> bool:
    """Whether the inspection takes a yearly-cap slot (rules 2, 3, 6): on-site only; never rechecks
    (整改复查) or enterprise-requested checks; triggered ones only while the policy counts them."""
    policy = policy or FrequencyPolicy.current()
    if inspection.mode != Inspection.Mode.ONSITE or inspection.kind == Inspection.Kind.RECHECK:
        return False
    if inspection.trigger_source == Inspection.TriggerSource.ENTERPRISE_REQUEST:
        return False
    if inspection.kind == Inspection.Kind.TRIGGERED:
        return policy.triggered_counts_toward_cap
    return True


def slot_holders(*, year: int, until: date | None = None, enterprise=None) -> QuerySet:
    """Counted inspections holding a slot of `year` (dated up to `until`, if given)."""
    qs = counted().filter(slot_year=year, counts_toward_cap=True)
    if until is not None:
        qs = qs.filter(date__lte=until)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs


def slots_used(*, enterprise: Enterprise, year: int, exclude=None) -> int:
    """Slots of `year` the enterprise used across all agencies (a joint visit counts once)."""
    qs = slot_holders(year=year, enterprise=enterprise)
    return (qs.exclude(pk=exclude.pk) if exclude is not None and exclude.pk else qs).count()


def slots_used_by_agency(*, enterprise: Enterprise, year: int, exclude=None) -> dict[int, int]:
    """{agency_id: slots of `year` used at the enterprise by inspections the agency took part in}."""
    qs = slot_holders(year=year, enterprise=enterprise)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    rows = Participation.objects.filter(inspection__in=qs).values("agency_id").annotate(n=Count("id")).order_by()
    return {r["agency_id"]: r["n"] for r in rows}


def slots_used_with_agencies(*, enterprise: Enterprise, year: int, agency_ids, exclude=None) -> tuple[int, dict]:
    """`slots_used` and `slots_used_by_agency` for the given agencies, in one query: (slots of `year`
    the enterprise used, {agency_id: slots used by inspections the agency took part in})."""
    qs = slot_holders(year=year, enterprise=enterprise)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    ids = sorted(set(agency_ids))
    aggs = {"used": Count("id")}
    for a in ids:
        aggs[f"a{a}"] = Count("id", filter=Q(Exists(Participation.objects.filter(inspection=OuterRef("pk"),
                                                                                agency_id=a))))
    row = qs.aggregate(**aggs)
    return row["used"] or 0, {a: row[f"a{a}"] or 0 for a in ids}


def slots_per_enterprise(*, year: int, until: date, above: dict[str, int]) -> list[dict]:
    """Enterprises whose slots of `year` (up to `until`) exceed the cap of their pool: rows
    {"enterprise_id", "pool", "n"}; `above` = {pool: cap} (pools not listed are skipped). One GROUP BY
    over the year's slot holders, whatever the number of pools."""
    if not above:
        return []
    cap = Case(*[When(enterprise__pool=pool, then=Value(c)) for pool, c in above.items()],
               output_field=IntegerField())
    rows = (slot_holders(year=year, until=until).filter(enterprise__pool__in=list(above))
            .values("enterprise_id", "enterprise__pool").annotate(n=Count("id"))
            .filter(n__gt=cap).order_by("enterprise_id"))
    return [{"enterprise_id": r["enterprise_id"], "pool": r["enterprise__pool"], "n": r["n"]} for r in rows]


def slots_per_agency(*, year: int, until: date, above: int) -> list[dict]:
    """(enterprise, agency) pairs whose slots of `year` (up to `until`) exceed `above`: rows
    {"enterprise_id", "agency_id", "n"}."""
    return [{"enterprise_id": r["inspection__enterprise_id"], "agency_id": r["agency_id"], "n": r["n"]}
            for r in Participation.objects.filter(inspection__in=slot_holders(year=year, until=until))
            .values("inspection__enterprise_id", "agency_id").annotate(n=Count("inspection_id", distinct=True))
            .filter(n__gt=above).order_by("inspection__enterprise_id", "agency_id")]


# ---- triggered counts ----------------------------------------------------------------------------

def period_bounds(grain: str, day: date) -> tuple[date, date]:
    """The day, ISO week (Monday–Sunday) or calendar month containing `day`."""
    if grain == "day":
        return day, day
    if grain == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if grain == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    raise ValueError(grain)


def triggered(*, start: date, end: date) -> QuerySet:
    """Counted triggered inspections dated start..end (whether or not they count toward caps)."""
    return counted().filter(kind=Inspection.Kind.TRIGGERED, date__gte=start, date__lte=end)


def triggered_count(*, enterprise, grain: str, day: date, agency=None, exclude=None) -> int:
    """Counted triggered inspections of the enterprise in the day/week/month of `day`, overall or
    those `agency` took part in; `exclude` leaves out one inspection (the attempt itself)."""
    start, end = period_bounds(grain, day)
    qs = triggered(start=start, end=end).filter(enterprise=enterprise)
    if agency is not None:
        qs = qs.filter(participations__agency=agency)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs.count()


def triggered_counts_around(*, enterprise, day: date, agency_ids=(), exclude=None) -> dict:
    """`triggered_count` of the enterprise for the day, ISO week and month of `day` and, per agency in
    `agency_ids`, for the month, in one query: {"day", "week", "month", "agencies": {agency_id: n}}."""
    bounds = {g: period_bounds(g, day) for g in GRAINS}
    qs = triggered(start=min(b[0] for b in bounds.values()), end=max(b[1] for b in bounds.values())).filter(
        enterprise=enterprise)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    aggs = {g: Count("id", filter=Q(date__gte=start, date__lte=end)) for g, (start, end) in bounds.items()}
    month = Q(date__gte=bounds["month"][0], date__lte=bounds["month"][1])
    ids = sorted(set(agency_ids))
    for a in ids:
        aggs[f"a{a}"] = Count("id", filter=month & Q(Exists(Participation.objects.filter(inspection=OuterRef("pk"),
                                                                                        agency_id=a))))
    row = qs.aggregate(**aggs)
    return {**{g: row[g] or 0 for g in GRAINS}, "agencies": {a: row[f"a{a}"] or 0 for a in ids}}


def _trunc(grain, field):
    return F(field) if grain == "day" else {"week": TruncWeek, "month": TruncMonth}[grain](field)


def triggered_counts(*, start: date, end: date, grain: str, per_agency: bool = False, above: int = 0) -> list[dict]:
    """Triggered counts of every enterprise per `grain` for inspections dated start..end, overall or
    per participating agency, only rows with n > `above`: {"enterprise_id", "agency_id" (None
    overall), "period" (first day of the day/week/month), "n"}. One GROUP BY query."""
    if per_agency:
        qs = Participation.objects.filter(inspection__in=triggered(start=start, end=end)).annotate(
            period=_trunc(grain, "inspection__date"))
        rows = (qs.values("inspection__enterprise_id", "agency_id", "period")
                .annotate(n=Count("inspection_id", distinct=True)).filter(n__gt=above)
                .order_by("inspection__enterprise_id", "agency_id", "period"))
        return [{"enterprise_id": r["inspection__enterprise_id"], "agency_id": r["agency_id"],
                 "period": _as_date(r["period"]), "n": r["n"]} for r in rows]
    rows = (triggered(start=start, end=end).annotate(period=_trunc(grain, "date"))
            .values("enterprise_id", "period").annotate(n=Count("id")).filter(n__gt=above)
            .order_by("enterprise_id", "period"))
    return [{"enterprise_id": r["enterprise_id"], "agency_id": None, "period": _as_date(r["period"]), "n": r["n"]}
            for r in rows]


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


# ---- low-efficiency streak -----------------------------------------------------------------------

def no_finding_streak(*, enterprise, inspector, until: date, exclude=None) -> tuple[int, list[date]]:
    """The inspector's run of consecutive 未发现问题 results at the enterprise, newest first, among
    results dated within 365 days up to `until`: (its length, their dates newest first). A run of
    `FrequencyPolicy.low_efficiency_consecutive` means the low-efficiency rule (成都) applies."""
    qs = (counted().filter(enterprise=enterprise, participations__inspectors=inspector,
                           date__gte=until - timedelta(days=365), date__lte=until)
          .exclude(outcome=""))
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    days = []
    for outcome, day in qs.order_by("-date", "-id").values_list("outcome", "date")[:MAX_STREAK_READ]:
        if outcome != Inspection.Outcome.NO_ISSUE:
            break
        days.append(day)
    return len(days), days


def no_finding_streaks(*, enterprise, inspector_ids, until: date, exclude=None) -> dict[int, tuple[int, list[date]]]:
    """`no_finding_streak` of several inspectors at once, in one query: {inspector_id: (length, dates
    newest first)} (inspectors without results: (0, []))."""
    ids = sorted(set(inspector_ids))
    out = {i: (0, []) for i in ids}
    if not ids:
        return out
    qs = (counted().filter(enterprise=enterprise, date__gte=until - timedelta(days=365), date__lte=until)
          .exclude(outcome=""))
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    through = Participation.inspectors.through
    rows = (through.objects.filter(inspector_id__in=ids, participation__inspection__in=qs)
            .order_by("-participation__inspection__date", "-participation__inspection_id")
            .values_list("inspector_id", "participation__inspection_id", "participation__inspection__outcome",
                         "participation__inspection__date")[:MAX_STREAK_READ * len(ids)])
    days, done, seen = {i: [] for i in ids}, set(), set()
    for inspector_id, inspection_id, outcome, day in rows:
        if inspector_id in done or (inspector_id, inspection_id) in seen:
            continue
        seen.add((inspector_id, inspection_id))
        if outcome != Inspection.Outcome.NO_ISSUE:
            done.add(inspector_id)
            continue
        days[inspector_id].append(day)
    return {i: (len(d), d) for i, d in days.items()}


def per_agency_totals(*, start: date, end: date) -> dict:
    """Per agency code: counted inspections this month (start..end) and year to date, and triggered
    ones this month (a joint visit counts for each participating agency). One GROUP BY query."""
    rows = (counted_participations().filter(inspection__date__year=start.year, inspection__date__lte=end)
            .values("agency__code")
            .annotate(ytd=Count("inspection_id", distinct=True),
                      month=Count("inspection_id", distinct=True, filter=Q(inspection__date__gte=start)),
                      triggered=Count("inspection_id", distinct=True,
                                      filter=Q(inspection__date__gte=start, inspection__kind="triggered")))
            .order_by("agency__code"))
    return {r["agency__code"]: {"month": r["month"], "ytd": r["ytd"], "triggered_month": r["triggered"]}
            for r in rows}
