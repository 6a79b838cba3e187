"""Agency and matter codes as typed (issue 12 "Identifiers", docs/api.md): any case, full-width forms and
invisible characters, in paths, bodies, filters and Excel imports (found in a fresh-user trial: `scjg`
answered 404, an empty list, or "单位代码不存在")."""
import pytest

pytestmark = pytest.mark.django_db


TYPED_SCJG = "ｓｃｊｇ\u200b"


def test_an_agency_code_as_typed_is_found_in_paths_bodies_and_filters(api, rita, anna, agency_a):
    from subjects.tests.factories import InspectorFactory

    client = api(rita)
    assert client.get("/api/v1/agencies/scjg/").json()["code"] == "SCJG"
    assert client.get(f"/api/v1/agencies/{TYPED_SCJG}/").status_code == 200
    InspectorFactory(agency=agency_a, name="周明")
    names = [row["name"] for row in client.get("/api/v1/inspectors/", {"agency": "scjg"}).json()["results"]]
    assert "周明" in names
    res = api(anna).post("/api/v1/inspectors/", {"name": "辅助甲", "agency": TYPED_SCJG, "is_helper": True},
                         format="json")
    assert res.status_code == 201, res.content
    res = api(anna).post("/api/v1/inspectors/", {"name": "辅助乙", "agency": "nope", "is_helper": True}, format="json")
    assert res.status_code == 400 and "代码“NOPE”不存在" in str(res.json()["detail"]["agency"]).upper()


def test_a_second_agency_differing_only_in_case_is_refused(rita, agency_a):
    from jiujiang_inspect.exceptions import ValidationFailed
    from subjects.services import agency_create

    with pytest.raises(ValidationFailed) as exc:
        agency_create(by=rita, code="scjg", name="另一个市场监管局")
    assert "code" in exc.value.detail


def test_a_matter_code_as_typed_is_found(api, rita, agency_a):
    from plans.tests.factories import MatterFactory

    MatterFactory(code="SCJG-SP-01", agency=agency_a)
    assert api(rita).get("/api/v1/matters/scjg-sp-01/").json()["code"] == "SCJG-SP-01"


def test_an_excel_import_reads_the_agency_code_as_typed(anna, agency_a):
    from subjects.imports import inspectors_import
    from subjects.models import Inspector
    from subjects.tests.test_imports import row, xlsx

    inspectors_import(fileobj=xlsx([row(1, agency="scjg")]), by=anna)
    assert Inspector.objects.filter(agency=agency_a).count() == 1
