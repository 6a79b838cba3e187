"""Pages: who sees what, the main flows through HTML, and list pages that do not grow in queries."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from guidance.imports import QUESTION_HEADERS
from guidance.models import Question, TestAttempt
from guidance.tests.factories import (
    AttendanceFactory,
    InspectorFactory,
    OnlineTestFactory,
    QuestionFactory,
    TrainingSessionFactory,
    TypicalCaseFactory,
)
from jiujiang_inspect.models import BackgroundJob

pytestmark = pytest.mark.django_db


def test_every_page_answers_its_role(client, alice, rita):
    TrainingSessionFactory()
    TypicalCaseFactory()
    client.force_login(alice)
    for url in ["/guidance/", "/guidance/trainings/", "/guidance/tests/", "/guidance/attempts/", "/guidance/cases/",
                "/guidance/recognitions/"]:
        assert client.get(url).status_code == 200, url
    for url in ["/guidance/trainings/coverage/", "/guidance/questions/", "/guidance/equivalences/",
                "/guidance/settings/", "/guidance/tests/new/"]:
        assert client.get(url).status_code == 403, url
    client.force_login(rita)
    for url in ["/guidance/trainings/coverage/", "/guidance/questions/", "/guidance/equivalences/",
                "/guidance/settings/", "/guidance/tests/new/", "/guidance/cases/new/", "/guidance/"]:
        assert client.get(url).status_code == 200, url


def test_inspector_takes_a_test_through_the_pages(client, alice):
    """GIVEN a published 检查码 test
    WHEN alice starts it, answers and hands in
    THEN she sees her score and the review, and she is marked as having passed."""
    q = QuestionFactory()
    test = OnlineTestFactory(questions=[q], is_checkcode_test=True)
    client.force_login(alice)
    r = client.post(f"/guidance/tests/{test.pk}/", {"action": "start"})
    attempt = TestAttempt.objects.get()
    assert r.url == f"/guidance/attempts/{attempt.pk}/"
    page = client.get(r.url).content.decode()
    assert "剩余时间" in page and q.stem in page and "解析" not in page
    r = client.post(r.url, {f"q{q.pk}": "1"}, follow=True)
    body = r.content.decode()
    assert "通过" in body and "100" in body and "错题解析" in body
    alice.inspector.refresh_from_db()
    assert alice.inspector.checkcode_test_passed_at is not None


def test_coverage_page_and_export(client, rita, agency_a):
    trained, missing = InspectorFactory.create_batch(2, agency=agency_a)
    AttendanceFactory(inspector=trained, session=TrainingSessionFactory(date=timezone.localdate().replace(month=4,
                                                                                                        day=1)))
    client.force_login(rita)
    body = client.get("/guidance/trainings/coverage/").content.decode()
    assert "鸠江区市场监督管理局" in body and missing.name in body
    r = client.get("/guidance/trainings/coverage/?export=xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["按单位", "未培训人员"] and wb["未培训人员"].max_row >= 2


def test_organiser_records_attendance_from_the_page(client, anna, agency_a):
    session = TrainingSessionFactory(organiser=agency_a, date=timezone.localdate())
    people = InspectorFactory.create_batch(2, agency=agency_a)
    client.force_login(anna)
    page = client.get(f"/guidance/trainings/{session.pk}/").content.decode()
    assert people[0].name in page
    client.post(f"/guidance/trainings/{session.pk}/", {"action": "attendance", "inspectors": [p.pk for p in people]})
    assert session.attendances.count() == 2


def _xlsx(headers, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_question_import_page_runs_a_job_all_or_nothing(client, rita, django_capture_on_commit_callbacks):
    headers = list(QUESTION_HEADERS)
    good = ["IMP-1", "判断", "未申请检查码原则上不得入企检查。", "", "", "", "", "", "", "正确", "举措10", "解析", "检查码"]
    bad = ["IMP-2", "多选", "题干", "甲", "乙", "丙", "", "", "", "A", "举措10", "解析", ""]
    client.force_login(rita)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/guidance/questions/import/",
                        {"file": SimpleUploadedFile("题库.xlsx", _xlsx(headers, [good, bad]))})
    job = BackgroundJob.objects.get()
    assert r.status_code == 302 and job.status == "failed" and not Question.objects.exists()
    assert job.errors[0]["row"] == 3 and "多选题" in job.errors[0]["message"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/guidance/questions/import/", {"file": SimpleUploadedFile("题库.xlsx", _xlsx(headers, [good]))})
    q = Question.objects.get()
    assert q.kind == "true_false" and q.answer == [0] and [t.name for t in q.tags.all()] == ["检查码"]


def test_question_template_downloads_with_the_import_headers(client, rita):
    client.force_login(rita)
    ws = load_workbook(io.BytesIO(client.get("/guidance/questions/template.xlsx").content)).active
    assert [c.value for c in ws[1]] == list(QUESTION_HEADERS) and ws.max_row == 6


@pytest.mark.parametrize("url,make", [
    ("/guidance/trainings/", lambda n, a: [TrainingSessionFactory(organiser=a) for _ in range(n)]),
    ("/guidance/cases/", lambda n, a: [TypicalCaseFactory() for _ in range(n)]),
    ("/guidance/attempts/", None),
])
def test_list_pages_query_count_does_not_grow(client, rita, agency_a, url, make, alice):
    def fill(n):
        if make:
            make(n, agency_a)
        else:
            test = OnlineTestFactory(questions=[QuestionFactory()])
            for _ in range(n):
                TestAttempt.objects.create(test=test, inspector=alice.inspector, user=alice, paper=[],
                                           deadline_at=timezone.now(), status="submitted", score=0)
    client.force_login(rita)
    fill(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    fill(10)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
