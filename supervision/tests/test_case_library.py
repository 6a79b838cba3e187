"""监督案件 ↔ 案例指导: a reviewer links a supervision case to the typical cases that concern it (issue 7),
through the service, the API and the case page; the typical case's page lists its supervision cases."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guidance.models import TypicalCase
from guidance.tests.factories import TypicalCaseFactory
from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.exceptions import PermissionDeniedError
from jiujiang_inspect.models import AuditEntry
from subjects.tests.factories import AgencyFactory
from supervision import demo
from supervision.models import SupervisionCase
from supervision.services.cases import case_close, case_create, case_typical_cases_set

from .factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases_secret(db):
    from subjects.services import platform_client_create

    return platform_client_create(name="zhihuidu-cases", scopes=["read", "cases:write"])[1]


def test_linking_typical_cases_is_audited_allowed_after_closing_and_silent_when_unchanged(rita, anna, agency_a):
    """GIVEN a closed case WHEN rita links two typical cases THEN both are linked, the audit names the
    ids before and after; saving the same set again writes no audit entry; agency staff may not link."""
    t1, t2 = TypicalCaseFactory(), TypicalCaseFactory(status="draft")
    case = case_create(by=rita, source="audit", agency=agency_a, title="未亮码检查", problem="企业反映未出示检查码",
                       typical_cases=[t1])
    assert list(case.typical_cases.all()) == [t1]
    case_close(case=case, by=rita, outcome="已责令改正")
    before = case.updated_at
    case_typical_cases_set(case=case, by=rita, typical_cases=[t1, t2], reason="选为典型案例")
    case.refresh_from_db()
    assert set(case.typical_cases.all()) == {t1, t2} and case.updated_at > before
    entries = [e for e in audit_history(case) if e.action == "case.typical_cases_set"]
    assert len(entries) == 1 and entries[0].changes == {"typical_cases": [[t1.pk], sorted([t1.pk, t2.pk])]}
    case_typical_cases_set(case=case, by=rita, typical_cases=[t2, t1])
    assert len([e for e in audit_history(case) if e.action == "case.typical_cases_set"]) == 1
    with pytest.raises(PermissionDeniedError):
        case_typical_cases_set(case=case, by=anna, typical_cases=[])
    assert list(t1.supervision_cases.all()) == [case]


def test_case_api_writes_and_reads_typical_cases(api, rita, agency_a, cases_secret):
    t1, t2 = TypicalCaseFactory(), TypicalCaseFactory()
    r = api(rita).post("/api/v1/supervision-cases/", {"title": "多头重复检查", "problem": "一月内被检查5次",
                                                     "agency": "SCJG", "typical_cases": [t1.pk]}, format="json")
    assert r.status_code == 201 and r.json()["typical_cases"] == [t1.pk]
    pk = r.json()["id"]
    api(rita).patch(f"/api/v1/supervision-cases/{pk}/", {"status": "closed", "outcome": "已整改"}, format="json")
    r = api(secret=cases_secret).patch(f"/api/v1/supervision-cases/{pk}/", {"typical_cases": [t1.pk, t2.pk]},
                                       format="json")
    assert r.status_code == 200 and sorted(r.json()["typical_cases"]) == sorted([t1.pk, t2.pk])
    assert r.json()["status"] == "closed"
    bad = api(rita).patch(f"/api/v1/supervision-cases/{pk}/", {"typical_cases": [999999]}, format="json")
    assert bad.status_code == 400 and "typical_cases" in bad.json()["detail"]
    # Other fields of a closed case stay frozen.
    assert api(rita).patch(f"/api/v1/supervision-cases/{pk}/", {"title": "改名"}, format="json").status_code == 409
    actions = [e.action for e in audit_history(SupervisionCase.objects.get(pk=pk))]
    assert "case.typical_cases_set" in actions


def test_case_list_api_with_typical_cases_keeps_query_count(api, rita, agency_a):
    client = api(rita)
    client.get("/api/v1/supervision-cases/")
    typical = TypicalCaseFactory()

    def add(n):
        for case in CaseFactory.create_batch(n, agency=agency_a):
            case.typical_cases.add(typical)

    add(2)
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/supervision-cases/")
    add(12)
    with CaptureQueriesContext(connection) as large:
        r = client.get("/api/v1/supervision-cases/")
    assert len(small) == len(large) and all(c["typical_cases"] == [typical.pk] for c in r.json()["results"])


def test_case_page_links_typical_cases_and_typical_case_page_lists_the_case(client, rita, alice, agency_a):
    """GIVEN an open case and a published typical case WHEN rita links them on the case page THEN the
    case page links to the typical case and the typical case's page lists the case for reviewers only."""
    case = CaseFactory(agency=agency_a, title="检查未出示检查码督办")
    typical = TypicalCaseFactory(title="某局未亮码入企检查被约谈")
    client.force_login(rita)
    page = client.get(f"/supervision/cases/{case.pk}/").content.decode()
    assert "关联案例指导库" in page and typical.title in page  # offered in the form
    r = client.post(f"/supervision/cases/{case.pk}/", {"action": "typical_cases", "typical_cases": [typical.pk],
                                                      "reason": "选为典型案例"})
    assert r.status_code == 302 and list(case.typical_cases.all()) == [typical]
    page = client.get(f"/supervision/cases/{case.pk}/").content.decode()
    assert f'href="/guidance/cases/{typical.pk}/"' in page and "监督案件 选定典型案例" in page  # the history reads as Chinese
    guidance_page = client.get(f"/guidance/cases/{typical.pk}/").content.decode()
    assert 'data-testid="supervision-cases"' in guidance_page and case.title in guidance_page
    assert f"/supervision/cases/{case.pk}/" in guidance_page
    client.force_login(alice)
    assert case.title not in client.get(f"/guidance/cases/{typical.pk}/").content.decode()


def test_new_case_form_accepts_typical_cases(client, rita, agency_a):
    typical = TypicalCaseFactory()
    client.force_login(rita)
    r = client.post("/supervision/cases/new/", {"source": "contact_point", "agency": agency_a.pk, "title": "重复检查",
                                                "problem": "同一事项重复检查", "typical_cases": [typical.pk]})
    assert r.status_code == 302
    assert list(SupervisionCase.objects.get(title="重复检查").typical_cases.all()) == [typical]


def test_demo_links_its_cases_to_the_library_once(rita):
    AgencyFactory(code="CGJ", name="鸠江区城市管理局")
    AgencyFactory(code="ZJJ", name="鸠江区住房和城乡建设局")
    for titles in demo.TYPICAL.values():
        TypicalCaseFactory(title=titles[0])
    demo.seed()
    linked = {c.external_id[-2:]: [t.title for t in c.typical_cases.all()] for c in SupervisionCase.objects.filter(
        external_id__startswith="DEMO-CASE-")}
    assert linked == {"01": demo.TYPICAL["DEMO-CASE-{y}-01"], "02": demo.TYPICAL["DEMO-CASE-{y}-02"]}
    assert TypicalCase.objects.get(title=demo.TYPICAL["DEMO-CASE-{y}-02"][0]).supervision_cases.count() == 1
    demo.seed()
    assert AuditEntry.objects.filter(action="case.typical_cases_set").count() == 2
