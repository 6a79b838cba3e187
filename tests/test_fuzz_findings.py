"""The server errors schemathesis found (issue 10 part 2), each as the answer a client now gets: a 400
naming the field, a 403, or a 404 in the API's error shape, never a 500."""
import pytest

from guidance.tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_inspector_with_is_active_for_another_agency_is_403(api, bert, agency_a):
    res = api(bert).post("/api/v1/inspectors/", {"name": "张三", "agency": agency_a.code, "is_active": False,
                                                  "is_helper": True}, format="json")
    assert res.status_code == 403 and res.json()["code"] == "permission_denied"


def test_inspector_and_agency_created_inactive_when_asked(api, anna, rita, agency_a):
    res = api(anna).post("/api/v1/inspectors/", {"name": "张三", "agency": agency_a.code, "is_active": False,
                                                 "is_helper": True}, format="json")
    assert res.status_code == 201 and res.json()["is_active"] is False
    res = api(rita).post("/api/v1/agencies/", {"code": "ZZZ", "name": "测试局", "is_active": False}, format="json")
    assert res.status_code == 201 and res.json()["is_active"] is False


def test_user_without_role_is_a_400_on_role(api, rita):
    res = api(rita).post("/api/v1/users/", {"username": "newbie", "password": "Str0ng-Passw0rd!"}, format="json")
    assert res.status_code == 400 and "role" in res.json()["detail"]


def test_question_without_options_and_answer_is_a_400_naming_them(api, rita):
    res = api(rita).post("/api/v1/questions/", {"code": "Q-1", "kind": "single", "stem": "题干", "basis": "举措10",
                                                "explanation": "解析"}, format="json")
    assert res.status_code == 400 and "options" in res.json()["detail"]


def test_patch_test_with_incomplete_pool_items_is_a_400(api, rita):
    QuestionFactory(tags=["检查码"])
    created = api(rita).post("/api/v1/tests/", {"title": "检查码测试", "mode": "random", "pass_mark": 80,
                                                "time_limit_minutes": 20,
                                                "pools": [{"tag": "检查码", "count": 1}]}, format="json")
    assert created.status_code == 201, created.json()
    for items in ([{"tag": "检查码"}], [{"count": 2}], [{}]):
        res = api(rita).patch(f"/api/v1/tests/{created.json()['id']}/", {"pools": items}, format="json")
        assert res.status_code == 400, (items, res.content)
        assert "pools" in res.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/inspections/abc/", "/api/v1/tests/0.5/close/", "/api/v1/nothing-here/"])
def test_an_api_url_that_names_nothing_is_a_json_404(api, rita, path):
    res = api(rita).get(path)
    assert res.status_code == 404
    body = res.json()
    assert body["code"] == "not_found" and body["message"] and body["detail"] == {}
