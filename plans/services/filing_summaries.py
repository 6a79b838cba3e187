"""按月汇总 of triggered filings per agency (举措 7): counts by source, the month's warnings and
blocks; the agency admin confirms its own summary, and 智慧督 reads them through the API. Every write
to a MonthlyFilingSummary goes through this module (supervision's monthly audit calls
`filing_summaries_write`)."""
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError
from jiujiang_inspect.models import Alert

from ..events import filing_summary_event_publish
from ..models import Block, MonthlyFilingSummary, TriggeredFiling

FIGURES = ("counts_by_source", "total", "warnings", "blocks")


def filing_summaries_write(*, month: str, source: str, by=None) -> int:
    """Write (or refresh) every agency's summary for `month` from the filings and this month's audit
    findings. Four GROUP BY queries whatever the volume, the new summaries in one INSERT. A confirmed summary whose figures changed
    goes back to unconfirmed (audited): the admin confirmed other numbers."""
    by_source: dict[int, dict] = {}
    for r in (TriggeredFiling.objects.counted().filter(month=month).values("agency_id", "source")
              .annotate(n=Count("id")).order_by()):
        by_source.setdefault(r["agency_id"], {})[r["source"]] = r["n"]
    warnings = dict(Alert.objects.filter(source=source, kind__startswith="audit.", agency__isnull=False)
                    .values("agency_id").annotate(n=Count("id")).order_by().values_list("agency_id", "n"))
    live = ~Q(status=Block.Status.EXPIRED)
    blocks = dict(Block.objects.filter(live, source=source, agency__isnull=False)
                  .values("agency_id").annotate(n=Count("id")).order_by().values_list("agency_id", "n"))
    # An enterprise-wide block (all agencies together too many) is shared by every agency that
    # filed a triggered inspection of that enterprise this month.
    shared = (TriggeredFiling.objects.counted().filter(month=month, enterprise__blocks__source=source,
                                             enterprise__blocks__agency__isnull=True,
                                             enterprise__blocks__status__in=[Block.Status.ACTIVE,
                                                                             Block.Status.OVERRIDDEN])
              .values("agency_id").annotate(n=Count("enterprise__blocks", distinct=True)).order_by())
    for r in shared:
        blocks[r["agency_id"]] = blocks.get(r["agency_id"], 0) + r["n"]
    agency_ids = set(by_source) | set(warnings) | set(blocks) | set(
        MonthlyFilingSummary.objects.filter(month=month).values_list("agency_id", flat=True))
    existing = {s.agency_id: s for s in MonthlyFilingSummary.objects.filter(month=month)}
    new = []
    for agency_id in sorted(agency_ids):
        counts = dict(sorted(by_source.get(agency_id, {}).items()))
        values = {"counts_by_source": counts, "total": sum(counts.values()),
                  "warnings": warnings.get(agency_id, 0), "blocks": blocks.get(agency_id, 0)}
        summary = existing.get(agency_id)
        if summary is None:
            new.append(MonthlyFilingSummary(agency_id=agency_id, month=month, **values))
            continue
        before = {f: getattr(summary, f) for f in FIGURES}
        if before == values:
            continue
        for f, v in values.items():
            setattr(summary, f, v)
        fields = list(FIGURES) + ["updated_at"]
        if summary.confirmed_at:
            summary.confirmed_by, summary.confirmed_at = None, None
            fields += ["confirmed_by", "confirmed_at"]
            audit_record(actor=by, action="filing_summary.reopened", target=summary,
                         changes={f: [before[f], values[f]] for f in FIGURES if before[f] != values[f]},
                         reason="频次监测重新运行，汇总数字已变化，需重新确认")
        summary.save(update_fields=fields)
    MonthlyFilingSummary.objects.bulk_create(new)
    return len(agency_ids)


@transaction.atomic
def filing_summary_confirm(*, summary: MonthlyFilingSummary, by) -> MonthlyFilingSummary:
    """The agency admin confirms the 按月汇总 of its own agency (举措 7)."""
    if not (roles.is_agency_admin(by) and by.agency_id == summary.agency_id):
        raise PermissionDeniedError(_("只有本单位管理员可以确认本单位的月度汇总。"))
    summary = MonthlyFilingSummary.objects.select_for_update().get(pk=summary.pk)
    if summary.confirmed_at:
        raise InvalidState(_("该月度汇总已确认。"))
    summary.confirmed_by, summary.confirmed_at = by, timezone.now()
    summary.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    audit_record(actor=by, action="filing_summary.confirmed", target=summary,
                 changes={"month": summary.month, "total": summary.total, "warnings": summary.warnings,
                          "blocks": summary.blocks})
    filing_summary_event_publish(summary)
    return summary
