"""What each role sees first (docs/ui.md): "what do I have to do today?", counts linking to their lists.

Each panel reads through the owning app's selectors; nothing here decides a rule."""
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from checkcode.models import CheckCode, Rectification
from checkcode.selectors import evaluation_aggregate_for_agency, rectification_list_for_user
from guidance.selectors import tests_open_for_inspector, trainings_due_for_inspector
from matters.selectors import matter_review_queue, matter_status_counts
from plans.models import AnnualPlan, GateRefusal, Inspection, TriggeredFiling
from plans.selectors.inspections import inspection_list_for_user, inspections_returned_for_user
from plans.selectors.joint_proposals import joint_proposals_awaiting
from plans.selectors.plans import plan_filing_queue, plans_agencies_not_filed
from subjects import selectors as subject_selectors

from .home_panels import agency_admin_supervision_panel, reviewer_supervision_panel

ACTIVE = (Inspection.Status.APPROVED, Inspection.Status.CODE_ISSUED)


def _live_code(inspection):
    return next((c for c in inspection.check_codes.all() if c.status in CheckCode.LIVE), None)


def inspector_home_context(*, user):
    today = timezone.localdate()
    inspector = getattr(user, "inspector", None)
    mine = inspection_list_for_user(user=user)
    if inspector is not None:
        mine = mine.filter(participations__inspectors=inspector).distinct()
    week = list(mine.filter(date__gte=today, date__lte=today + timedelta(days=7), status__in=ACTIVE)
                .order_by("date", "id")[:20])
    for insp in week:
        insp.live_code = _live_code(insp)
    return {
        "today": today,
        "inspector": inspector,
        "certificate": getattr(inspector, "certificate", None) if inspector and hasattr(inspector, "certificate") else None,
        "today_inspections": [i for i in week if i.date == today],
        "week_inspections": [i for i in week if i.date != today],
        "drafts_count": mine.filter(status=Inspection.Status.DRAFT).count(),
        "returned": inspections_returned_for_user(user=user),
        "results_due_count": mine.filter(status=Inspection.Status.CODE_ISSUED, date__lte=today).count(),
        "rectifications_to_verify": rectification_list_for_user(user=user).filter(
            status=Rectification.Status.RESPONDED).count(),
        "trainings_due": list(trainings_due_for_inspector(inspector=inspector, today=today)[:5]) if inspector else [],
        "tests_open": tests_open_for_inspector(inspector=inspector)[:5] if inspector else [],
    }


def agency_admin_home_context(*, user):
    today = timezone.localdate()
    agency = user.agency
    month_start = today.replace(day=1)
    refusals = (GateRefusal.objects.filter(inspection__participations__agency=agency, at__date__gte=month_start)
                .values("code").annotate(n=Count("id", distinct=True)).order_by("-n"))
    plans = (AnnualPlan.objects.filter(Q(lead_agency=agency) | Q(member_agencies=agency), year=today.year)
             .values("status").annotate(n=Count("id", distinct=True)))
    return {
        "today": today, "agency": agency, "week_end": today + timedelta(days=7),
        "approvals_waiting": Inspection.objects.filter(initiating_agency=agency, status=Inspection.Status.DRAFT).count(),
        "refusals": list(refusals),
        "matter_counts": matter_status_counts(agency=agency),
        "plan_counts": {r["status"]: r["n"] for r in plans},
        "expiring_certificates": subject_selectors.certificates_expiring(agency=agency, within_days=30, today=today),
        "triggered_this_month": TriggeredFiling.objects.counted().filter(agency=agency, month=f"{today:%Y-%m}").count(),
        "month": f"{today:%Y-%m}",
        "evaluations": evaluation_aggregate_for_agency(agency=agency, year=today.year),
        "joint_proposals": list(joint_proposals_awaiting(user=user)[:20]),
        **agency_admin_supervision_panel(user=user),
    }


def reviewer_home_context(*, user):
    today = timezone.localdate()
    return {
        "today": today,
        **reviewer_supervision_panel(user=user),
        "matters_queue": matter_review_queue().count(),
        "plans_queue": plan_filing_queue().count(),
        "plans_not_filed": plans_agencies_not_filed(year=today.year, today=today)[:10],
        "expiring_certificates_count": subject_selectors.certificates_expiring(
            agency=None, within_days=30, today=today).count(),
    }
