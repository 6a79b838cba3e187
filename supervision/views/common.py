"""Small helpers shared by the supervision pages: the one `apply_errors` lives in jiujiang_inspect.web."""
from django.urls import NoReverseMatch, reverse

from jiujiang_inspect.audit_display import object_urls
from jiujiang_inspect.web import apply_errors

from ..models import SupervisionCase

__all__ = ["alert_links", "apply_errors"]

# An alert about an agency as a whole (no object, no enterprise) leads to the list where it is handled.
KIND_LISTS = {
    "matter.needs_adjustment": ("matters:matter_list", "status=needs_adjustment"),
    "sweep.certificate_expiring": ("subjects:inspector_list", ""),
    "sweep.plan_not_filed": ("plans:plan_list", ""),
    "gate_refusal": ("plans:gate_refusal_list", ""),
    "rectification_due": ("checkcode:rectification_list", ""),
    "rectification_overdue": ("checkcode:rectification_list", ""),
    "checkcode_unshown": ("checkcode:code_list", ""),
    "triggered_frequency_warning": ("plans:triggered_filing_list", ""),
}


def _kind_list(kind: str):
    name, query = KIND_LISTS.get(kind, ("", ""))
    if not name:
        return None
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def alert_links(alerts, *, for_agency: bool = False) -> None:
    """Set `alert.url`, what each alert is about, on a page the reader may open: its object's page (a
    case: the reviewer's case page, or the agency's inbox page when `for_agency`), else the enterprise
    it names, else the list where its kind is handled, else (reviewers) the agency. One query per model."""
    urls = object_urls(alerts)
    for alert in alerts:
        model = alert.target_type.model_class() if alert.target_type_id else None
        if for_agency and model is SupervisionCase:
            alert.url = reverse("supervision:inbox_case", args=[alert.target_id])
            continue
        alert.url = (urls.get((alert.target_type_id, alert.target_id))
                     or (reverse("plans:enterprise_detail", args=[alert.enterprise_uscc]) if alert.enterprise_uscc
                         else None)
                     or _kind_list(alert.kind)
                     or (reverse("subjects:agency_detail", args=[alert.agency.code])
                         if alert.agency_id and not for_agency else None))
