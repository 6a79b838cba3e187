"""Factories for checkcode tests: an approved, gate-clean on-site inspection and its code, and an
inspection with every record a 行政检查文书 prints (docs/documents.md)."""
from datetime import timedelta

from django.utils import timezone

from plans.tests.factories import LegalBasisFactory, MatterFactory, make_inspection  # noqa: F401
from subjects.tests.factories import InspectorFactory, UserFactory

SHARED_BASIS = {"title": "中华人民共和国安全生产法", "article": "第六十五条"}


def approved_inspection(**kwargs):
    kwargs.setdefault("status", "approved")
    return make_inspection(**kwargs)


def documented_inspection(*, agency, extra_agencies=(), complete=True, **kwargs):
    """An approved inspection by `agency` (joint with `extra_agencies`) whose agencies' matters share
    one basis and each cite one of their own; with `complete`, also a live code, a result with
    rectification verified by 复查, an inquiry with questions and answers, and a sampling record, so
    every document kind can be issued. Returns the inspection."""
    from checkcode import codes
    from checkcode.models import CheckCode, InquiryRecord, InspectionResult, Rectification, SamplingRecord
    from matters.models import LegalBasis

    shared = LegalBasis.objects.filter(**SHARED_BASIS).first() or LegalBasisFactory(**SHARED_BASIS)
    agencies = [agency, *extra_agencies]
    matters = {a.pk: MatterFactory(agency=a, legal_bases=[shared, LegalBasisFactory()]) for a in agencies}
    insp = make_inspection(agency=agency, extra_agencies=extra_agencies, status="approved",
                           matters=[matters[agency.pk]], **kwargs)
    for part in insp.participations.all():
        part.matters.set([matters[part.agency_id]])
        if part.agency_id == agency.pk:
            part.inspectors.add(InspectorFactory(agency=agency, is_helper=True, certificate=None))
    admin = UserFactory(role="agency_admin", agency=agency)
    now = timezone.now()
    insp.approved_by, insp.approved_at = admin, now
    insp.save(update_fields=["approved_by", "approved_at"])
    if not complete:
        return insp
    CheckCode.objects.create(inspection=insp, code=codes.generate(), valid_from=now,
                             valid_until=now + timedelta(days=1), issued_by=admin, status="completed")
    result = InspectionResult.objects.create(inspection=insp, outcome="rectification", recorded_by=admin,
                                             findings="消防通道堆放杂物。")
    Rectification.objects.create(result=result, items=[{"item": "清理消防通道"}], status="verified",
                                 deadline=insp.date + timedelta(days=15), verified_by=admin, verified_at=now,
                                 verification_note="已清理完毕。")
    InquiryRecord.objects.create(inspection=insp, agency=agency, interviewee="张三", position="安全主管",
                                 place="企业会议室", started_at=now, recorded_by=admin,
                                 qa=[{"q": "消防通道为何堆放杂物？", "a": "临时存放，已安排清理。"}])
    SamplingRecord.objects.create(inspection=insp, agency=agency, place="仓库", at=now, recorded_by=admin,
                                  items=[{"name": "灭火器", "spec": "4kg", "quantity": "2"}], description="抽取样品两具。")
    insp.status = "result_recorded"
    insp.save(update_fields=["status"])
    return insp
