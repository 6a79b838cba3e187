"""触发式检查备案 and 按月汇总 (举措 7): every triggered inspection is filed automatically; filings are
summarised per agency per month for the agency admin to confirm and for 智慧督."""

from django.db.models import Count

from jiujiang_inspect.audit import audit_record

from ..models import Inspection, MonthlyFilingSummary, TriggeredFiling


def triggered_filing_file(*, inspection: Inspection, by=None) -> TriggeredFiling | None:
    """File (or refresh) the 触发式检查备案 of a triggered inspection; month = YYYY-MM of its date."""
    if inspection.kind != Inspection.Kind.TRIGGERED:
        return None
    values = dict(agency_id=inspection.initiating_agency_id, enterprise_id=inspection.enterprise_id,
                  source=inspection.trigger_source, reference=inspection.trigger_reference,
                  reason=inspection.trigger_reason, month=f"{inspection.date:%Y-%m}")
    filing, created = TriggeredFiling.objects.update_or_create(inspection=inspection, defaults=values)
    if created:
        audit_record(actor=by, action="triggered_filing.filed", target=filing,
                     changes={"source": filing.source, "reference": filing.reference, "month": filing.month})
    return filing


def monthly_summary_compute(*, month: str) -> list[dict]:
    """按月汇总 per agency for `month` (YYYY-MM), read-only: filings by source counted live (GROUP BY),
    plus the warnings, blocks and confirmation that the monthly frequency audit stored in
    MonthlyFilingSummary (supervision writes those; this never recomputes them, so the API and the
    audit cannot disagree). Before the month's audit has run, warnings and blocks are 0 and
    `audited` is False."""
    from subjects.models import Agency

    counts: dict[int, dict] = {}
    for r in (TriggeredFiling.objects.filter(month=month).values("agency_id", "source")
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
