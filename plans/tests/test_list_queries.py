"""Pinned query counts of the inspection lists (issue 13): the same number of queries for 1 or 8 rows,
for a reviewer, for agency staff (their agency's inspections through EXISTS, no DISTINCT) and with the
agency filter; each row listed once."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import make_inspection

pytestmark = pytest.mark.django_db

# The bearer token (with its user), the page as values (enterprise and initiating agency joined; the
# cursor's look-ahead row in the same query), then ONE query (UNION ALL) for the participations with
# their agencies, inspectors and matters, and the live check codes (plans.selectors.inspections).
LIST_QUERIES = 3


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        res = client.get(url)
    assert res.status_code == 200, res.content
    return len(ctx), res.json()["results"]


@pytest.mark.parametrize("who,url", [
    ("rita", "/api/v1/inspections/"),
    ("rita", "/api/v1/inspections/?agency=YJGL"),
    ("bob", "/api/v1/inspections/"),
    ("bob", "/api/v1/inspections/?agency=SCJG&status=approved"),
])
def test_inspection_list_queries_are_pinned(request, api, who, url, agency_a, agency_b):
    client = api(request.getfixturevalue(who))
    make_inspection(agency=agency_a, extra_agencies=[agency_b], status="approved")
    client.get(url)
    few, rows = _count(client, url)
    for _ in range(7):
        make_inspection(agency=agency_a, extra_agencies=[agency_b], status="approved")
    many, rows = _count(client, url)
    assert len(rows) == 8 and len({r["id"] for r in rows}) == 8
    assert few == many == LIST_QUERIES


def test_agency_filter_keeps_one_row_per_joint_inspection_and_drops_others(api, rita, agency_a, agency_b):
    joint = make_inspection(agency=agency_a, extra_agencies=[agency_b])
    make_inspection(agency=agency_a)
    rows = api(rita).get("/api/v1/inspections/?agency=YJGL").json()["results"]
    assert [r["id"] for r in rows] == [joint.pk]
