"""factory_boy factories for this issue's tests: the guidance records, and the lower apps' records
(matters, enterprises, inspections, results, codes) built straight on the shared models."""
from datetime import date, datetime, time, timedelta

import factory
from django.utils import timezone

from checkcode.models import CheckCode, Evaluation, InspectionResult
from guidance.models import (
    OnlineTest,
    Question,
    QuestionTag,
    TrainingAttendance,
    TrainingSession,
    TypicalCase,
)
from matters.models import InspectionMatter, LegalBasis
from plans.models import Enterprise, Inspection, Participation, TriggeredFiling
from subjects.tests.factories import AgencyFactory, InspectorFactory, UserFactory  # noqa: F401


class LegalBasisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalBasis

    title = factory.Sequence(lambda n: f"测试法规{n}")
    level = LegalBasis.Level.LAW
    article = "第十条"


class MatterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionMatter
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"M{n:04d}")
    name = factory.Sequence(lambda n: f"检查事项{n}")
    agency = factory.SubFactory(AgencyFactory)
    status = InspectionMatter.Status.PUBLISHED

    @factory.post_generation
    def legal_bases(obj, create, extracted, **kwargs):
        if create:
            obj.legal_bases.set(extracted or [LegalBasisFactory()])


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        django_get_or_create = ("uscc",)

    uscc = factory.Sequence(lambda n: f"91340207MA{n:07d}X"[:18])
    name = factory.Sequence(lambda n: f"芜湖测试企业{n}有限公司")
    town = "wanli"


def inspection_with(*, enterprise, parts, date_=None, status=Inspection.Status.DRAFT, mode="onsite", kind="planned",
                    initiating=None):
    """An inspection with one Participation per (agency, [matters]) in `parts` (the first leads)."""
    inspection = Inspection.objects.create(
        enterprise=enterprise, initiating_agency=initiating or parts[0][0], kind=kind, mode=mode,
        date=date_ or timezone.localdate(), status=status)
    for n, (agency, matters) in enumerate(parts):
        p = Participation.objects.create(inspection=inspection, agency=agency, is_lead=n == 0)
        p.matters.set(matters)
    return inspection


def result_for(inspection, *, by, outcome="no_issue", recorded_at=None, findings="未发现问题。"):
    inspection.status = Inspection.Status.RESULT_RECORDED
    inspection.outcome = outcome
    inspection.save(update_fields=["status", "outcome"])
    return InspectionResult.objects.create(inspection=inspection, outcome=outcome, findings=findings, recorded_by=by,
                                           recorded_at=recorded_at or timezone.now())


def code_for(inspection, *, by, issued_at=None, shown=False, late=False, status="issued"):
    issued_at = issued_at or timezone.now()
    return CheckCode.objects.create(
        inspection=inspection, code=f"JJ{inspection.pk:06d}{CheckCode.objects.count():04d}", status=status,
        valid_from=issued_at, valid_until=issued_at + timedelta(days=3), issued_by=by, issued_at=issued_at,
        first_shown_at=issued_at if shown else None, is_late=late)


def evaluation_for(code, *, rating=5, code_shown=True, notified=True):
    return Evaluation.objects.create(check_code=code, rating=rating, code_shown=code_shown,
                                     notified_in_advance=notified)


def filing_for(inspection, *, source="complaint"):
    filed_at = timezone.make_aware(datetime.combine(inspection.date, time(9)))
    return TriggeredFiling.objects.create(inspection=inspection, agency=inspection.initiating_agency,
                                          enterprise=inspection.enterprise, source=source,
                                          month=f"{inspection.date:%Y-%m}", filed_at=filed_at)


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    title = factory.Sequence(lambda n: f"检查码操作培训第{n}期")
    date = factory.LazyFunction(date.today)
    organiser = factory.SubFactory(AgencyFactory)
    is_checkcode = True


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingAttendance

    session = factory.SubFactory(TrainingSessionFactory)
    inspector = factory.SubFactory(InspectorFactory)
    method = TrainingAttendance.Method.ORGANISER


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionTag
        django_get_or_create = ("name",)

    name = "检查码"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"TQ-{n:04d}")
    kind = Question.Kind.SINGLE
    stem = factory.Sequence(lambda n: f"第{n}题：未申请检查码可以入企检查吗？")
    options = ["可以", "原则上不可以", "视情况", "不知道"]
    answer = [1]
    basis = "鸠政办秘〔2025〕2号 举措10"
    explanation = "未申请检查码的，原则上不得开展入企检查。"

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set([TagFactory(name=t) for t in extracted])


class OnlineTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OnlineTest
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"测试{n}")
    mode = OnlineTest.Mode.FIXED
    pass_mark = 60
    time_limit_minutes = 20
    status = OnlineTest.Status.PUBLISHED

    @factory.post_generation
    def questions(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.questions.set(extracted)


class TypicalCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TypicalCase
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"典型案例{n}")
    kind = TypicalCase.Kind.VIOLATION
    category = TypicalCase.Category.NO_CODE
    facts = "执法人员未申请检查码即入企检查。"
    rule = "未申请检查码的，原则上不得开展入企检查（举措10）。"
    handling = "责令改正，对单位负责人公开约谈。"
    lesson = "入企检查必须先赋码、亮码。"
    status = TypicalCase.Status.PUBLISHED

    @factory.post_generation
    def matters(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.matters.set(extracted)
