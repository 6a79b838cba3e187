"""factory_boy factories for supervision tests. They build the rows of other apps directly from the
shared models (plans, checkcode), so these tests do not depend on those apps' services."""
from datetime import date, timedelta

import factory
from django.utils import timezone

from checkcode.models import CheckCode, Evaluation, InspectionResult, Rectification
from guidance.models import ResultRecognition
from jiujiang_inspect.models import Alert
from plans.models import AnnualPlan, Block, Enterprise, Inspection, Participation, TriggeredFiling
from plans.tests.factories import ensure_cap_policies  # noqa: F401  (supervision tests import it from here)
from subjects.tests.factories import AgencyFactory, UserFactory
from subjects.validators import uscc_check_char
from supervision.models import CaseMeasure, HotlineTicket, JobRun, SupervisionCase, Survey, SurveyResponse


def make_uscc(n: int) -> str:
    first17 = f"91340207MA{n:07d}"
    return first17 + uscc_check_char(first17)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.Sequence(make_uscc)
    name = factory.Sequence(lambda n: f"芜湖鸠江测试企业{n}有限公司")
    town = "wanli"
    pool = "joint"


class InspectionFactory(factory.django.DjangoModelFactory):
    """An inspection that took place (code issued). `agencies=[a, b]` makes it joint; by default the
    initiating agency is the only participant. On-site planned inspections hold a cap slot."""

    class Meta:
        model = Inspection
        skip_postgeneration_save = True

    enterprise = factory.SubFactory(EnterpriseFactory)
    initiating_agency = factory.SubFactory(AgencyFactory)
    kind = Inspection.Kind.PLANNED
    mode = Inspection.Mode.ONSITE
    date = factory.LazyFunction(timezone.localdate)
    status = Inspection.Status.CODE_ISSUED
    slot_year = factory.LazyAttribute(
        lambda o: o.date.year if o.mode == Inspection.Mode.ONSITE and o.kind != Inspection.Kind.TRIGGERED else None)
    counts_toward_cap = factory.LazyAttribute(lambda o: o.kind != Inspection.Kind.TRIGGERED)
    trigger_source = factory.LazyAttribute(lambda o: "complaint" if o.kind == Inspection.Kind.TRIGGERED else "")

    @factory.post_generation
    def agencies(obj, create, extracted, **kwargs):
        if not create:
            return
        agencies = list(extracted) if extracted else [obj.initiating_agency]
        for i, agency in enumerate(agencies):
            Participation.objects.create(inspection=obj, agency=agency, is_lead=(i == 0))
        if obj.kind == Inspection.Kind.TRIGGERED:
            for agency in agencies:
                if agency.pk == obj.initiating_agency_id:
                    TriggeredFiling.objects.create(inspection=obj, agency=agency, enterprise=obj.enterprise,
                                                   source=obj.trigger_source or "complaint",
                                                   month=f"{obj.date:%Y-%m}")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualPlan

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.Sequence(lambda n: f"年度联合检查计划{n}")
    lead_agency = factory.SubFactory(AgencyFactory)
    status = AnnualPlan.Status.PUBLISHED


class CheckCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckCode

    inspection = factory.SubFactory(InspectionFactory)
    code = factory.Sequence(lambda n: f"JJ{n:010d}X")
    valid_from = factory.LazyFunction(timezone.now)
    valid_until = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    issued_by = factory.SubFactory(UserFactory)


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionResult

    inspection = factory.SubFactory(InspectionFactory)
    outcome = "rectification"
    recorded_by = factory.SubFactory(UserFactory)


class RectificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rectification

    result = factory.SubFactory(ResultFactory)
    items = ["消防通道堆放杂物"]
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    check_code = factory.SubFactory(CheckCodeFactory)
    rating = 5
    code_shown = True
    notified_in_advance = True


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    enterprise = factory.SubFactory(EnterpriseFactory)
    rule = Block.Rule.MANUAL
    reason = "司法局决定暂停检查"
    starts_on = factory.LazyFunction(timezone.localdate)


class AlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alert

    kind = "audit.triggered_monthly"
    title = factory.Sequence(lambda n: f"预警{n}")


class HotlineTicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HotlineTicket

    external_id = factory.Sequence(lambda n: f"12345-2025-{n:06d}")
    title = "反映执法人员多次上门检查"
    content = "企业反映同一周内被多次检查，影响生产经营。"
    received_at = factory.LazyFunction(timezone.now)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionCase

    source = SupervisionCase.Source.HOTLINE
    title = factory.Sequence(lambda n: f"监督案件{n}")
    problem = "未亮码即开展现场检查"
    agency = factory.SubFactory(AgencyFactory)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=15))


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseMeasure

    case = factory.SubFactory(CaseFactory)
    kind = CaseMeasure.Kind.CORRECTION
    date = factory.LazyFunction(timezone.localdate)


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    title = "2025年度涉企行政检查满意度测评"
    period_start = date(2025, 1, 1)
    period_end = date(2025, 12, 31)
    questions = [{"key": "q1", "text": "检查前是否事先告知"}, {"key": "q2", "text": "检查人员是否文明规范"}]
    status = Survey.Status.OPEN


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    survey = factory.SubFactory(SurveyFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    agency = factory.SubFactory(AgencyFactory)
    answers = {"q1": 5, "q2": 4}
    score = 4.5


class JobRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobRun

    kind = "frequency_audit"
    period = "2025-01"
    status = JobRun.Status.SUCCEEDED


class RecognitionFactory(factory.django.DjangoModelFactory):
    """A 结果互认 as guidance's service leaves it: the recognising agency's draft cancelled, another
    agency's result recognised. Pass `result`; `agency` defaults to a new agency."""

    class Meta:
        model = ResultRecognition

    agency = factory.SubFactory(AgencyFactory)
    enterprise = factory.LazyAttribute(lambda o: o.result.inspection.enterprise)
    inspection = factory.LazyAttribute(lambda o: InspectionFactory(
        enterprise=o.enterprise, initiating_agency=o.agency, status=Inspection.Status.CANCELLED,
        date=timezone.localtime(o.created_at).date()))
    reason = "该企业近期已由其他单位检查同一事项，结果互认。"
    recognised_by = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)
