"""行政检查文书 over the API and on the pages (issue 16, docs/api.md `/inspections/{id}/documents/`):
who lists and issues, the PDF as stored, the enterprise's view through its code page, the batch job."""
import hashlib

import pytest
from django.db import connection
from django.urls import reverse

from checkcode.models import CheckCode, IssuedDocument
from jiujiang_inspect.models import BackgroundJob
from subjects.tests.factories import AgencyFactory

from .factories import documented_inspection

pytestmark = pytest.mark.django_db


def url(insp):
    return f"/api/v1/inspections/{insp.pk}/documents/"


def test_participant_issues_once_and_lists_with_the_pdf_url_and_hash(api, alice, agency_a, fake_pdf):
    insp = documented_inspection(agency=agency_a)
    client = api(alice)
    first = client.post(url(insp), {"kind": "notice"}, format="json")
    again = client.post(url(insp), {"kind": "notice"}, format="json")
    assert (first.status_code, again.status_code) == (201, 200) and first.json() == again.json()
    body = first.json()
    assert set(body) >= {"id", "kind", "number", "version", "pdf_url", "sha256", "issued_at"}
    listed = client.get(url(insp)).json()
    assert [d["number"] for d in listed["results"]] == [body["number"]] and listed["next"] is None
    pdf = client.get(body["pdf_url"].split("testserver")[-1].replace("http://127.0.0.1:8000", ""),
                     HTTP_ACCEPT="application/pdf")
    content = b"".join(pdf.streaming_content)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(content).hexdigest() == body["sha256"]


def test_issue_refusals_use_the_error_shape(api, alice, bob, rita, agency_a, fake_pdf):
    insp = documented_inspection(agency=agency_a, complete=False)
    bad = api(alice).post(url(insp), {"kind": "nope"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()["detail"]
    missing = api(alice).post(url(insp), {"kind": "result_notice"}, format="json")
    assert missing.status_code == 409 and missing.json()["code"] == "document_not_available"
    assert api(bob).post(url(insp), {"kind": "notice"}, format="json").status_code == 404
    assert api(bob).get(url(insp)).status_code == 404
    reviewer = api(rita)
    assert reviewer.get(url(insp)).status_code == 200
    denied = reviewer.post(url(insp), {"kind": "notice"}, format="json")
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"


def test_correction_over_the_api_keeps_the_number(api, alice, agency_a, fake_pdf):
    insp = documented_inspection(agency=agency_a)
    doc = api(alice).post(url(insp), {"kind": "result_notice"}, format="json").json()
    fixed = api(alice).post(f"/api/v1/documents/{doc['id']}/correct/", {"reason": "笔误"}, format="json")
    assert fixed.status_code == 201 and (fixed.json()["number"], fixed.json()["version"]) == (doc["number"], 2)
    stale = api(alice).post(f"/api/v1/documents/{doc['id']}/correct/", {"reason": "再改"}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "invalid_state"


def test_staff_pages_issue_show_the_stored_document_and_the_pdf(client, alice, agency_a, fake_pdf):
    insp = documented_inspection(agency=agency_a, extra_agencies=[AgencyFactory()])
    client.force_login(alice)
    panel = client.get(reverse("checkcode:documents", args=[insp.pk]), HTTP_HX_REQUEST="true")
    assert panel.status_code == 200 and "出具" in panel.content.decode()
    r = client.post(reverse("checkcode:document_issue", args=[insp.pk]), {"kind": "notice"})
    doc = IssuedDocument.objects.get(inspection=insp, kind="notice")
    assert r.status_code == 302 and r["Location"] == reverse("checkcode:document_view", args=[doc.pk])
    page = client.get(r["Location"])
    assert page.status_code == 200 and doc.number in page.content.decode()
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    assert client.get(reverse("checkcode:document_pdf", args=[doc.pk]))["Content-Type"] == "application/pdf"
    assert client.get(reverse("plans:inspection_detail", args=[insp.pk])).status_code == 200
    for kind in ("notice", "record", "result", "approval", "service_receipt"):
        assert client.get(reverse("checkcode:document", args=[insp.pk, kind])).status_code == 200, kind


def test_batch_runs_as_a_job_with_progress(client, alice, agency_a, fake_pdf, django_capture_on_commit_callbacks):
    insp = documented_inspection(agency=agency_a)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        with_commit = client.post(reverse("checkcode:documents_batch", args=[insp.pk]))
    job = BackgroundJob.objects.get()
    assert with_commit["Location"] == reverse("job_status", args=[job.pk])
    assert job.status == "succeeded" and "已出具 9 份" in job.message
    if connection.vendor == "sqlite":  # on PostgreSQL progress rides the heartbeat's own connection
        assert (job.done, job.total) == (9, 9)
    assert IssuedDocument.objects.filter(inspection=insp).count() == 9


def test_the_enterprise_sees_only_the_documents_addressed_to_it_on_its_code_page(client, alice, agency_a, fake_pdf):
    from checkcode.services import document_issue

    insp = documented_inspection(agency=agency_a)
    notice, _ = document_issue(inspection=insp, kind="notice", by=alice)
    approval, _ = document_issue(inspection=insp, kind="approval", by=alice)
    code = CheckCode.objects.get(inspection=insp).code
    page = client.get(reverse("checkcode:public_code", args=[code])).content.decode()
    assert notice.number in page and approval.number not in page
    assert client.get(reverse("checkcode:public_document", args=[code, notice.pk])).status_code == 200
    assert client.get(reverse("checkcode:public_document_pdf", args=[code, notice.pk])).status_code == 200
    assert client.get(reverse("checkcode:public_document", args=[code, approval.pk])).status_code == 404


def test_the_reviewer_edits_the_number_words_and_agency_abbreviations(client, api, rita, alice, agency_a, fake_pdf):
    from checkcode.models import DocumentKind
    from jiujiang_inspect.models import AuditEntry

    notice = DocumentKind.objects.get(kind="notice")
    client.force_login(rita)
    assert client.get(reverse("checkcode:document_kinds")).status_code == 200
    r = client.post(reverse("checkcode:document_kinds"), {"kind": notice.pk, f"k{notice.pk}-title": "行政检查通知书",
                                                          f"k{notice.pk}-word": "查通", f"k{notice.pk}-to_enterprise": "on"})
    assert r.status_code == 302 and AuditEntry.objects.filter(action="document_kind.updated").exists()
    patched = api(rita).patch(f"/api/v1/agencies/{agency_a.code}/", {"doc_abbreviation": "鸠市监"}, format="json")
    assert patched.status_code == 200 and patched.json()["doc_abbreviation"] == "鸠市监"
    insp = documented_inspection(agency=agency_a)
    body = api(alice).post(url(insp), {"kind": "notice"}, format="json").json()
    assert body["number"].startswith("鸠市监查通〔")
    client.force_login(alice)
    assert client.get(reverse("checkcode:document_kinds")).status_code == 403


@pytest.mark.parametrize("agencies", [1, 3])
def test_the_documents_panel_reads_a_fixed_number_of_queries(client, alice, agency_a, fake_pdf, agencies,
                                                             django_assert_max_num_queries):
    """The inspection page loads the panel every time: its queries do not grow with agencies or documents."""
    from checkcode.services import document_issue

    insp = documented_inspection(agency=agency_a, extra_agencies=[AgencyFactory() for _ in range(agencies - 1)])
    for kind in ("notice", "approval", "result_notice"):
        document_issue(inspection=insp, kind=kind, by=alice)
    client.force_login(alice)
    with django_assert_max_num_queries(21):
        assert client.get(reverse("checkcode:documents", args=[insp.pk]), HTTP_HX_REQUEST="true").status_code == 200
