"""factory_boy factories for enterprises, pools, plans and inspections: `InspectionFactory` is just a
slot-taking row; `make_inspection` builds a gate-clean inspection with participations, inspectors and
published matters (`team`, `admin_of`, `inspector_user_of` give it people)."""
from datetime import date, timedelta

import factory
from django.utils import timezone

from matters.models import InspectionMatter, LegalBasis, NegativeListItem
from plans.models import (
    AnnualPlan,
    Enterprise,
    Inspection,
    Participation,
    PlanTarget,
    Pool,
    PoolMembership,
    Town,
    name_initials,
)
from subjects.tests.factories import AgencyFactory, InspectorFactory, UserFactory
from subjects.validators import USCC_ALPHABET, uscc_check_char


def ensure_cap_policies():
    """The defaults of plans' data migration; a transactional test's flush removes them for the next."""
    from plans.models import CapPolicy, FrequencyPolicy

    for pool, cap in {"whitelist": 1, "joint": 2, "non_joint": 2, "key": 6}.items():
        CapPolicy.objects.get_or_create(pool=pool, defaults={"yearly_onsite_cap": cap})
    FrequencyPolicy.current()


def uscc_for(n: int, *, prefix: str = "91340207MA2") -> str:
    """A valid, checksummed 统一社会信用代码 numbered n (鸠江区 area code 340207)."""
    body = ""
    for _ in range(17 - len(prefix)):
        n, r = divmod(n, len(USCC_ALPHABET))
        body = USCC_ALPHABET[r] + body
    first17 = prefix + body
    return first17 + uscc_check_char(first17)


def bad_checksum(uscc: str) -> str:
    wrong = next(c for c in "0123456789" if c != uscc[17])
    return uscc[:17] + wrong


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        django_get_or_create = ("uscc",)
        skip_postgeneration_save = True

    uscc = factory.Sequence(lambda n: uscc_for(n + 1000))
    name = factory.Sequence(lambda n: f"芜湖测试{n}有限公司")
    name_initials = factory.LazyAttribute(lambda o: name_initials(o.name))
    town = Town.WANLI
    size = Enterprise.Size.SMALL
    credit_class = "B"
    joins_joint = True
    pool = Pool.JOINT

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            PoolMembership.objects.create(enterprise=obj, pool=obj.pool, reason="测试入库")


class AnnualPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualPlan
        skip_postgeneration_save = True

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.Sequence(lambda n: f"餐饮行业联合检查计划{n}")
    lead_agency = factory.SubFactory(AgencyFactory)
    months = factory.LazyAttribute(lambda o: [f"{o.year}-04", f"{o.year}-05"])

    @factory.post_generation
    def targets(obj, create, extracted, **kwargs):
        for e in extracted or []:
            PlanTarget.objects.create(plan=obj, enterprise=e)


class InspectionFactory(factory.django.DjangoModelFactory):
    """Just enough of an inspection to occupy a yearly slot (the inspections app owns the workflow)."""

    class Meta:
        model = Inspection

    enterprise = factory.SubFactory(EnterpriseFactory)
    initiating_agency = factory.SubFactory(AgencyFactory)
    kind = Inspection.Kind.PLANNED
    date = factory.LazyFunction(timezone.localdate)
    status = Inspection.Status.CODE_ISSUED
    slot_year = factory.LazyAttribute(lambda o: o.date.year)


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


class NegativeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NegativeListItem
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TNEG{n:03d}")
    title = factory.Sequence(lambda n: f"负面行为{n}")


def team(agency, n=2, **kwargs):
    """n certified, active, non-helper inspectors of `agency`."""
    return [InspectorFactory(agency=agency, **kwargs) for _ in range(n)]


def special_plan_for(*, agency, enterprise=None, day=None, members=(), **fields) -> AnnualPlan:
    """A published 专项检查计划 (filed, then published the same day) led by `agency`, covering `day`'s
    month and, if given, the enterprise: what a special inspection runs under (decision f)."""
    from django.utils import timezone

    day = day or date.today() + timedelta(days=1)
    now = timezone.now()
    fields = {"status": AnnualPlan.Status.PUBLISHED, "filed_at": now, "published_at": now, **fields}
    plan = AnnualPlanFactory(lead_agency=agency, kind=AnnualPlan.Kind.SPECIAL, year=day.year,
                             months=[f"{day:%Y-%m}"], title="专项检查计划", **fields,
                             targets=[enterprise] if enterprise is not None else [])
    plan.member_agencies.set(members)
    return plan


def make_inspection(*, agency, enterprise=None, inspectors=None, matters=None, kind=Inspection.Kind.SPECIAL,
                    mode=Inspection.Mode.ONSITE, day=None, status=Inspection.Status.DRAFT, extra_agencies=(),
                    **fields) -> Inspection:
    """A gate-clean inspection by `agency` (special kind under a published special plan, advance
    notice recorded) unless the caller overrides fields. `extra_agencies` adds joint participations,
    each with its own two inspectors and one matter."""
    enterprise = enterprise or EnterpriseFactory()
    day = day or date.today() + timedelta(days=1)
    if kind == Inspection.Kind.SPECIAL and "plan" not in fields and isinstance(day, date):
        fields["plan"] = special_plan_for(agency=agency, enterprise=enterprise, day=day, members=extra_agencies)
    fields.setdefault("special_approval_ref", "鸠司审〔2025〕1号")
    fields.setdefault("notified_at", day - timedelta(days=1) if isinstance(day, date) else None)
    fields.setdefault("notice_method", "电话")
    if kind == Inspection.Kind.TRIGGERED:
        fields.setdefault("trigger_source", Inspection.TriggerSource.COMPLAINT)
        fields.setdefault("trigger_reason", "12345 投诉")
    from datetime import datetime, time

    from django.utils import timezone

    if isinstance(fields.get("notified_at"), date) and not isinstance(fields["notified_at"], datetime):
        # The day before at 09:00, but never in the future (a notice is recorded once given).
        fields["notified_at"] = min(timezone.make_aware(datetime.combine(fields["notified_at"], time(9))),
                                    timezone.now() - timedelta(minutes=1))
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
