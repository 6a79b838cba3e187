"""API: status codes, the error contract, who may see what, and pinned query counts on lists."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guidance.models import TestAttempt
from guidance.tests.factories import (
    EnterpriseFactory,
    MatterFactory,
    OnlineTestFactory,
    QuestionFactory,
    TrainingSessionFactory,
    TypicalCaseFactory,
    code_for,
    evaluation_for,
    inspection_with,
    result_for,
)

pytestmark = pytest.mark.django_db


def test_trainings_create_scope_and_sign_in(api, anna, alice, bob, rita, agency_a):
    r = api(anna).post("/api/v1/trainings/", {"title": "检查码操作培训", "date": str(timezone.localdate()),
                                               "organiser": "SCJG", "invited_agencies": ["SCJG"],
                                               "is_checkcode": True}, format="json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert api(anna).post("/api/v1/trainings/", {"title": "越权", "date": "2025-04-01", "organiser": "YJGL"},
                          format="json").status_code == 403
    assert api(bob).get(f"/api/v1/trainings/{pk}/").status_code == 404
    assert api(alice).post(f"/api/v1/trainings/{pk}/sign-in/").status_code == 201
    r = api(rita).get("/api/v1/trainings/coverage/")
    assert r.status_code == 200 and {row["agency"] for row in r.json()} >= {"SCJG", "YJGL"}
    assert api(alice).get("/api/v1/trainings/coverage/").status_code == 403
    assert api(rita).get("/api/v1/trainings/").json()["results"][0]["attendance_count"] == 1


def test_sign_in_on_the_wrong_day_is_a_409_with_its_code(api, alice, agency_a):
    session = TrainingSessionFactory(organiser=agency_a, date=timezone.localdate() - timedelta(days=1))
    r = api(alice).post(f"/api/v1/trainings/{session.pk}/sign-in/")
    assert r.status_code == 409 and r.json()["code"] == "training_sign_in_closed"


def test_take_a_test_over_the_api_without_seeing_the_answers_first(api, alice, bob):
    q = QuestionFactory()
    test = OnlineTestFactory(questions=[q], is_checkcode_test=True)
    listing = api(alice).get("/api/v1/tests/").json()["results"][0]
    assert "questions" not in listing
    r = api(alice).post(f"/api/v1/tests/{test.pk}/start/")
    assert r.status_code == 201
    body = r.json()
    assert body["questions"][0]["stem"] == q.stem and "answer" not in body["questions"][0] and body["review"] is None
    attempt = body["id"]
    assert api(bob).get(f"/api/v1/test-attempts/{attempt}/").status_code == 404
    assert api(bob).post(f"/api/v1/test-attempts/{attempt}/submit/", {"answers": {}}, format="json").status_code == 404
    r = api(alice).post(f"/api/v1/test-attempts/{attempt}/submit/", {"answers": {str(q.pk): [1]}}, format="json")
    assert r.status_code == 200 and r.json()["passed"] is True and r.json()["review"][0]["correct"] is True
    again = api(alice).post(f"/api/v1/test-attempts/{attempt}/submit/", {"answers": {}}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    results = api(alice).get(f"/api/v1/tests/{test.pk}/results/").json()
    assert results["by_agency"][0]["passed"] == 1 and results["by_inspector"][0]["passed"] is True


def test_attempts_are_scoped_inspector_own_admin_agency_reviewer_all(api, alice, bob, anna, rita):
    q = QuestionFactory()
    test = OnlineTestFactory(questions=[q])
    for user in (alice, bob):
        api(user).post(f"/api/v1/tests/{test.pk}/start/")
    def names(user):
        return {a["inspector_name"] for a in api(user).get("/api/v1/test-attempts/").json()["results"]}
    assert names(alice) == {"王丽"} and names(bob) == {"赵博"} and names(anna) == {"王丽"}
    assert names(rita) == {"王丽", "赵博"}


def test_question_bank_is_for_reviewers_and_validates(api, rita, anna):
    assert api(anna).get("/api/v1/questions/").status_code == 403
    r = api(rita).post("/api/v1/questions/", {"code": "API-1", "kind": "single", "stem": "题", "options": ["a", "b"],
                                               "answer": [5], "basis": "举措10", "explanation": "解析"}, format="json")
    assert r.status_code == 400 and "answer" in r.json()["detail"]
    r = api(rita).post("/api/v1/questions/", {"code": "API-1", "kind": "single", "stem": "题", "options": ["a", "b"],
                                               "answer": [1], "basis": "举措10", "explanation": "解析",
                                               "tags": ["检查码"]}, format="json")
    assert r.status_code == 201 and r.json()["tags"] == ["检查码"]
    r = api(rita).patch(f"/api/v1/questions/{r.json()['id']}/", {"is_active": False}, format="json")
    assert r.status_code == 200 and r.json()["is_active"] is False


def test_random_test_lifecycle_and_pool_error(api, rita):
    QuestionFactory(tags=["检查码"])
    r = api(rita).post("/api/v1/tests/", {"title": "检查码测试", "mode": "random", "pass_mark": 80,
                                           "time_limit_minutes": 20, "is_checkcode_test": True,
                                           "pools": [{"tag": "检查码", "count": 3}]}, format="json")
    assert r.status_code == 201, r.json()
    r = api(rita).post(f"/api/v1/tests/{r.json()['id']}/publish/")
    assert r.status_code == 409 and r.json()["code"] == "question_pool_too_small" and r.json()["detail"]["pools"]


def test_cases_library_search_relevant_and_drafts_hidden(api, alice, rita, agency_a):
    m = MatterFactory(agency=agency_a)
    TypicalCaseFactory(title="未亮码检查案", matters=[m])
    TypicalCaseFactory(title="草稿案", status="draft")
    TypicalCaseFactory(title="吃拿卡要案", facts="索要", rule="负面清单", handling="移送", lesson="廉洁")
    titles = {c["title"] for c in api(alice).get("/api/v1/cases-library/").json()["results"]}
    assert titles == {"未亮码检查案", "吃拿卡要案"}
    assert [c["title"] for c in api(alice).get("/api/v1/cases-library/?q=亮码").json()["results"]] == ["未亮码检查案"]
    assert [c["title"] for c in api(alice).get("/api/v1/cases-library/?relevant=1").json()["results"]] == ["未亮码检查案"]
    assert len(api(rita).get("/api/v1/cases-library/").json()["results"]) == 3
    r = api(alice).post("/api/v1/cases-library/", {"title": "x"}, format="json")
    assert r.status_code == 403
    r = api(rita).post("/api/v1/cases-library/", {
        "title": "重复检查案", "kind": "violation", "category": "over_inspection", "facts": "一月五次", "rule": "频次",
        "handling": "约谈", "lesson": "统筹", "matters": [m.code]}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "draft" and r.json()["matters"] == [m.code]
    assert api(rita).post(f"/api/v1/cases-library/{r.json()['id']}/publish/").json()["status"] == "published"


def test_recognition_over_the_api_shares_results_without_evaluations(api, rita, alice, bob, bert, agency_a, agency_b):
    m_a, m_b = MatterFactory(agency=agency_a), MatterFactory(agency=agency_b)
    enterprise = EnterpriseFactory()
    done = inspection_with(enterprise=enterprise, parts=[(agency_b, [m_b])], status="code_issued")
    result = result_for(done, by=bob, findings="消防通道畅通")
    evaluation_for(code_for(done, by=bob), rating=2)
    draft = inspection_with(enterprise=enterprise, parts=[(agency_a, [m_a])])
    r = api(rita).post("/api/v1/matter-equivalences/", {"matter_a": m_a.code, "matter_b": m_b.code}, format="json")
    assert r.status_code == 201
    assert api(alice).post("/api/v1/matter-equivalences/", {"matter_a": m_a.code, "matter_b": m_b.code},
                           format="json").status_code == 403
    r = api(alice).get(f"/api/v1/recognitions/candidates/?inspection={draft.pk}")
    assert r.status_code == 200
    [c] = r.json()
    assert c["findings"] == "消防通道畅通" and c["covers_all_matters"] and "rating" not in str(c)
    assert api(bert).get(f"/api/v1/recognitions/candidates/?inspection={draft.pk}").status_code == 404
    r = api(alice).post("/api/v1/recognitions/", {"inspection": draft.pk, "result": result.pk, "reason": "同一事项"},
                        format="json")
    assert r.status_code == 201 and r.json()["agency"] == "SCJG"
    again = api(alice).post("/api/v1/recognitions/", {"inspection": draft.pk, "result": result.pk, "reason": "再次"},
                            format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    assert api(bert).get("/api/v1/recognitions/").json()["results"] == []
    assert len(api(rita).get("/api/v1/recognitions/").json()["results"]) == 1


def test_policy_read_by_staff_changed_by_reviewers(api, alice, rita):
    assert api(alice).get("/api/v1/guidance-policy/").json()["recognition_window_days"] == 180
    assert api(alice).patch("/api/v1/guidance-policy/", {"recognition_window_days": 90}, format="json").status_code == 403
    r = api(rita).patch("/api/v1/guidance-policy/", {"recognition_window_days": 90, "reason": "试行"}, format="json")
    assert r.status_code == 200 and r.json()["recognition_window_days"] == 90


def test_anonymous_and_platform_are_refused(api, platform_secret):
    assert api().get("/api/v1/trainings/").status_code == 401
    assert api(secret=platform_secret).get("/api/v1/tests/").status_code == 403


@pytest.mark.parametrize("url,make", [
    ("/api/v1/trainings/", lambda: TrainingSessionFactory()),
    ("/api/v1/cases-library/", lambda: TypicalCaseFactory(matters=[MatterFactory()])),
    ("/api/v1/questions/", lambda: QuestionFactory(tags=["检查码", "两人执法"])),
    ("/api/v1/tests/", lambda: OnlineTestFactory(questions=[QuestionFactory()])),
])
def test_list_endpoints_query_count_does_not_grow(api, rita, url, make):
    client = api(rita)
    for _ in range(2):
        make()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(10):
        make()
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).json()["results"]) == 12
    assert len(many) == len(few) <= 8


def test_attempt_list_query_count_does_not_grow(api, rita, alice):
    test = OnlineTestFactory(questions=[QuestionFactory()])
    def fill(n):
        for _ in range(n):
            TestAttempt.objects.create(test=test, inspector=alice.inspector, user=alice, paper=[],
                                       deadline_at=timezone.now(), status="submitted", score=0)
    client = api(rita)
    fill(2)
    client.get("/api/v1/test-attempts/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/test-attempts/")
    fill(10)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/test-attempts/")
    assert len(many) == len(few) <= 5
