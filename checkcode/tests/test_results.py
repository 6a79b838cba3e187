"""Recording a result on a phone (issue 15): a checklist of the matters' 检查标准, findings required for
责令整改, photos and documents as evidence checked by content, the representative's signature or a 拒签
note, all in one transaction with one audit entry; evidence served only to those who see the inspection."""
import base64
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from checkcode.models import Evidence, InspectionResult
from checkcode.selectors import result_checklist_template
from checkcode.services import checkcode_issue
from checkcode.services.results import result_record
from jiujiang_inspect.audit_display import audit_rows
from jiujiang_inspect.exceptions import ValidationFailed
from jiujiang_inspect.models import AuditEntry
from jiujiang_inspect.uploads import UploadTypeRefused
from matters.models import CheckStandard
from matters.tests.factories import PublishedMatterFactory

from .factories import approved_inspection

pytestmark = pytest.mark.django_db


def photo(name="现场.jpg", size=(64, 48), fmt="JPEG", gps=True):
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (31.0, 20.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format=fmt, exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def signature_png():
    out = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(out, format="PNG")
    return SimpleUploadedFile("sig.png", out.getvalue())


@pytest.fixture
def coded(agency_a, alice):
    """An approved on-site inspection with a live code, whose matter has two 检查标准."""
    matter = PublishedMatterFactory(agency=agency_a, name="餐饮服务食品安全检查",
                                    standards=[("从业人员持有效健康证明", "健康证在有效期内"), ("后厨清洁", "无积垢")])
    insp = approved_inspection(agency=agency_a, matters=[matter], day=timezone.localdate())
    checkcode_issue(inspection=insp, issued_by=alice)
    return insp


def _all(insp, verdict="pass", **overrides):
    return [{"standard": t["standard"], "verdict": overrides.get(t["item"], verdict), "note": ""}
            for t in result_checklist_template(inspection=insp)]


def test_rectification_needs_findings(coded, alice):
    with pytest.raises(ValidationFailed) as exc:
        result_record(inspection=coded, by=alice, outcome="rectification",
                      rectification={"items": ["清洁后厨"], "deadline": coded.date + timedelta(days=5)})
    assert "findings" in exc.value.detail and "检查发现的问题" in exc.value.message
    assert not InspectionResult.objects.exists()


def test_every_standard_needs_a_verdict_and_the_checklist_keeps_their_text(coded, alice):
    """GIVEN a matter with two standards WHEN one is left unanswered THEN the result is refused, naming
    it; WHEN both are answered THEN the checklist is stored as the standards read then, and stays so
    after the matter's standards are edited."""
    partial = _all(coded)[:1]
    with pytest.raises(ValidationFailed) as exc:
        result_record(inspection=coded, by=alice, outcome="no_issue", checklist=partial)
    assert "还有1项" in exc.value.message and "后厨清洁" in exc.value.message
    result = result_record(inspection=coded, by=alice, outcome="no_issue", checklist=_all(coded))
    CheckStandard.objects.filter(item="后厨清洁").update(item="改过的标准")
    result.refresh_from_db()
    assert [(i["item"], i["verdict"], i["matter_name"]) for i in result.checklist] == [
        ("从业人员持有效健康证明", "pass", "餐饮服务食品安全检查"), ("后厨清洁", "pass", "餐饮服务食品安全检查")]


def test_a_failed_item_rules_out_no_issue(coded, alice):
    checklist = _all(coded, **{"后厨清洁": "fail"})
    with pytest.raises(ValidationFailed) as exc:
        result_record(inspection=coded, by=alice, outcome="no_issue", checklist=checklist)
    assert list(exc.value.detail) == ["outcome"]
    result_record(inspection=coded, by=alice, outcome="rectification", findings="后厨油污", checklist=checklist,
                  rectification={"items": ["清洁后厨"], "deadline": coded.date + timedelta(days=5)})


def test_a_standard_of_another_matter_is_refused(coded, alice, agency_a):
    other = PublishedMatterFactory(agency=agency_a)
    stranger = other.check_standards.first()
    checklist = [*_all(coded), {"standard": stranger.pk, "verdict": "pass", "note": ""}]
    with pytest.raises(ValidationFailed) as exc:
        result_record(inspection=coded, by=alice, outcome="no_issue", checklist=checklist)
    assert "不属于本次检查" in exc.value.message


def test_photos_documents_and_signature_are_evidence_with_one_readable_audit_entry(coded, alice):
    pdf = SimpleUploadedFile("营业执照.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    result = result_record(inspection=coded, by=alice, outcome="no_issue", checklist=_all(coded),
                           photos=[photo(), photo("第二张.png", fmt="PNG")], documents=[pdf],
                           signature=signature_png(), signer_name="王经理")
    files = list(result.evidence.order_by("id"))
    assert [(f.kind, f.original_name, f.content_type) for f in files] == [
        ("photo", "现场.jpg", "image/jpeg"), ("photo", "第二张.png", "image/jpeg"),
        ("document", "营业执照.pdf", "application/pdf"), ("signature", "企业签字.png", "image/jpeg")]
    assert all(f.file.name.startswith("uploads/evidence/") and f.uploaded_by == alice for f in files)
    assert not Image.open(files[0].file.open("rb")).getexif()  # the GPS of the photo is gone
    entry = AuditEntry.objects.get(action="inspection.result_recorded")
    row = audit_rows(AuditEntry.objects.filter(pk=entry.pk))[0]
    text = {c.label: c.new for c in row.changes}
    assert text["检查标准核对"] == "符合：2；不符合：0；不适用：0"
    assert "现场照片：现场.jpg（SHA-256 " + files[0].sha256[:16] in text["检查证据"]
    assert text["企业签字"] == "已签字（王经理）"


def test_a_disguised_file_refuses_the_whole_result_and_stores_nothing(coded, alice):
    php = SimpleUploadedFile("shell.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    with pytest.raises(UploadTypeRefused):
        result_record(inspection=coded, by=alice, outcome="no_issue", photos=[photo(), php])
    assert not InspectionResult.objects.exists() and not Evidence.objects.exists()
    coded.refresh_from_db()
    assert coded.status == "code_issued"


def test_a_refusal_to_sign_needs_a_note_and_excludes_a_signature(coded, alice):
    with pytest.raises(ValidationFailed) as exc:
        result_record(inspection=coded, by=alice, outcome="no_issue", signature_refused=True)
    assert "signature_refused_note" in exc.value.detail
    with pytest.raises(ValidationFailed):
        result_record(inspection=coded, by=alice, outcome="no_issue", signature=signature_png(),
                      signature_refused=True, signature_refused_note="拒签")
    result = result_record(inspection=coded, by=alice, outcome="no_issue", signature_refused=True,
                           signature_refused_note="负责人张某拒绝签字，见证人李某")
    assert result.signature_refused and not result.evidence.exists()


def test_evidence_is_served_only_to_those_who_see_the_inspection(client, coded, alice, bob, rita):
    result = result_record(inspection=coded, by=alice, outcome="no_issue", photos=[photo()])
    evidence = result.evidence.get()
    url = reverse("checkcode:evidence_file", args=[evidence.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(rita)
    assert client.get(url).status_code == 200
    client.force_login(alice)
    res = client.get(url)
    assert res.status_code == 200 and res["Content-Type"] == "image/jpeg"
    assert res["X-Content-Type-Options"] == "nosniff" and "no-store" in res["Cache-Control"]
    assert b"".join(res.streaming_content)[:3] == b"\xff\xd8\xff"
    assert client.get("/media/" + evidence.file.name).status_code == 404


def test_the_result_page_records_from_a_phone_form_and_shows_it(client, coded, alice):
    """GIVEN alice on the result page WHEN she posts the two verdicts, a photo, a PDF and a drawn
    signature (a data URL) THEN the page shows the checklist, the files and the signature."""
    client.force_login(alice)
    url = reverse("checkcode:result", args=[coded.pk])
    page = client.get(url).content.decode()
    assert 'capture="environment"' in page and "从业人员持有效健康证明" in page and "健康证在有效期内" in page
    ids = [t["standard"] for t in result_checklist_template(inspection=coded)]
    sig = "data:image/png;base64," + base64.b64encode(signature_png().read()).decode()
    res = client.post(url, {"outcome": "rectification", "findings": "", f"verdict-{ids[0]}": "pass",
                            f"verdict-{ids[1]}": "fail", f"note-{ids[1]}": "灶台油污", "items": "清洁后厨",
                            "deadline": str(coded.date + timedelta(days=7)), "signature": sig,
                            "signer_name": "王经理", "photos": [photo()]})
    assert res.status_code == 400  # no findings for 责令整改: shown on the form, nothing stored
    body = res.content.decode()
    assert "请写明检查发现的问题" in body and "需要重新选择" in body and not InspectionResult.objects.exists()
    res = client.post(url, {"outcome": "rectification", "findings": "后厨油污", f"verdict-{ids[0]}": "pass",
                            f"verdict-{ids[1]}": "fail", f"note-{ids[1]}": "灶台油污", "items": "清洁后厨",
                            "deadline": str(coded.date + timedelta(days=7)), "signature": sig,
                            "signer_name": "王经理", "photos": [photo()],
                            "documents": [SimpleUploadedFile("记录.pdf", b"%PDF-1.7\n")]})
    assert res.status_code == 302 and res.url == url
    page = client.get(url).content.decode()
    assert "{#" not in page and "灶台油污" in page and "不符合" in page and "记录.pdf" in page and "签字人：王经理" in page
    for evidence in Evidence.objects.all():
        assert evidence.get_absolute_url() in page


def test_the_api_takes_the_checklist_and_lists_evidence(api, coded, alice, bob):
    ids = [t["standard"] for t in result_checklist_template(inspection=coded)]
    res = api(alice).post(f"/api/v1/inspections/{coded.pk}/result/", {
        "outcome": "no_issue", "checklist": [{"standard": ids[0], "verdict": "pass"},
                                             {"standard": ids[1], "verdict": "na", "note": "无后厨"}],
        "signature_refused": True, "signature_refused_note": "拒签"}, format="json")
    assert res.status_code == 201, res.content
    body = res.json()
    assert [(i["item"], i["verdict"], i["note"]) for i in body["checklist"]] == [
        ("从业人员持有效健康证明", "pass", ""), ("后厨清洁", "na", "无后厨")]
    assert body["evidence"] == [] and body["signature_refused"] is True
    Evidence.objects.create(result=InspectionResult.objects.get(), kind="photo", file="uploads/evidence/x.jpg",
                            original_name="x.jpg", content_type="image/jpeg", size=3, sha256="0" * 64)
    got = api(alice).get(f"/api/v1/inspections/{coded.pk}/result/").json()
    assert got["evidence"][0]["name"] == "x.jpg" and got["evidence"][0]["url"].endswith(
        f"/api/v1/evidence/{got['evidence'][0]['id']}/file/")
    assert api(bob).get(f"/api/v1/inspections/{coded.pk}/result/").status_code == 404
    assert api(bob).get(f"/api/v1/evidence/{got['evidence'][0]['id']}/file/").status_code == 404


def test_the_rectification_cards_load_their_photos_without_a_query_per_card(client, alice, agency_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def one():
        insp = approved_inspection(agency=agency_a)
        checkcode_issue(inspection=insp, issued_by=alice)
        result_record(inspection=insp, by=alice, outcome="rectification", findings="灭火器过期", photos=[photo()],
                      rectification={"items": ["更换"], "deadline": insp.date + timedelta(days=5)})

    client.force_login(alice)
    url = reverse("checkcode:rectification_list")
    one()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert page.count("照片：现场.jpg") == 1
    for _ in range(3):
        one()
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count("照片：现场.jpg") == 4 and len(many) == len(few)


def test_the_onsite_record_prints_the_checklist_the_evidence_and_the_drawn_signature(coded, alice):
    """The 现场检查笔录 carries what was recorded on the phone: each 检查标准 with its verdict and note, the
    evidence files with the start of their SHA-256, and the signature itself (or the 拒签 note)."""
    from pypdf import PdfReader

    from checkcode.services.documents import document_issue

    sig = io.BytesIO()
    Image.new("RGB", (300, 100), (255, 255, 255)).save(sig, format="PNG")
    result = result_record(inspection=coded, by=alice, outcome="rectification", findings="后厨有积垢",
                           rectification={"items": ["清理后厨"], "deadline": timezone.localdate() + timedelta(days=7)},
                           checklist=_all(coded, **{"后厨清洁": "fail"}), photos=[photo("后厨.jpg")],
                           signature=SimpleUploadedFile("sig.png", sig.getvalue()), signer_name="王经理")
    doc, _created = document_issue(inspection=coded, kind="onsite_record", by=alice)
    html = doc.html
    assert "后厨清洁" in html and "不符合" in html and "从业人员持有效健康证明" in html
    shot = result.evidence.get(kind="photo")
    assert "后厨.jpg" in html and shot.sha256[:12] in html
    assert 'src="data:image/jpeg;base64,' in html and "（王经理）" in html and "□ 拒绝签名" not in html
    with doc.pdf.open("rb") as fh:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages)
    assert "后厨清洁" in text and "不符合" in text


def test_the_onsite_record_notes_a_refusal_to_sign(coded, alice):
    from checkcode.services.documents import document_issue

    result_record(inspection=coded, by=alice, outcome="no_issue", checklist=_all(coded), signature_refused=True,
                  signature_refused_note="负责人张某拒绝签字，见证人李某")
    doc, _created = document_issue(inspection=coded, kind="onsite_record", by=alice)
    assert "☑ 拒绝签名（执法人员注明情况：负责人张某拒绝签字，见证人李某）" in doc.html


def test_evidence_can_be_added_later_from_the_page_and_the_api(client, api, coded, alice, bob):
    """Issue 15: at the gate the signal is often too weak; the inspector adds photos once back in range."""
    from checkcode.services import result_evidence_add
    from jiujiang_inspect.exceptions import InvalidState

    with pytest.raises(InvalidState):  # no result yet
        result_evidence_add(inspection=coded, by=alice, photos=[photo()])
    result = result_record(inspection=coded, by=alice, outcome="no_issue", checklist=_all(coded))
    client.force_login(alice)
    page = client.get(reverse("checkcode:result", args=[coded.pk])).content.decode()
    assert "上传补充证据" in page
    client.post(reverse("checkcode:result", args=[coded.pk]), {"action": "evidence", "photos": [photo("补拍.jpg")]})
    assert list(result.evidence.values_list("original_name", flat=True)) == ["补拍.jpg"]
    entry = AuditEntry.objects.get(action="inspection.evidence_added")
    assert "补拍.jpg" in entry.changes["evidence"][0]
    url = f"/api/v1/inspections/{coded.pk}/result/evidence/"
    made = api(alice).post(url, {"documents": [SimpleUploadedFile("记录.pdf", b"%PDF-1.4\n%%EOF\n")]},
                           format="multipart")
    assert made.status_code == 201 and made.json()[0]["content_type"] == "application/pdf"
    php = SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>" + b" " * 40)
    refused = api(alice).post(url, {"photos": [php]}, format="multipart")
    assert (refused.status_code, refused.json()["code"]) == (400, "upload_type")
    assert api(bob).post(url, {"photos": [photo()]}, format="multipart").status_code == 404
    assert result.evidence.count() == 2


def test_the_page_requires_a_signature_or_a_noted_refusal_on_site(client, coded, alice):
    """The service's rule, asked for by the phone page (require_signature); an API client keeps it optional."""
    with pytest.raises(ValidationFailed) as refused:
        result_record(inspection=coded, by=alice, outcome="no_issue", require_signature=True)
    assert "signature" in refused.value.detail and not InspectionResult.objects.exists()
    client.force_login(alice)
    page = client.post(reverse("checkcode:result", args=[coded.pk]), {"outcome": "no_issue"})
    assert page.status_code == 400 and "请企业代表在签字区签名" in page.content.decode()
    result_record(inspection=coded, by=alice, outcome="no_issue", signature_refused=True,
                  signature_refused_note="负责人拒绝签字", require_signature=True)
