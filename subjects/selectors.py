"""Reads of agencies, inspectors and certificates, scoped to what a user may see."""
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from jiujiang_inspect import roles

from .models import Agency, Certificate, Inspector, User


def agency_list(*, active_only=False) -> QuerySet[Agency]:
    qs = Agency.objects.select_related("entrusting_agency")
    return qs.filter(is_active=True) if active_only else qs


def inspector_list_for_user(*, user) -> QuerySet[Inspector]:
    """Reviewers and the platform (智慧督, reading) see every inspector; agency staff only their own agency's."""
    qs = Inspector.objects.select_related("agency", "certificate")
    if roles.is_reviewer(user) or roles.is_platform(user):
        return qs
    if getattr(user, "agency_id", None):
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def inspectors_eligible(*, agency, on_date: date) -> QuerySet[Inspector]:
    """Inspectors who may be assigned on `on_date`: active, not helpers, of an active agency, with a
    certificate valid that day (docs/domain.md; 行政处罚法 第42条)."""
    return Inspector.objects.filter(
        agency=agency, agency__is_active=True, is_active=True, is_helper=False,
        certificate__status=Certificate.Status.VALID,
        certificate__valid_from__lte=on_date, certificate__valid_until__gte=on_date,
    ).select_related("certificate", "agency")


def certificates_expiring(*, agency=None, within_days=30, today: date) -> QuerySet[Certificate]:
    qs = Certificate.objects.filter(
        status=Certificate.Status.VALID, valid_until__gte=today,
        valid_until__lte=today + timedelta(days=within_days), inspector__is_active=True,
    ).select_related("inspector", "inspector__agency").order_by("valid_until")
    return qs.filter(inspector__agency=agency) if agency is not None else qs


def user_list_for_user(*, user) -> QuerySet[User]:
    """The accounts `user` manages (services.may_manage_account): every one for reviewers, the 执法人员
    logins of its own agency for an agency admin, none for anyone else."""
    if roles.is_reviewer(user):
        return User.objects.select_related("agency").order_by("username")
    if roles.is_agency_admin(user):
        return (User.objects.select_related("agency")
                .filter(role=roles.INSPECTOR, agency_id=user.agency_id).order_by("username"))
    return User.objects.none()


def inspector_search(qs, text: str):
    text = (text or "").strip()
    if not text:
        return qs
    return qs.filter(Q(name__icontains=text) | Q(certificate__number__icontains=text))
