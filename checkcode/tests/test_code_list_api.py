"""GET /api/v1/codes/: staff list of 检查码 (scoping, filters, updated_since, cursor pages, query count)."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checkcode.models import CheckCode
from checkcode.services import checkcode_issue, checkcode_issue_late, checkcode_revoke

from .factories import approved_inspection

pytestmark = pytest.mark.django_db


def _code(user, agency, **kw):
    return checkcode_issue(inspection=approved_inspection(agency=agency, **kw), issued_by=user)


def test_agency_sees_its_own_codes_reviewer_and_platform_all(api, alice, bob, rita, agency_a, agency_b,
                                                              platform_secret):
    mine = _code(alice, agency_a)
    theirs = _code(bob, agency_b)
    assert [r["code"] for r in api(alice).get("/api/v1/codes/").json()["results"]] == [mine.code]
    assert [r["code"] for r in api(bob).get("/api/v1/codes/").json()["results"]] == [theirs.code]
    assert {r["code"] for r in api(rita).get("/api/v1/codes/").json()["results"]} == {mine.code, theirs.code}
    platform = api(secret=platform_secret)
    assert len(platform.get("/api/v1/codes/").json()["results"]) == 2
    assert platform.post("/api/v1/codes/", {}, format="json").status_code == 403
    assert api().get("/api/v1/codes/").status_code == 401
    row = api(alice).get("/api/v1/codes/").json()["results"][0]
    assert row["enterprise"] == mine.inspection.enterprise.uscc and row["verify_url"].endswith(f"/c/{mine.code}/")


def test_joint_inspection_code_is_seen_by_each_participant(api, alice, bob, agency_a, agency_b):
    code = _code(alice, agency_a, extra_agencies=[agency_b])
    assert [r["code"] for r in api(bob).get("/api/v1/codes/").json()["results"]] == [code.code]
    assert [r["code"] for r in api(bob).get("/api/v1/codes/", {"agency": "SCJG"}).json()["results"]] == [code.code]


def test_filters_status_is_late_agency_and_updated_since(api, alice, bob, rita, agency_a, agency_b):
    live = _code(alice, agency_a)
    revoked = _code(alice, agency_a)
    checkcode_revoke(code=revoked, by=alice, reason="改期")
    late = checkcode_issue_late(inspection=approved_inspection(agency=agency_a, day=timezone.localdate()),
                                issued_by=alice, reason="夜间突发事故")
    other = _code(bob, agency_b)
    client = api(rita)

    def codes(**params):
        res = client.get("/api/v1/codes/", params)
        assert res.status_code == 200, res.json()
        return {r["code"] for r in res.json()["results"]}

    assert codes(status="revoked") == {revoked.code}
    assert codes(is_late="true") == {late.code}
    assert codes(is_late="false") == {live.code, revoked.code, other.code}
    assert codes(agency="YJGL") == {other.code}
    CheckCode.objects.filter(pk=live.pk).update(updated_at=timezone.now() + timedelta(hours=1))
    since = (timezone.now() + timedelta(minutes=30)).isoformat()
    assert codes(updated_since=since) == {live.code}
    bad = client.get("/api/v1/codes/", {"updated_since": "yesterday"})
    assert bad.status_code == 400 and "updated_since" in bad.json()["detail"]
    assert client.get("/api/v1/codes/", {"status": "nonsense"}).status_code == 400


def test_cursor_pages_without_gaps_or_duplicates(api, rita, alice, agency_a):
    made = {_code(alice, agency_a).code for _ in range(5)}
    seen, url = [], "/api/v1/codes/?page_size=2"
    while url:
        body = api(rita).get(url).json()
        seen += [r["code"] for r in body["results"]]
        url = body["next"]
    assert len(seen) == 5 and set(seen) == made


def test_list_query_count_does_not_grow_with_rows(api, alice, agency_a):
    client = api(alice)
    _code(alice, agency_a)
    client.get("/api/v1/codes/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/codes/")
    for _ in range(6):
        _code(alice, agency_a)
    with CaptureQueriesContext(connection) as many:
        res = client.get("/api/v1/codes/")
    assert len(res.json()["results"]) == 7
    assert len(many) == len(few)


def test_public_check_code_path_is_not_shadowed(api, alice, agency_a):
    code = _code(alice, agency_a, day=timezone.localdate())
    assert api().get(f"/api/v1/check-codes/{code.code}/").json()["verdict"] == "valid"
