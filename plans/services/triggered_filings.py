"""触发式检查备案 and 按月汇总 (举措 7): every triggered inspection is filed automatically; filings are
summarised per agency per month for the agency admin to confirm and for 智慧督."""
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import PermissionDeniedError

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
    """Per agency for `month` (YYYY-MM): filings by source, warnings raised, refusals by the
    triggered-frequency rule. Read-only; `monthly_summary_refresh` stores it."""
    from jiujiang_inspect.models import Alert

    from ..models import GateRefusal

    rows: dict[int, dict] = {}
    for f in TriggeredFiling.objects.filter(month=month).select_related("agency").only(
            "source", "agency__code", "agency__name", "agency_id"):
        row = rows.setdefault(f.agency_id, {"agency": f.agency, "counts_by_source": Counter(), "total": 0,
                                            "warnings": 0, "blocks": 0})
        row["counts_by_source"][f.source] += 1
        row["total"] += 1
    warnings = Counter(Alert.objects.filter(kind="triggered_frequency_warning", source=f"triggered:{month}")
                       .values_list("agency_id", flat=True))
    year, mon = (int(x) for x in month.split("-"))
    blocks = Counter(GateRefusal.objects.filter(code="triggered_frequency_blocked", inspection__date__year=year,
                                                inspection__date__month=mon).values_list("agency_id", flat=True))
    for agency_id in set(warnings) | set(blocks):
        if agency_id and agency_id not in rows:
            from subjects.models import Agency

            rows[agency_id] = {"agency": Agency.objects.get(pk=agency_id), "counts_by_source": Counter(), "total": 0,
                               "warnings": 0, "blocks": 0}
    for agency_id, row in rows.items():
        row["warnings"] = warnings.get(agency_id, 0)
        row["blocks"] = blocks.get(agency_id, 0)
        row["counts_by_source"] = dict(row["counts_by_source"])
        row["month"] = month
    return sorted(rows.values(), key=lambda r: r["agency"].code)


@transaction.atomic
def monthly_summary_refresh(*, month: str) -> list[MonthlyFilingSummary]:
    """Store the month's 按月汇总 (idempotent: one row per agency and month, replaced on a re-run)."""
    out = []
    for row in monthly_summary_compute(month=month):
        obj, _created = MonthlyFilingSummary.objects.update_or_create(
            agency=row["agency"], month=month,
            defaults={"counts_by_source": row["counts_by_source"], "total": row["total"], "warnings": row["warnings"],
                      "blocks": row["blocks"]})
        out.append(obj)
    return out


@transaction.atomic
def monthly_summary_confirm(*, summary: MonthlyFilingSummary, by) -> MonthlyFilingSummary:
    """The agency admin confirms the month's summary of their own agency."""
    if not (roles.is_agency_admin(by) and by.agency_id == summary.agency_id) and not roles.is_reviewer(by):
        raise PermissionDeniedError(_("只有本单位管理员可以确认月度汇总。"))
    summary.confirmed_by, summary.confirmed_at = by, timezone.now()
    summary.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    audit_record(actor=by, action="triggered_filing.summary_confirmed", target=summary, changes={"month": summary.month})
    return summary
