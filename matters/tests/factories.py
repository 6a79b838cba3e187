"""factory_boy factories for legal bases, matters (with standards and problems) and joint lists."""
import factory
from django.utils import timezone

from matters.models import (
    CheckStandard,
    CommonProblem,
    Industry,
    InspectionMatter,
    JointMatterList,
    LegalBasis,
)
from subjects.tests.factories import AgencyFactory


class LegalBasisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalBasis

    title = "中华人民共和国食品安全法"
    level = LegalBasis.Level.LAW
    article = factory.Sequence(lambda n: f"第{n + 1}条")
    status = LegalBasis.Status.IN_FORCE


class MatterFactory(factory.django.DjangoModelFactory):
    """A matter with one basis, two standards and one common problem. `status` defaults to draft."""

    class Meta:
        model = InspectionMatter
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"M{n:04d}")
    name = factory.Sequence(lambda n: f"食品经营许可情况检查{n}")
    agency = factory.SubFactory(AgencyFactory)
    object_scope = "辖区内食品经营者"
    status = InspectionMatter.Status.DRAFT

    @factory.post_generation
    def legal_bases(obj, create, extracted, **kwargs):
        if create:
            obj.legal_bases.set(extracted if extracted is not None else [LegalBasisFactory()])

    @factory.post_generation
    def standards(obj, create, extracted, **kwargs):
        if create:
            items = extracted if extracted is not None else [("许可证是否在有效期内", "持有效许可证"),
                                                              ("经营场所与许可一致", "地址、项目一致")]
            CheckStandard.objects.bulk_create([CheckStandard(matter=obj, order=i, item=a, criterion=b)
                                               for i, (a, b) in enumerate(items, start=1)])

    @factory.post_generation
    def problems(obj, create, extracted, **kwargs):
        if create:
            items = extracted if extracted is not None else [("许可证过期仍经营", "到期前30个工作日申请延续")]
            CommonProblem.objects.bulk_create([CommonProblem(matter=obj, order=i, problem=a, guidance=b)
                                               for i, (a, b) in enumerate(items, start=1)])


class PublishedMatterFactory(MatterFactory):
    status = InspectionMatter.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


def key_industry(code="62"):
    """A 重点行业 loaded by the GB/T 4754 migration."""
    return Industry.objects.get(code=code)


class JointListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointMatterList
        skip_postgeneration_save = True

    industry = factory.LazyFunction(key_industry)
    title = "餐饮行业联查事项清单"
    lead_agency = factory.SubFactory(AgencyFactory)
