"""Rollups of the dashboard and /stats/overview/ (issue 13): the figures of inspections that happened added
up per month × town (MonthlyRollup) and per participating agency × month × town (AgencyMonthlyRollup),
active enterprises per pool × town (PoolRollup) and counted 触发式检查备案 per month × agency × source ×
town (FilingRollup), so a dashboard reads hundreds of rows instead of rescanning two years of
inspections and filings. Definitions are plans.selectors.counting's (counted, joint =
participations of ≥ 2 agencies, visits avoided = Σ (agencies − 1)); supervision.selectors.stats
documents each figure, and a test compares every figure with the raw computation on random data.

Kept fresh by a recorded high-water mark (RollupState): `rollup_refresh` finds the rows changed since
the mark (inspections, their enterprises, 检查码 and 企业评议, by their indexed timestamps, less LAG for
transactions that committed late), recomputes only the months those inspections are in now or were
added up under before (RolledInspection), likewise the filings' months (RolledFiling), and moves the
mark. Celery beat runs it every minute
(`rollups_refresh_task`); the stats selector also runs it before reading when the data changed and
the rollups are older than settings.ROLLUP_READ_MAX_AGE (one indexed query when nothing changed), so a
figure is at most about a minute old and at most one read a minute pays for a refresh.
"""
from datetime import date, timedelta

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, F, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from checkcode.models import CheckCode, Evaluation
from plans.models import Enterprise, Inspection, Participation, TriggeredFiling
from plans.selectors import counting

from ..models import (
    AgencyMonthlyRollup,
    FilingRollup,
    MonthlyRollup,
    PoolRollup,
    RolledFiling,
    RolledInspection,
    RollupState,
)

LAG = timedelta(minutes=10)
PROBLEM = ("rectification", "case_transferred")
FIGURES = ("total", "onsite", "joint", "triggered", "with_outcome", "problems", "avoided", "codes_issued",
           "codes_shown", "codes_late", "evaluations", "rating_sum", "low_ratings")
DB = DEFAULT_DB_ALIAS  # writes and the lock on the primary, whatever a read router says


def _chunk() -> int:
    """Ids per look-up query: PostgreSQL takes long lists (= ANY), SQLite has a variable limit."""
    return 10_000 if connections[DB].vendor == "postgresql" else 900


def _next_month(m: date) -> date:
    return date(m.year + (m.month == 12), m.month % 12 + 1, 1)


def _marks():
    """(the recorded high-water mark, the newest change among the sources, when last refreshed) in one
    query."""
    newest = {
        "ins": Subquery(Inspection.objects.using(DB).order_by("-updated_at").values("updated_at")[:1]),
        "ent": Subquery(Enterprise.objects.using(DB).order_by("-updated_at").values("updated_at")[:1]),
        "code": Subquery(CheckCode.objects.using(DB).order_by("-updated_at").values("updated_at")[:1]),
        "ev": Subquery(Evaluation.objects.using(DB).order_by("-created_at").values("created_at")[:1]),
        "filing": Subquery(TriggeredFiling.objects.using(DB).order_by("-updated_at").values("updated_at")[:1]),
    }
    row = (RollupState.objects.using(DB).filter(pk=1).annotate(**newest)
           .values("high_water", "refreshed_at", *newest).first())
    if row is None:
        RollupState.objects.using(DB).get_or_create(pk=1)
        return _marks()
    marks = [row[k] for k in newest if row[k] is not None]
    return row["high_water"], (max(marks) if marks else None), row["refreshed_at"]


def rollups_stale() -> bool:
    high_water, newest, _at = _marks()
    return high_water is None or (newest is not None and newest > high_water)


def _months_between(first: date, last: date) -> set[date]:
    """The months (their 1st) from `first`'s to `last`'s, both included."""
    months, m = set(), first.replace(day=1)
    while m <= last:
        months.add(m)
        m = _next_month(m)
    return months


def _all_months() -> list[date]:
    r = counting.happened(Inspection.objects.using(DB)).aggregate(lo=Min("date"), hi=Max("date"))
    if r["lo"] is None:
        return []
    months, m = [], r["lo"].replace(day=1)
    while m <= r["hi"]:
        months.append(m)
        m = _next_month(m)
    return months


def _changed_months(since) -> set[date]:
    """Months of the inspections changed since `since`, where they are now and where they were added up."""
    ins = Inspection.objects.using(DB)
    changed = (ins.filter(updated_at__gte=since).order_by().values("id")
               .union(ins.filter(enterprise__updated_at__gte=since).order_by().values("id"),
                      CheckCode.objects.using(DB).filter(updated_at__gte=since).order_by().values("inspection_id"),
                      Evaluation.objects.using(DB).filter(created_at__gte=since).order_by()
                      .values("check_code__inspection_id")))
    ids = [r["id"] for r in changed]
    months = set()
    step = _chunk()
    for k in range(0, len(ids), step):
        chunk = ids[k:k + step]
        months |= {d.replace(day=1) for d in ins.filter(pk__in=chunk).values_list("date", flat=True).distinct()}
        months |= set(RolledInspection.objects.using(DB).filter(inspection_id__in=chunk)
                      .values_list("month", flat=True).distinct())
    return months


def _per_inspection(qs):
    """`qs` (inspections, or participations with `inspection_id`) annotated with the figures of each
    inspection: its agencies (n_agencies), its 检查码 (c_issued, c_shown, c_late) and their 企业评议
    (e_n, e_sum, e_low), each a correlated subquery on an inspection_id index."""
    ref = "pk" if qs.model is Inspection else "inspection_id"

    def one(sub, **value):
        (name, expr), = value.items()
        return Coalesce(Subquery(sub.order_by().values("g").annotate(**{name: expr}).values(name)[:1]), 0,
                        output_field=IntegerField())

    parts = Participation.objects.using(DB).filter(inspection_id=OuterRef(ref)).annotate(g=F("inspection_id"))
    codes = CheckCode.objects.using(DB).filter(inspection_id=OuterRef(ref)).annotate(g=F("inspection_id"))
    evals = (Evaluation.objects.using(DB).filter(check_code__inspection_id=OuterRef(ref))
             .annotate(g=F("check_code__inspection_id")))
    return qs.annotate(
        n_agencies=one(parts, n=Count("agency_id", distinct=True)),
        c_issued=one(codes, n=Count("id")),
        c_shown=one(codes, n=Count("id", filter=Q(first_shown_at__isnull=False))),
        c_late=one(codes, n=Count("id", filter=Q(is_late=True))),
        e_n=one(evals, n=Count("id")), e_sum=one(evals, n=Sum("rating")),
        e_low=one(evals, n=Count("id", filter=Q(rating__lte=2))))


def _sums(prefix: str) -> dict:
    """The FIGURES as aggregates over `_per_inspection` rows (`prefix` reaches the inspection's own columns)."""
    one = Count("pk")
    return {
        "total": one, "onsite": Count("pk", filter=Q(**{f"{prefix}mode": "onsite"})),
        "joint": Count("pk", filter=Q(n_agencies__gte=counting.JOINT_MIN_AGENCIES)),
        "triggered": Count("pk", filter=Q(**{f"{prefix}kind": "triggered"})),
        "with_outcome": Count("pk", filter=~Q(**{f"{prefix}outcome": ""})),
        "problems": Count("pk", filter=Q(**{f"{prefix}outcome__in": PROBLEM})),
        "avoided": Coalesce(Sum(F("n_agencies") - 1, filter=Q(n_agencies__gte=2)), 0),  # Σ max(n − 1, 0)
        "codes_issued": Sum("c_issued"), "codes_shown": Sum("c_shown"), "codes_late": Sum("c_late"),
        "evaluations": Sum("e_n"), "rating_sum": Sum("e_sum"), "low_ratings": Sum("e_low"),
    }


def _month_rows(m: date):
    """The rollup rows of month `m` from the raw rows, added up by the database (two grouped queries
    and the ids): (MonthlyRollup list, AgencyMonthlyRollup list, ids of the inspections counted).
    Issue 13: no faster than adding them up row by row in Python (a cold city month, 42,678
    inspections, took 8.7 s either way: reading the rows dominates), but its memory does not grow with
    the month, where the Python version held a dict per inspection (~700k a month at province scale)."""
    qs = counting.happened(Inspection.objects.using(DB)).filter(date__gte=m, date__lt=_next_month(m)).order_by()
    ids = list(qs.values_list("id", flat=True))
    if not ids:
        return [], [], []
    monthly = [MonthlyRollup(month=m, town=r.pop("town"), **r) for r in _per_inspection(qs).values(
        town=F("enterprise__town")).annotate(**_sums("")).order_by()]
    parts = Participation.objects.using(DB).filter(inspection__in=qs).order_by()
    agency = [AgencyMonthlyRollup(month=m, agency_id=r.pop("agency_id"), town=r.pop("town"), **r)
              for r in _per_inspection(parts).values("agency_id", town=F("inspection__enterprise__town"))
              .annotate(**_sums("inspection__")).order_by()]
    return monthly, agency, ids


def _recompute(months, *, rebuild: bool):
    months = sorted(months)
    for model in (MonthlyRollup, AgencyMonthlyRollup, RolledInspection):
        (model.objects.using(DB).all() if rebuild else model.objects.using(DB).filter(month__in=months)).delete()
    step = _chunk()
    for m in months:
        monthly, agency, ids = _month_rows(m)
        MonthlyRollup.objects.using(DB).bulk_create(monthly)
        AgencyMonthlyRollup.objects.using(DB).bulk_create(agency, batch_size=2000)
        if not rebuild:  # an inspection counted in another month before moves to this one
            for k in range(0, len(ids), step):
                RolledInspection.objects.using(DB).filter(inspection_id__in=ids[k:k + step]).delete()
        RolledInspection.objects.using(DB).bulk_create([RolledInspection(inspection_id=i, month=m) for i in ids],
                                                       batch_size=5000)


def _month_of(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)


def _filing_months(since=None) -> set[date]:
    """Months of the filings changed since `since` (all filings when None), where they are filed now and
    where they were added up (RolledFiling)."""
    filings = TriggeredFiling.objects.using(DB)
    if since is None:
        return ({_month_of(m) for m in filings.order_by().values_list("month", flat=True).distinct()}
                | set(RolledFiling.objects.using(DB).values_list("month", flat=True).distinct()))
    changed = filings.filter(updated_at__gte=since).order_by().values("id").union(
        filings.filter(enterprise__updated_at__gte=since).order_by().values("id"))
    ids = [r["id"] for r in changed]
    months = set()
    step = _chunk()
    for k in range(0, len(ids), step):
        chunk = ids[k:k + step]
        months |= {_month_of(m) for m in filings.filter(pk__in=chunk).order_by().values_list("month", flat=True)
                   .distinct()}
        months |= set(RolledFiling.objects.using(DB).filter(filing_id__in=chunk).values_list("month", flat=True)
                      .distinct())
    return months


def _recompute_filings(months, *, rebuild: bool):
    """FilingRollup of `months` from the counted filings (one grouped query a month) and their ledger."""
    months = sorted(months)
    for model in (FilingRollup, RolledFiling):
        (model.objects.using(DB).all() if rebuild else model.objects.using(DB).filter(month__in=months)).delete()
    step = _chunk()
    for m in months:
        counted = TriggeredFiling.objects.using(DB).counted().filter(month=f"{m:%Y-%m}").order_by()
        FilingRollup.objects.using(DB).bulk_create([
            FilingRollup(month=m, agency_id=r["agency_id"], source=r["source"], town=r["enterprise__town"], n=r["n"])
            for r in counted.values("agency_id", "source", "enterprise__town").annotate(n=Count("id"))])
        ids = list(counted.values_list("id", flat=True))
        if not rebuild:  # a filing counted under another month before moves to this one
            for k in range(0, len(ids), step):
                RolledFiling.objects.using(DB).filter(filing_id__in=ids[k:k + step]).delete()
        RolledFiling.objects.using(DB).bulk_create([RolledFiling(filing_id=i, month=m) for i in ids], batch_size=5000)


def _recompute_pools():
    PoolRollup.objects.using(DB).all().delete()
    PoolRollup.objects.using(DB).bulk_create([
        PoolRollup(pool=r["pool"], town=r["town"], n=r["n"])
        for r in Enterprise.objects.using(DB).filter(is_active=True).values("pool", "town").annotate(n=Count("id"))
        .order_by()])


def rollup_refresh(*, full: bool = False, max_age: float = 0) -> dict:
    """Bring the rollups up to date; returns {"months": n refreshed, "full": bool, "skipped": bool,
    "version": (high-water mark, refreshed at) of the rollups as a reader now finds them: it changes
    whenever a refresh changes them (supervision.selectors.stats caches their reads under it)}.
    `max_age` (seconds): leave them as they are if refreshed that recently (a read's budget: the beat
    task refreshes every minute). One refresh at a time: a second caller while one runs reads the
    rollups as they are."""
    high_water, newest, refreshed_at = _marks()
    today = timezone.localdate()
    # A new day makes the visits dated since the last refresh count as happened (counting.happened):
    # their months are added up again even when no row changed.
    day_turned = refreshed_at is None or timezone.localtime(refreshed_at).date() < today
    skipped = {"months": 0, "full": False, "skipped": True, "version": (high_water, refreshed_at)}
    if not full and not day_turned and high_water is not None and (newest is None or newest <= high_water):
        return skipped
    if (not full and not day_turned and high_water is not None and max_age and refreshed_at
            and refreshed_at > timezone.now() - timedelta(seconds=max_age)):
        return skipped
    with transaction.atomic(using=DB):
        state = RollupState.objects.using(DB).select_for_update(
            skip_locked=connections[DB].features.has_select_for_update_skip_locked).filter(pk=1).first()
        if state is None:  # another refresh holds the lock
            return skipped
        high_water, newest, _at = _marks()
        rebuild = full or state.high_water is None
        started = timezone.now()
        if not rebuild and not day_turned and (newest is None or newest <= state.high_water):
            return {**skipped, "version": (state.high_water, state.refreshed_at)}
        if rebuild:
            months = set(_all_months()) | set(RolledInspection.objects.using(DB).values_list("month", flat=True).distinct())
        else:
            months = _changed_months(state.high_water - LAG)
            if day_turned:
                months |= _months_between(timezone.localtime(state.refreshed_at).date() if state.refreshed_at
                                          else today, today)
        _recompute(months, rebuild=rebuild)
        _recompute_filings(_filing_months(None if rebuild else state.high_water - LAG), rebuild=rebuild)
        if rebuild or Enterprise.objects.using(DB).filter(updated_at__gt=state.high_water - LAG).exists():
            _recompute_pools()
        # Never past now: a row stamped in the future (clock skew, a bulk load) would otherwise hide every
        # later change until its time came.
        state.high_water = min(newest, timezone.now()) if newest else timezone.now()
        if rebuild:  # it counted everything committed before it started: later refreshes look from there on
            state.high_water = max(state.high_water, started)
        state.refreshed_at = timezone.now()
        state.months_refreshed = len(months)
        state.save(using=DB)
    return {"months": len(months), "full": rebuild, "skipped": False,
            "version": (state.high_water, state.refreshed_at)}

