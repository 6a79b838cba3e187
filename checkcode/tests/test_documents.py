"""行政检查文书 (issue 16, docs/documents.md): numbers per agency, kind and year; stored as issued; every
kind for a single-agency and a three-agency joint inspection; the PDF's text read back with pypdf."""
import io
import re
from datetime import date

import pytest
import time_machine
from pypdf import PdfReader

from checkcode.documents import body_html, document_context, inspection_for_documents
from checkcode.exceptions import DocumentNotAvailable
from checkcode.models import DocumentKind, IssuedDocument
from checkcode.services import document_correct, document_issue, documents_available
from checkcode.services.documents import documents_batch_job
from jiujiang_inspect.exceptions import PermissionDeniedError
from jiujiang_inspect.models import AuditEntry
from subjects.tests.factories import AgencyFactory

from .factories import SHARED_BASIS, documented_inspection

pytestmark = pytest.mark.django_db
KINDS = DocumentKind.Kind.values


def pdf_text(doc) -> str:
    with doc.pdf.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
        return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_number_is_per_agency_kind_and_year_from_the_editable_words(alice, agency_a, fake_pdf):
    agency_a.doc_abbreviation = "鸠市监"
    agency_a.save()
    DocumentKind.objects.filter(kind="notice").update(word="检通")
    first, second = (documented_inspection(agency=agency_a, complete=False) for _ in range(2))
    with time_machine.travel(date(2026, 3, 2)):
        a, created = document_issue(inspection=first, kind="notice", by=alice)
        b, _ = document_issue(inspection=second, kind="notice", by=alice)
        c, _ = document_issue(inspection=first, kind="approval", by=alice)
    assert created and (a.number, b.number) == ("鸠市监检通〔2026〕1号", "鸠市监检通〔2026〕2号")
    assert c.number.endswith("〔2026〕1号") and "检批" in c.number
    with time_machine.travel(date(2027, 1, 1)):
        third = documented_inspection(agency=agency_a, complete=False)
        assert document_issue(inspection=third, kind="notice", by=alice)[0].number == "鸠市监检通〔2027〕1号"


def test_regeneration_returns_the_stored_document_unchanged_after_the_data_changes(alice, agency_a, fake_pdf):
    insp = documented_inspection(agency=agency_a)
    doc, _ = document_issue(inspection=insp, kind="result_notice", by=alice)
    insp.result.findings = "后来改写的检查情况。"
    insp.result.save()
    again, created = document_issue(inspection=insp, kind="result_notice", by=alice)
    assert not created and (again.pk, again.number, again.sha256, again.html) == (doc.pk, doc.number, doc.sha256, doc.html)
    assert "后来改写" not in again.html and "消防通道堆放杂物" in again.html
    assert AuditEntry.objects.filter(action="document.issued", target_id=str(doc.pk)).count() == 1


def test_a_correction_is_a_new_version_under_the_same_number(alice, agency_a, fake_pdf):
    insp = documented_inspection(agency=agency_a)
    doc, _ = document_issue(inspection=insp, kind="result_notice", by=alice)
    insp.result.findings = "更正后的检查情况。"
    insp.result.save()
    fixed = document_correct(document=doc, by=alice, reason="检查情况记载有误")
    assert (fixed.number, fixed.version, fixed.supersedes_id) == (doc.number, 2, doc.pk)
    assert "更正后的检查情况" in fixed.html and "检查情况记载有误" in fixed.html
    assert document_issue(inspection=insp, kind="result_notice", by=alice)[0].pk == fixed.pk
    assert AuditEntry.objects.filter(action="document.corrected", reason="检查情况记载有误").exists()
    doc.refresh_from_db()
    assert "更正后" not in doc.html


def test_kinds_are_offered_only_when_their_data_exists(alice, agency_a, fake_pdf):
    insp = documented_inspection(agency=agency_a, complete=False)
    available = documents_available(inspection=insp)
    assert [k for k, why in available.items() if not why] == ["approval", "notice", "onsite_record"]
    with pytest.raises(DocumentNotAvailable) as exc:
        document_issue(inspection=insp, kind="inquiry_record", by=alice)
    assert exc.value.code == "document_not_available" and "询问" in exc.value.message
    assert DocumentKind.objects.count() == 9 and not IssuedDocument.objects.exists()


def test_only_staff_of_a_participating_agency_issue(bob, rita, agency_a, fake_pdf):
    insp = documented_inspection(agency=agency_a)
    for user in (bob, rita):
        with pytest.raises(PermissionDeniedError):
            document_issue(inspection=insp, kind="notice", by=user)


@pytest.mark.parametrize("joint", [False, True])
def test_every_kind_renders_with_one_section_per_agency_and_each_basis_once(alice, agency_a, joint):
    extra = [AgencyFactory(), AgencyFactory()] if joint else []
    insp = inspection_for_documents(documented_inspection(agency=agency_a, extra_agencies=extra).pk)
    IssuedDocument.objects.create(inspection=insp, kind="notice", title="行政检查通知书", agency=agency_a, year=2026,
                                  serial=1, number="X", html="", pdf="x.pdf", sha256="0")  # for the 送达回证
    shared = f"《{SHARED_BASIS['title']}》{SHARED_BASIS['article']}"
    for kind in KINDS:
        html = body_html(document_context(insp, kind, number="鸠测检〔2026〕9号", title=kind, issued_on=date.today()))
        assert "鸠测检〔2026〕9号" in html, kind
        for agency in [agency_a, *extra]:
            assert agency.name in html, (kind, agency)
        if "wd-bases" in html:
            assert html.count(shared) == 1, kind
    notice = body_html(document_context(insp, "notice", number="N", title="t", issued_on=date.today()))
    assert notice.count('class="wd-section"') == len(extra) + 1 and notice.count('class="wd-seal"') == len(extra) + 1
    assert "申请回避" in notice and "陈述申辩" in notice and "行政复议" in notice and "data:image/svg+xml" in notice


def test_joint_batch_issues_every_kind_as_pdf_with_number_bases_once_and_rights(alice, agency_a, django_capture_on_commit_callbacks):
    """GIVEN a three-agency joint inspection with a result, 整改 verified, an inquiry and a sampling
    WHEN the batch job runs THEN all nine kinds are issued as PDFs, and each PDF carries its number,
    each basis once, and (where addressed to the enterprise) the enterprise's rights."""
    extra = [AgencyFactory(name="鸠江区应急管理局X"), AgencyFactory(name="鸠江区消防救援大队X")]
    insp = documented_inspection(agency=agency_a, extra_agencies=extra)

    class Job:
        params, created_by, pk, total, done, phase, file = {"inspection": insp.pk}, alice, None, 0, 0, "", None
    job = Job()
    job_progress_calls = []
    import checkcode.services.documents as svc
    original = svc.job_progress
    svc.job_progress = lambda j, **kw: job_progress_calls.append(kw)
    try:
        outcome = documents_batch_job(job=job)
    finally:
        svc.job_progress = original
    assert outcome["issued"] == 9 and job_progress_calls[-1] == {"done": 9, "total": 9}
    bases = sorted({f"《{b.title}》{b.article}" for p in insp.participations.all() for m in p.matters.all()
                    for b in m.legal_bases.all()})
    assert len(bases) == 4  # one shared by the three agencies and one of each
    for doc in IssuedDocument.objects.filter(inspection=insp):
        text = pdf_text(doc)
        assert doc.number in text, doc.kind
        import hashlib
        with doc.pdf.open("rb") as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == doc.sha256
        if doc.kind in ("approval", "notice", "onsite_record", "result_notice", "rectification_order"):
            for basis in bases:
                assert text.count(basis) == 1, (doc.kind, basis)
        if doc.kind in ("notice", "result_notice", "rectification_order", "recheck_opinion"):
            assert "申请回避" in text and "陈述申辩" in text and "行政复议" in text, doc.kind
        assert "第1页共" in text, doc.kind
