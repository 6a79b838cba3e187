"""The matter catalogue API: status codes, the error contract, who sees what, query counts."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matters.models import InspectionMatter, JointMatterList, LegalBasis
from matters.tests.factories import LegalBasisFactory, MatterFactory, PublishedMatterFactory

pytestmark = pytest.mark.django_db

BODY = {"code": "SCJG-JC-001", "name": "食品经营许可情况检查", "object_scope": "辖区内食品经营者",
        "offsite_capable": False, "industries": ["6210"],
        "check_standards": [{"item": "是否取得食品经营许可证", "criterion": "许可证在有效期内"}],
        "common_problems": [{"problem": "许可证过期", "guidance": "到期前申请延续"}]}


def test_anonymous_gets_401_everywhere(api):
    for path in ("/api/v1/matters/", "/api/v1/legal-bases/", "/api/v1/industries/", "/api/v1/joint-matter-lists/"):
        r = api().get(path)
        assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


def test_create_and_walk_the_lifecycle_over_the_api(api, anna, rita, agency_a):
    basis = LegalBasisFactory()
    r = api(anna).post("/api/v1/matters/", {**BODY, "legal_bases": [basis.pk]}, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["agency"] == "SCJG" and body["status"] == "draft" and body["legal_bases"] == [basis.pk]
    assert body["check_standards"] == [{"item": "是否取得食品经营许可证", "criterion": "许可证在有效期内"}]
    code = body["code"]
    assert api(anna).post(f"/api/v1/matters/{code}/file/", format="json").status_code == 403
    assert api(anna).post(f"/api/v1/matters/{code}/submit/").json()["status"] == "submitted"
    r = api(rita).post(f"/api/v1/matters/{code}/reject/", {}, format="json")
    assert r.status_code == 400 and "reason" in r.json()["detail"]
    r = api(rita).post(f"/api/v1/matters/{code}/reject/", {"reason": "标准不具体"}, format="json")
    assert r.json()["status"] == "rejected" and r.json()["status_reason"] == "标准不具体"
    r = api(anna).patch(f"/api/v1/matters/{code}/", {"check_standards": [
        {"item": "许可证", "criterion": "在有效期内并悬挂"}]}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "draft"
    api(anna).post(f"/api/v1/matters/{code}/submit/")
    assert api(rita).post(f"/api/v1/matters/{code}/file/", {}, format="json").json()["status"] == "filed"
    assert api(anna).post(f"/api/v1/matters/{code}/publish/").json()["status"] == "published"
    r = api(anna).post(f"/api/v1/matters/{code}/publish/")
    assert r.status_code == 409 and r.json()["code"] == "invalid_state" and r.json()["message"]


def test_bad_input_is_400_with_field_details(api, anna, agency_a):
    basis = LegalBasisFactory()
    cases = [({**BODY, "name": "名" * 201, "legal_bases": [basis.pk]}, "name"),
             ({**BODY, "legal_bases": []}, "legal_bases"),
             ({**BODY, "legal_bases": [99999]}, "legal_bases"),
             ({**BODY, "legal_bases": [basis.pk], "check_standards": [{"item": "x" * 501}]}, "check_standards"),
             ({**BODY, "legal_bases": [basis.pk], "code": "带 空格"}, "code"),
             ({**BODY, "legal_bases": [basis.pk], "industries": ["ZZ"]}, "industries")]
    for payload, field in cases:
        r = api(anna).post("/api/v1/matters/", payload, format="json")
        assert r.status_code == 400 and r.json()["code"] == "invalid" and field in r.json()["detail"], (field, r.json())
    assert not InspectionMatter.objects.exists()


def test_scoping_own_drafts_and_every_published_matter(api, anna, bob, bert, rita, alice, agency_a, agency_b,
                                                       platform_secret):
    a_draft = MatterFactory(agency=agency_a, code="A-DRAFT")
    PublishedMatterFactory(agency=agency_a, code="A-PUB")
    b_draft = MatterFactory(agency=agency_b, code="B-DRAFT")
    PublishedMatterFactory(agency=agency_b, code="B-PUB")

    def codes(client, query=""):
        return {m["code"] for m in client.get(f"/api/v1/matters/{query}").json()["results"]}

    assert codes(api(anna)) == codes(api(alice)) == {"A-DRAFT", "A-PUB", "B-PUB"}
    assert codes(api(bob)) == {"B-DRAFT", "A-PUB", "B-PUB"}
    assert codes(api(rita)) == {"A-DRAFT", "A-PUB", "B-DRAFT", "B-PUB"}
    assert codes(api(secret=platform_secret)) == {"A-PUB", "B-PUB"}
    assert api(bob).get(f"/api/v1/matters/{a_draft.code}/").status_code == 404
    # Another agency's admin cannot act on a matter it can see.
    r = api(bert).patch("/api/v1/matters/A-PUB/", {"name": "越权修改"}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert api(alice).post(f"/api/v1/matters/{a_draft.code}/submit/").status_code == 403
    assert api(secret=platform_secret).post(f"/api/v1/matters/{b_draft.code}/submit/").status_code == 403


def test_matter_filters(api, rita, agency_a, agency_b):
    repealed = LegalBasisFactory(status=LegalBasis.Status.REPEALED)
    m1 = PublishedMatterFactory(agency=agency_a, code="F1", name="燃气安全检查")
    m1.industries.set([InspectionMatter.industries.rel.model.objects.get(code="6210")])
    PublishedMatterFactory(agency=agency_b, code="F2", legal_bases=[repealed, LegalBasisFactory()])
    MatterFactory(agency=agency_b, code="F3")
    client = api(rita)

    def codes(query):
        r = client.get(f"/api/v1/matters/?{query}")
        assert r.status_code == 200, r.json()
        return [m["code"] for m in r.json()["results"]]

    assert set(codes("agency=YJGL")) == {"F2", "F3"}
    assert codes("status=draft") == ["F3"]
    assert codes("industry=62") == codes("industry=H") == codes("industry=6210") == ["F1"]
    assert codes("basis_status=repealed") == ["F2"]
    assert codes("q=燃气") == ["F1"]
    assert set(codes("updated_since=2000-01-01T00:00:00%2B08:00")) == {"F1", "F2", "F3"}
    assert client.get("/api/v1/matters/?updated_since=yesterday").status_code == 400


def test_matter_list_query_count_does_not_grow_with_rows(api, rita, agency_a):
    PublishedMatterFactory.create_batch(2, agency=agency_a)
    client = api(rita)
    client.get("/api/v1/matters/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/matters/").status_code == 200
    PublishedMatterFactory.create_batch(15, agency=agency_a)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/matters/").json()["results"]) == 17
    assert len(many) == len(few) <= 8


def test_legal_basis_api_filters_writes_and_flags(api, rita, anna, alice, agency_a):
    r = api(anna).post("/api/v1/legal-bases/", {"title": "中华人民共和国消防法", "level": "law", "article": "第五十三条",
                                                "effective_date": "2021-04-29"}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "in_force"
    pk = r.json()["id"]
    assert api(alice).post("/api/v1/legal-bases/", {"title": "x", "level": "law"}, format="json").status_code == 403
    r = api(anna).post("/api/v1/legal-bases/", {"title": "中华人民共和国消防法", "level": "law", "article": "第五十三条"},
                       format="json")
    assert r.status_code == 400 and "article" in r.json()["detail"]
    assert api(anna).post("/api/v1/legal-bases/", {"title": "法" * 201, "level": "law"}, format="json").status_code == 400
    matter = PublishedMatterFactory(agency=agency_a, legal_bases=[LegalBasis.objects.get(pk=pk)])
    assert api(anna).patch(f"/api/v1/legal-bases/{pk}/", {"status": "repealed"}, format="json").status_code == 403
    r = api(rita).patch(f"/api/v1/legal-bases/{pk}/", {"status": "repealed", "reason": "测试"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "repealed"
    matter.refresh_from_db()
    assert matter.status == "needs_adjustment"
    assert [b["id"] for b in api(rita).get("/api/v1/legal-bases/?status=repealed").json()["results"]] == [pk]
    assert api(rita).get("/api/v1/legal-bases/?level=department_rule").json()["results"] == []
    assert len(api(rita).get("/api/v1/legal-bases/?q=消防").json()["results"]) == 1
    LegalBasisFactory.create_batch(10)
    client = api(rita)
    client.get("/api/v1/legal-bases/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/legal-bases/").status_code == 200
    assert len(ctx) <= 4


def test_industries_api_filters_and_query_count(api, alice):
    client = api(alice)
    client.get("/api/v1/industries/")
    with CaptureQueriesContext(connection) as ctx:
        r = client.get("/api/v1/industries/?page_size=200")
    assert r.status_code == 200 and len(ctx) <= 4
    sections = client.get("/api/v1/industries/?level=section&page_size=50").json()["results"]
    assert len(sections) == 20 and {s["code"] for s in sections} == set("ABCDEFGHIJKLMNOPQRST")
    keys = {i["code"]: i["key_label"] for i in client.get("/api/v1/industries/?is_key=true").json()["results"]}
    assert keys["62"] == "餐饮" and keys["5265"] == "加油站" and keys["47"] == "建筑施工"
    children = [i["code"] for i in client.get("/api/v1/industries/?parent=621").json()["results"]]
    assert children == ["6210"]
    assert client.get("/api/v1/industries/5265/").json()["name"] == "机动车燃油零售"


def test_joint_list_api_create_warn_publish(api, rita, anna, bert, agency_a, agency_b, platform_secret):
    from subjects.tests.factories import AgencyFactory

    AgencyFactory(code="XFJY"), AgencyFactory(code="STHJ")
    PublishedMatterFactory(agency=agency_a, code="JA"), PublishedMatterFactory(agency=agency_b, code="JB")
    MatterFactory(agency=agency_b, code="JDRAFT")
    r = api(anna).post("/api/v1/joint-matter-lists/", {"industry": "62", "lead_agency": "SCJG",
                                                       "member_agencies": ["YJGL"], "matters": ["JA", "JDRAFT"]},
                       format="json")
    assert r.status_code == 400 and "matters" in r.json()["detail"]
    r = api(anna).post("/api/v1/joint-matter-lists/", {"industry": "62", "lead_agency": "SCJG",
                                                       "member_agencies": ["YJGL", "XFJY", "STHJ"],
                                                       "matters": ["JA", "JB"]}, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["version"] == 1 and body["status"] == "draft" and len(body["warnings"]) == 1
    assert api(bert).post(f"/api/v1/joint-matter-lists/{body['id']}/publish/").status_code == 403
    r = api(anna).patch(f"/api/v1/joint-matter-lists/{body['id']}/", {"member_agencies": ["YJGL"]}, format="json")
    assert r.status_code == 200 and r.json()["warnings"] == []
    r = api(anna).post(f"/api/v1/joint-matter-lists/{body['id']}/publish/")
    assert r.status_code == 200 and r.json()["status"] == "published"
    r = api(rita).post(f"/api/v1/joint-matter-lists/{body['id']}/new-version/")
    assert r.status_code == 201 and r.json()["version"] == 2 and set(r.json()["matters"]) == {"JA", "JB"}
    # The platform reads published and superseded versions, never drafts.
    listed = api(secret=platform_secret).get("/api/v1/joint-matter-lists/").json()["results"]
    assert [j["version"] for j in listed] == [1]
    assert api(rita).get("/api/v1/joint-matter-lists/?status=draft").json()["results"][0]["version"] == 2
    client = api(rita)
    client.get("/api/v1/joint-matter-lists/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/joint-matter-lists/")
    JointMatterList.objects.filter(version=2).delete()
    for code in ("47", "5265", "521"):
        client.post("/api/v1/joint-matter-lists/", {"industry": code, "lead_agency": "SCJG",
                                                    "member_agencies": ["YJGL"], "matters": ["JA", "JB"]},
                    format="json")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/joint-matter-lists/").json()["results"]) == 4
    assert len(many) == len(few) <= 8
