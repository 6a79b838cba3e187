"""The supervised agency answers a 责令改正 (issue 14 "12345 both ways", issue 15 "Agency inbox"): its admin
sees the cases about its own agency, submits a 整改报告 with photos, the 司法局 and 智慧督 see it; nobody
else can answer, read the files or slip a disguised file in."""
import io
from datetime import date

import pytest
from django.urls import reverse
from PIL import Image

from jiujiang_inspect.audit import AuditEntry
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError, ValidationFailed
from jiujiang_inspect.models import OutboundMessage
from supervision.models import CorrectionReport, CorrectionReportFile
from supervision.services.cases import case_close, case_correction_report, case_measure_add
from supervision.tests.factories import CaseFactory, HotlineTicketFactory

pytestmark = pytest.mark.django_db


def photo(name="整改后.png", size=(64, 48)):
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    buf.seek(0)
    buf.name = name
    return buf


def disguised():
    buf = io.BytesIO(b"<?php system($_GET['c']); ?>" + b" " * 64)
    buf.name = "photo.jpg"
    return buf


@pytest.fixture
def correction(agency_a, rita):
    case = CaseFactory(agency=agency_a, hotline_ticket=HotlineTicketFactory(agency=agency_a))
    return case_measure_add(case=case, by=rita, kind="correction", date=date.today())


def test_the_agency_admin_answers_with_a_report_and_photos(correction, anna):
    before = correction.case.updated_at
    saved = case_correction_report(measure=correction, by=anna, report="  已组织整改，补发检查码告知。 ",
                                   files=[photo(), photo("现场.png", (4000, 3000))])
    assert saved.report == "已组织整改，补发检查码告知。"
    files = list(saved.files.order_by("id"))
    assert [f.original_name for f in files] == ["整改后.png", "现场.png"]
    assert {f.content_type for f in files} == {"image/jpeg"}  # re-encoded, whatever was sent
    with files[1].file.open("rb") as fh:
        assert max(Image.open(fh).size) <= 2560
    correction.case.refresh_from_db()
    assert correction.case.updated_at > before  # syncing clients see the answer
    entry = AuditEntry.objects.filter(action="case.correction_reported").get()
    assert (entry.actor_id, entry.changes["files"]) == (anna.pk, ["整改后.png", "现场.png"])
    events = OutboundMessage.objects.filter(event="case.correction_reported")
    assert set(events.values_list("channel", flat=True)) == {"webhook", "hotline"}
    hook = events.get(channel="webhook")
    assert hook.payload["measures"][0]["reports"][0]["report"] == "已组织整改，补发检查码告知。"


def test_only_the_supervised_agencys_admin_may_answer(correction, alice, rita, agency_b):
    from plans.tests.factories import admin_of

    for user in (alice, rita, admin_of(agency_b)):
        with pytest.raises(PermissionDeniedError):
            case_correction_report(measure=correction, by=user, report="已整改")
    assert not CorrectionReport.objects.exists()


def test_what_cannot_be_answered_is_refused_and_nothing_is_written(correction, anna, rita):
    interview = case_measure_add(case=correction.case, by=rita, kind="interview", date=date.today())
    with pytest.raises(InvalidState):
        case_correction_report(measure=interview, by=anna, report="已整改")
    with pytest.raises(ValidationFailed) as empty:
        case_correction_report(measure=correction, by=anna, report="   ")
    assert "report" in empty.value.detail
    with pytest.raises(ValidationFailed) as bad:
        case_correction_report(measure=correction, by=anna, report="已整改", files=[photo(), disguised()])
    assert bad.value.code == "upload_type"
    assert not CorrectionReport.objects.exists() and not CorrectionReportFile.objects.exists()
    case_close(case=correction.case, by=rita, outcome="已约谈")
    with pytest.raises(InvalidState):
        case_correction_report(measure=correction, by=anna, report="已整改")


def test_the_api_lets_the_agency_read_its_cases_answer_and_fetch_files(api, correction, anna, rita, agency_b,
                                                                       platform_secret):
    from plans.tests.factories import admin_of

    other_case = CaseFactory(agency=agency_b)
    client = api(anna)
    listed = client.get("/api/v1/supervision-cases/").json()["results"]
    assert [c["id"] for c in listed] == [correction.case_id]  # not agency B's case
    assert client.get(f"/api/v1/supervision-cases/{other_case.pk}/").status_code == 404
    assert client.post("/api/v1/supervision-cases/", {"agency": "SCJG", "title": "x", "problem": "y"},
                       format="json").status_code == 403
    url = f"/api/v1/supervision-cases/{correction.case_id}/correction-reports/"
    refused = client.post(url, {"measure": correction.pk, "report": "已整改", "files": [disguised()]},
                          format="multipart")
    assert (refused.status_code, refused.json()["code"]) == (400, "upload_type")
    made = client.post(url, {"measure": correction.pk, "report": "已整改", "files": [photo()]}, format="multipart")
    assert made.status_code == 201, made.json()
    file_url = made.json()["files"][0]["url"]
    case = api(rita).get(f"/api/v1/supervision-cases/{correction.case_id}/").json()
    assert case["measures"][0]["reports"][0]["files"][0]["url"] == file_url
    for reader in (api(rita), api(secret=platform_secret), client):
        got = reader.get(file_url)
        assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
        assert got["X-Content-Type-Options"] == "nosniff"
    assert api(admin_of(agency_b)).get(file_url).status_code == 404
    assert api(admin_of(agency_b)).post(url, {"measure": correction.pk, "report": "x"},
                                        format="multipart").status_code == 404


def test_the_inbox_page_lists_what_concerns_the_agency_and_takes_the_answer(client, correction, anna, rita, agency_b):
    from jiujiang_inspect.alerts import alert_raise
    from plans.tests.factories import admin_of

    alert_raise(kind="audit.test", severity="warning", agency=correction.case.agency, title="本单位预警",
                target=correction.case, source="test", dedupe_key="inbox-test")
    alert_raise(kind="audit.test", severity="warning", agency=agency_b, title="别的单位预警", source="test",
                dedupe_key="inbox-other")
    client.force_login(anna)
    page = client.get(reverse("supervision:inbox")).content.decode()
    assert correction.case.title in page and "本单位预警" in page and "别的单位预警" not in page
    assert "有 1 项责令改正待提交整改报告" in page
    assert reverse("supervision:inbox_case", args=[correction.case_id]) in page  # the alert links to its case
    case_url = reverse("supervision:inbox_case", args=[correction.case_id])
    answered = client.post(case_url, {"measure": correction.pk, "report": "已整改完毕", "files": [photo()]})
    assert answered.status_code == 302
    report = CorrectionReport.objects.get()
    file_url = reverse("supervision:correction_report_file", args=[report.files.get().pk])
    assert file_url in client.get(case_url).content.decode()
    assert client.get(file_url).status_code == 200
    client.force_login(rita)
    detail = client.get(reverse("supervision:case_detail", args=[correction.case_id])).content.decode()
    assert "已整改完毕" in detail and file_url in detail
    client.force_login(admin_of(agency_b))
    assert client.get(case_url).status_code == 404
    assert client.get(file_url).status_code == 403
    assert "已整改完毕" not in client.get(reverse("supervision:inbox")).content.decode()


def test_an_alert_about_the_agency_as_a_whole_links_to_where_it_is_handled(client, anna, agency_a):
    from jiujiang_inspect.alerts import alert_raise

    alert_raise(kind="matter.needs_adjustment", severity="warning", agency=agency_a,
                title="1项检查事项需调整：SCJG-SP-03", dedupe_key="inbox-matters")
    client.force_login(anna)
    page = client.get(reverse("supervision:inbox")).content.decode()
    assert f'href="{reverse("matters:matter_list")}?status=needs_adjustment">1项检查事项需调整' in page


def test_the_case_list_reads_reports_and_files_without_a_query_per_row(api, rita, anna, agency_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_case():
        measure = case_measure_add(case=CaseFactory(agency=agency_a), by=rita, kind="correction", date=date.today())
        case_correction_report(measure=measure, by=anna, report="已整改", files=[photo(), photo("二.png")])

    client = api(rita)
    add_case()
    client.get("/api/v1/supervision-cases/")
    with CaptureQueriesContext(connection) as one:
        first = client.get("/api/v1/supervision-cases/").json()["results"]
    add_case(), add_case()
    with CaptureQueriesContext(connection) as three:
        rows = client.get("/api/v1/supervision-cases/").json()["results"]
    assert len(first) == 1 and len(rows) == 3 and all(r["measures"][0]["reports"][0]["files"] for r in rows)
    assert len(three) == len(one)
