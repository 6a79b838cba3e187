"""Reads of the case library: search, and the cases relevant to an inspector's own matters."""
from django.db.models import Q, QuerySet

from jiujiang_inspect import roles
from plans.models import Participation

from ..models import TypicalCase


def typical_case_list_for_user(*, user) -> QuerySet[TypicalCase]:
    """Reviewers see drafts too; everyone else the published library."""
    qs = TypicalCase.objects.select_related("agency")
    if roles.is_reviewer(user):
        return qs
    return qs.filter(status=TypicalCase.Status.PUBLISHED)


def typical_case_search(qs, text: str):
    """Every word must appear in the title, facts, rule, handling, lesson or a linked matter's name."""
    for word in (text or "").split()[:8]:
        qs = qs.filter(Q(title__icontains=word) | Q(facts__icontains=word) | Q(rule__icontains=word)
                       | Q(handling__icontains=word) | Q(lesson__icontains=word)
                       | Q(matters__name__icontains=word) | Q(negative_items__title__icontains=word))
    return qs.distinct() if text and text.split() else qs


def matter_ids_of_agency_inspections(agency_id) -> QuerySet:
    """The matters the agency has used in its own participations (what its inspectors inspect)."""
    return (Participation.matters.through.objects.filter(participation__agency_id=agency_id)
            .values("inspectionmatter_id"))


def typical_cases_relevant_for_user(*, user) -> QuerySet[TypicalCase]:
    """Published cases linked to a matter the user's agency has inspected, or to one of its own
    matters in the catalogue (so a new agency sees its cases before its first inspection)."""
    agency_id = getattr(user, "agency_id", None)
    if not agency_id:
        return TypicalCase.objects.none()
    return (TypicalCase.objects.filter(status=TypicalCase.Status.PUBLISHED)
            .filter(Q(matters__in=matter_ids_of_agency_inspections(agency_id)) | Q(matters__agency_id=agency_id))
            .distinct().select_related("agency"))
