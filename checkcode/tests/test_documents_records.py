"""What the inspector records for the 询问笔录 and the 抽样取证（勘验）记录 (issue 16, docs/documents.md):
the forms on the documents page, the parsing of "问：/答：" lines, who may record, and the documents
becoming available once the records exist."""
import pytest
from django.urls import reverse

from checkcode.models import InquiryRecord, SamplingRecord
from checkcode.services import documents_available
from checkcode.services.records import items_parse, qa_parse
from jiujiang_inspect.exceptions import ValidationFailed
from jiujiang_inspect.models import AuditEntry

from .factories import documented_inspection

pytestmark = pytest.mark.django_db


def test_questions_and_answers_are_read_from_marked_lines():
    assert qa_parse("问：姓名？\n答：张三\n问: 职务?\n答: 安全主管\n负责消防") == [
        {"q": "姓名？", "a": "张三"}, {"q": "职务?", "a": "安全主管\n负责消防"}]
    for bad in ("", "答：先答", "没有标记"):
        with pytest.raises(ValidationFailed):
            qa_parse(bad)
    assert items_parse("灭火器，4kg，2\n\n样品,500g") == [{"name": "灭火器", "spec": "4kg", "quantity": "2"},
                                                         {"name": "样品", "spec": "500g", "quantity": ""}]


def test_the_inspector_records_an_inquiry_and_a_sampling_and_the_kinds_become_available(client, alice, agency_a):
    insp = documented_inspection(agency=agency_a, complete=False)
    client.force_login(alice)
    assert "记录询问" in client.get(reverse("checkcode:documents", args=[insp.pk])).content.decode()
    r = client.post(reverse("checkcode:inquiry_add", args=[insp.pk]), {
        "inq-interviewee": "张三", "inq-place": "会议室", "inq-started_at": "2026-03-02T10:00",
        "inq-qa": "问：是否申请回避？\n答：不申请。"})
    assert r.status_code == 302 and InquiryRecord.objects.get(inspection=insp).qa[0]["a"] == "不申请。"
    r = client.post(reverse("checkcode:sampling_add", args=[insp.pk]), {
        "smp-kind": "survey", "smp-place": "仓库", "smp-at": "2026-03-02T11:00", "smp-description": "通道宽度不足"})
    assert r.status_code == 302 and SamplingRecord.objects.get(inspection=insp).agency == agency_a
    available = documents_available(inspection=insp)
    assert available["inquiry_record"] == "" and available["sampling_record"] == ""
    assert AuditEntry.objects.filter(action__in=["inquiry.recorded", "sampling.recorded"]).count() == 2


def test_a_record_without_questions_or_by_another_agency_is_refused(client, alice, bob, agency_a):
    insp = documented_inspection(agency=agency_a, complete=False)
    client.force_login(alice)
    client.post(reverse("checkcode:inquiry_add", args=[insp.pk]), {
        "inq-interviewee": "张三", "inq-place": "会议室", "inq-started_at": "2026-03-02T10:00", "inq-qa": "随便写"})
    assert not InquiryRecord.objects.exists()
    client.force_login(bob)
    r = client.post(reverse("checkcode:sampling_add", args=[insp.pk]), {
        "smp-kind": "sampling", "smp-place": "仓库", "smp-at": "2026-03-02T11:00", "smp-items": "样品，1kg，1"})
    assert r.status_code == 404 and not SamplingRecord.objects.exists()
