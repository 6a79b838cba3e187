"""触发式检查备案 and 按月汇总 (举措 7; docs/domain.md decision d): a triggered inspection is filed when
it takes place (its 检查码 issued or late code registered, or an off-site check's result recorded),
withdrawn when its code is revoked before the window opens; drafts, cancelled or refused inspections
are never filed. Filings are summarised per agency per month for the agency admin to confirm and for
智慧督; only filings not withdrawn are counted (`TriggeredFiling.objects.counted()`)."""

from django.db.models import Count
from django.utils import timezone

from jiujiang_inspect.audit import audit_record

from ..events import filing_event_publish
from ..models import Inspection, MonthlyFilingSummary, TriggeredFiling


def triggered_filing_record(*, inspection: Inspection, by=None, events: list | None = None) -> TriggeredFiling | None:
    """File the 触发式检查备案 of a triggered inspection that is taking place: called by the 检查码 issue
    and late-code services (inside their transaction) and by result recording of off-site checks.
    Month = YYYY-MM of the inspection's date. A withdrawn filing is filed again (audited); a filed one
    is refreshed. Returns None for any other kind of inspection. `events`: a list the caller publishes
    with its own event (one outbox INSERT on the 检查码 path), else the filing's event is published here."""
    if inspection.kind != Inspection.Kind.TRIGGERED:
        return None
    values = dict(agency_id=inspection.initiating_agency_id, enterprise_id=inspection.enterprise_id,
                  source=inspection.trigger_source, reference=inspection.trigger_reference,
                  reason=inspection.trigger_reason, month=f"{inspection.date:%Y-%m}",
                  status=TriggeredFiling.Status.FILED, withdrawn_at=None, withdrawn_reason="")
    before = TriggeredFiling.objects.filter(inspection=inspection).values_list("status", flat=True).first()
    if before is None:
        values["filed_at"] = timezone.now()
    if before is None:  # the caller holds the inspection's lock: nobody else files it meanwhile
        filing = TriggeredFiling.objects.create(inspection=inspection, **values)
    else:
        filing, _created = TriggeredFiling.objects.update_or_create(inspection=inspection, defaults=values)
    if before != TriggeredFiling.Status.FILED:
        audit_record(actor=by, action="triggered_filing.filed" if before is None else "triggered_filing.refiled",
                     target=filing, changes={"status": [before, filing.status], "source": filing.source,
                                             "reference": filing.reference, "month": filing.month})
        filing_event_publish("triggered_filing.created", filing, events=events)
    return filing


def triggered_filing_withdraw(*, inspection: Inspection, by=None, reason: str = "",
                              events: list | None = None) -> TriggeredFiling | None:
    """Withdraw the filing of an inspection whose 检查码 was revoked before its window opened (it did not
    take place). The row stays, with status `withdrawn`, so API clients see the change; it is no
    longer counted. Returns None when there was no filed filing."""
    filing = TriggeredFiling.objects.select_for_update().filter(
        inspection=inspection, status=TriggeredFiling.Status.FILED).first()
    if filing is None:
        return None
    filing.status, filing.withdrawn_at, filing.withdrawn_reason = (TriggeredFiling.Status.WITHDRAWN, timezone.now(),
                                                                   reason or "")
    filing.save(update_fields=["status", "withdrawn_at", "withdrawn_reason", "updated_at"])
    audit_record(actor=by, action="triggered_filing.withdrawn", target=filing, reason=reason,
                 changes={"status": ["filed", "withdrawn"], "month": filing.month})
    filing_event_publish("triggered_filing.withdrawn", filing, events=events)
    return filing


def monthly_summary_compute(*, month: str) -> list[dict]:
    """按月汇总 per agency for `month` (YYYY-MM), read-only: filings not withdrawn, by source, counted live (GROUP BY),
    plus the warnings, blocks and confirmation that the monthly frequency audit stored in
    MonthlyFilingSummary (supervision writes those; this never recomputes them, so the API and the
    audit cannot disagree). Before the month's audit has run, warnings and blocks are 0 and
    `audited` is False."""
    from subjects.models import Agency

    counts: dict[int, dict] = {}
    for r in (TriggeredFiling.objects.counted().filter(month=month).values("agency_id", "source")
              .annotate(n=Count("id")).order_by()):
        counts.setdefault(r["agency_id"], {})[r["source"]] = r["n"]
    stored = {s.agency_id: s for s in MonthlyFilingSummary.objects.filter(month=month)}
    agencies = Agency.objects.in_bulk(set(counts) | set(stored))
    rows = []
    for agency_id, agency in agencies.items():
        by_source = dict(sorted(counts.get(agency_id, {}).items()))
        summary = stored.get(agency_id)
        rows.append({"agency": agency, "month": month, "counts_by_source": by_source, "total": sum(by_source.values()),
                     "warnings": summary.warnings if summary else 0, "blocks": summary.blocks if summary else 0,
                     "audited": summary is not None, "confirmed_at": summary.confirmed_at if summary else None})
    return sorted(rows, key=lambda r: r["agency"].code)
