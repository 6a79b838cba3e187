"""Factories for inspection tests: minimal enterprises, plans, legal bases and published matters of
their own, so these tests do not depend on the registry and catalogue factories being written."""
from datetime import date, timedelta

import factory

from matters.models import InspectionMatter, LegalBasis, NegativeListItem
from plans.models import AnnualPlan, Enterprise, Inspection, Participation, PlanTarget
from subjects.tests.factories import AgencyFactory, InspectorFactory, UserFactory

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_with_check(body17: str) -> str:
    """GB 32100-2015 check character appended to 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return body17 + USCC_ALPHABET[(31 - total % 31) % 31]


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        django_get_or_create = ("uscc",)

    uscc = factory.Sequence(lambda n: uscc_with_check(f"91340207MA{n:07d}"))
    name = factory.Sequence(lambda n: f"芜湖鸠江测试企业{n}有限公司")
    town = "wanli"
    pool = "joint"


class LegalBasisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalBasis

    title = factory.Sequence(lambda n: f"中华人民共和国测试法{n}")
    level = LegalBasis.Level.LAW
    article = "第十条"
    effective_date = date(2020, 1, 1)
    status = LegalBasis.Status.IN_FORCE


class MatterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionMatter
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"M{n:05d}")
    name = factory.Sequence(lambda n: f"检查事项{n}")
    agency = factory.SubFactory(AgencyFactory)
    status = InspectionMatter.Status.PUBLISHED
    offsite_capable = False

    @factory.post_generation
    def legal_bases(obj, create, extracted, **kwargs):
        if create:
            obj.legal_bases.set(extracted if extracted is not None else [LegalBasisFactory()])


class AnnualPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualPlan
        skip_postgeneration_save = True

    year = factory.LazyFunction(lambda: date.today().year)
    title = factory.Sequence(lambda n: f"年度检查计划{n}")
    lead_agency = factory.SubFactory(AgencyFactory)
    status = AnnualPlan.Status.FILED

    @factory.post_generation
    def targets(obj, create, extracted, **kwargs):
        if create:
            for ent in extracted or []:
                PlanTarget.objects.create(plan=obj, enterprise=ent)


class NegativeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NegativeListItem
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TNEG{n:03d}")
    title = factory.Sequence(lambda n: f"负面行为{n}")


def team(agency, n=2, **kwargs):
    """n certified, active, non-helper inspectors of `agency`."""
    return [InspectorFactory(agency=agency, **kwargs) for _ in range(n)]


def make_inspection(*, agency, enterprise=None, inspectors=None, matters=None, kind=Inspection.Kind.SPECIAL,
                    mode=Inspection.Mode.ONSITE, day=None, status=Inspection.Status.DRAFT, extra_agencies=(),
                    **fields) -> Inspection:
    """A gate-clean inspection by `agency` (special kind with approval ref, advance notice recorded)
    unless the caller overrides fields. `extra_agencies` adds joint participations, each with its
    own two inspectors and one matter."""
    enterprise = enterprise or EnterpriseFactory()
    day = day or date.today() + timedelta(days=1)
    fields.setdefault("special_approval_ref", "鸠司审〔2025〕1号")
    fields.setdefault("notified_at", day - timedelta(days=1) if isinstance(day, date) else None)
    fields.setdefault("notice_method", "电话")
    if kind == Inspection.Kind.TRIGGERED:
        fields.setdefault("trigger_source", Inspection.TriggerSource.COMPLAINT)
        fields.setdefault("trigger_reason", "12345 投诉")
    from datetime import datetime, time

    from django.utils import timezone

    if isinstance(fields.get("notified_at"), date) and not isinstance(fields["notified_at"], datetime):
        fields["notified_at"] = timezone.make_aware(datetime.combine(fields["notified_at"], time(9)))
    insp = Inspection.objects.create(enterprise=enterprise, initiating_agency=agency, kind=kind, mode=mode, date=day,
                                     status=status, **fields)
    for n, ag in enumerate([agency, *extra_agencies]):
        part = Participation.objects.create(inspection=insp, agency=ag, is_lead=(n == 0))
        part.inspectors.set(inspectors if (n == 0 and inspectors is not None) else team(ag))
        part.matters.set(matters if (n == 0 and matters is not None) else [MatterFactory(agency=ag)])
    return insp


def admin_of(agency, **kwargs):
    return UserFactory(role="agency_admin", agency=agency, **kwargs)


def inspector_user_of(agency, **kwargs):
    return UserFactory(role="inspector", agency=agency, **kwargs)
