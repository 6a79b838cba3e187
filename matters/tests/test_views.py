"""HTML pages: who sees what, the review queue's diff and buttons, forms through the services, the
public guide without login."""
from io import BytesIO

import pytest
from openpyxl import load_workbook

from matters.models import InspectionMatter, LegalBasis, PublicDocument
from matters.tests.factories import LegalBasisFactory, MatterFactory, PublishedMatterFactory

pytestmark = pytest.mark.django_db
S = InspectionMatter.Status


def test_agency_admin_catalogue_list_detail_and_export(client, anna, agency_a, agency_b):
    MatterFactory(agency=agency_a, code="A-1", name="食品经营许可检查")
    PublishedMatterFactory(agency=agency_b, code="B-1", name="危化品经营检查")
    MatterFactory(agency=agency_b, code="B-2", name="别人的草稿")
    client.force_login(anna)
    r = client.get("/matters/")
    body = r.content.decode()
    assert r.status_code == 200 and "食品经营许可检查" in body and "危化品经营检查" not in body
    assert "危化品经营检查" in client.get("/matters/?agency=").content.decode()
    assert "别人的草稿" not in client.get("/matters/?agency=YJGL").content.decode()
    r = client.get("/matters/items/A-1/")
    assert r.status_code == 200 and "报送备案" in r.content.decode() and "status-draft" in r.content.decode()
    assert client.get("/matters/items/B-2/").status_code == 404
    r = client.get("/matters/?export=xlsx")
    wb = load_workbook(BytesIO(r.content))
    assert wb.sheetnames == ["事项", "法定依据", "检查标准", "常见问题"]
    assert [c.value for c in wb["事项"][2]][:3] == ["A-1", "食品经营许可检查", "SCJG"]


def test_create_form_with_inline_standards_goes_through_service(client, anna, agency_a):
    basis = LegalBasisFactory()
    client.force_login(anna)
    assert client.get("/matters/new/").status_code == 200
    r = client.post("/matters/new/", {
        "agency": agency_a.pk, "code": "SCJG-9", "name": "餐饮服务食品安全检查", "legal_bases": [basis.pk],
        "check_standards": "持证经营｜许可证在有效期内\n从业人员健康证明|全员持证\n\n",
        "common_problems": "餐具消毒不到位｜按规定清洗消毒并保洁"}, follow=True)
    assert r.status_code == 200
    m = InspectionMatter.objects.get(code="SCJG-9")
    assert [(s.item, s.criterion) for s in m.check_standards.all()] == [("持证经营", "许可证在有效期内"),
                                                                       ("从业人员健康证明", "全员持证")]
    r = client.post("/matters/new/", {"agency": agency_a.pk, "code": "SCJG-9", "name": "重复",
                                      "legal_bases": [basis.pk]})
    assert "事项编码已存在" in r.content.decode()
    r = client.post("/matters/items/SCJG-9/edit/", {"name": "餐饮服务食品安全检查（修订）", "legal_bases": [basis.pk],
                                                    "check_standards": "持证经营｜许可证在有效期内"}, follow=True)
    m.refresh_from_db()
    assert m.name.endswith("（修订）") and m.check_standards.count() == 1


def test_review_queue_shows_diff_and_files_or_rejects(client, rita, anna, agency_a):
    from matters import services

    m = MatterFactory(agency=agency_a, code="Q-1", name="旧名称", status=S.DRAFT)
    services.matter_submit(matter=m, by=anna)
    services.matter_file(matter=m, by=rita)
    services.matter_publish(matter=m, by=anna)
    services.matter_update(matter=m, by=anna, name="新名称")
    services.matter_submit(matter=m, by=anna)
    fresh = services.matter_submit(matter=MatterFactory(agency=agency_a, code="Q-2"), by=anna)
    client.force_login(anna)
    assert client.get("/matters/review/").status_code == 403
    client.force_login(rita)
    body = client.get("/matters/review/").content.decode()
    assert "Q-1" in body and "Q-2" in body and "首次备案" in body
    assert "diff-removed" in body and "旧名称" in body and "新名称" in body
    r = client.post("/matters/items/Q-1/file/", {"next": "/matters/review/"})
    assert r.status_code == 302 and r["Location"] == "/matters/review/"
    r = client.post(f"/matters/items/{fresh.code}/reject/", {"reason": ""}, follow=True)
    assert "退回必须说明原因" in r.content.decode()
    client.post(f"/matters/items/{fresh.code}/reject/", {"reason": "标准不具体"})
    assert dict(InspectionMatter.objects.values_list("code", "status")) == {"Q-1": "filed", "Q-2": "rejected"}


def test_catalogue_submit_button_and_error_message(client, anna, agency_a):
    MatterFactory(agency=agency_a, code="S-1")
    MatterFactory(agency=agency_a, code="S-2", standards=[])
    client.force_login(anna)
    r = client.post("/matters/submit-catalogue/", follow=True)
    assert "S-2" in r.content.decode() and not InspectionMatter.objects.filter(status=S.SUBMITTED).exists()


def test_legal_basis_pages(client, rita, anna, alice, agency_a):
    basis = LegalBasisFactory(title="中华人民共和国消防法", article="第五十三条")
    m = PublishedMatterFactory(agency=agency_a, legal_bases=[basis])
    client.force_login(alice)
    assert "中华人民共和国消防法" in client.get("/matters/legal-bases/").content.decode()
    assert client.get("/matters/legal-bases/new/").status_code == 403
    client.force_login(anna)
    assert client.get(f"/matters/legal-bases/{basis.pk}/edit/").status_code == 403
    client.force_login(rita)
    r = client.post(f"/matters/legal-bases/{basis.pk}/edit/", {
        "title": basis.title, "level": "law", "article": basis.article, "status": "repealed", "reason": "废止"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.status == S.NEEDS_ADJUSTMENT and LegalBasis.objects.get(pk=basis.pk).status == "repealed"


def test_joint_list_pages(client, rita, agency_a, agency_b):
    PublishedMatterFactory(agency=agency_a, code="J-1"), PublishedMatterFactory(agency=agency_b, code="J-2")
    from matters.models import Industry

    client.force_login(rita)
    assert client.get("/matters/joint-lists/").status_code == 200
    r = client.post("/matters/joint-lists/new/", {
        "industry": Industry.objects.get(code="62").pk, "lead_agency": agency_a.pk, "member_agencies": [agency_b.pk],
        "matters": list(InspectionMatter.objects.values_list("pk", flat=True))})
    assert r.status_code == 302
    detail = client.get(r["Location"])
    assert "J-1" in detail.content.decode() and "公布本版本" in detail.content.decode()
    pk = int(r["Location"].rstrip("/").split("/")[-1])
    client.post(f"/matters/joint-lists/{pk}/publish/")
    client.logout()
    page = client.get(f"/matters/public/joint-lists/{pk}/")
    assert page.status_code == 200 and "区应急管理局" in page.content.decode()


def test_public_catalogue_documents_and_export_need_no_login(client, agency_a):
    PublishedMatterFactory(agency=agency_a, code="P-1", name="公开事项", problems=[("健康证过期", "每年体检")])
    MatterFactory(agency=agency_a, code="P-2", name="草稿事项")
    PublicDocument.objects.create(kind="guide", title="芜湖市“综合查一次”工作指引", issuer="芜湖市司法局",
                                  issued_on="2025-02-01", body="正文")
    body = client.get("/matters/public/catalogue/").content.decode()
    assert "公开事项" in body and "草稿事项" not in body and "每年体检" in body
    assert client.get("/matters/public/catalogue/P-2/").status_code == 404
    assert client.get("/matters/public/catalogue/P-1/").status_code == 200
    r = client.get("/matters/public/catalogue/export/?q=公开")
    wb = load_workbook(BytesIO(r.content))
    assert [row[0].value for row in wb["事项"].iter_rows(min_row=2)] == ["P-1"]
    docs = client.get("/matters/public/documents/").content.decode()
    assert "未出示检查码即实施现场检查" in docs and "工作指引" in docs
    doc = PublicDocument.objects.get()
    assert client.get(f"/matters/public/documents/{doc.pk}/").status_code == 200


def test_unused_page_and_inspector_cannot_manage(client, anna, alice, agency_a):
    client.force_login(alice)
    assert client.get("/matters/unused/").status_code == 403
    assert client.get("/matters/new/").status_code == 403
    assert client.get("/matters/").status_code == 200
    client.force_login(anna)
    assert client.get("/matters/unused/?years=3").status_code == 200
