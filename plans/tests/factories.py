"""factory_boy factories for enterprises, pools, plans and (minimal) inspections."""
import factory
from django.utils import timezone

from plans.models import AnnualPlan, Enterprise, Inspection, PlanTarget, Pool, PoolMembership, Town
from subjects.tests.factories import AgencyFactory
from subjects.validators import USCC_ALPHABET, uscc_check_char


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
