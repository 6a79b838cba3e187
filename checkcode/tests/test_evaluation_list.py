"""Reviewer page of individual 企业评议: reviewers only (anonymous to the inspecting agency), filters,
Excel export, pinned query count."""
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from checkcode.services import checkcode_issue, evaluation_submit, result_record
from plans.tests.factories import NegativeItemFactory

from .factories import approved_inspection

pytestmark = pytest.mark.django_db
URL = "/checkcode/evaluations/"


def _evaluated(user, agency, rating, negative=(), comment="", **kw):
    insp = approved_inspection(agency=agency, **kw)
    code = checkcode_issue(inspection=insp, issued_by=user)
    result_record(inspection=insp, by=user, outcome="no_issue")
    return evaluation_submit(code=code, uscc=insp.enterprise.uscc, rating=rating, code_shown=True,
                             notified_in_advance=True, negative_items=list(negative), comment=comment)


def test_only_reviewers_see_individual_evaluations(client, alice, anna, bob, rita, agency_a):
    _evaluated(alice, agency_a, 5, comment="服务很好")
    assert reverse("checkcode:evaluation_list") == URL
    for who in (alice, anna, bob):
        client.force_login(who)
        assert client.get(URL).status_code == 403
        assert client.get(URL, {"export": "xlsx"}).status_code == 403
    client.logout()
    res = client.get(URL)
    assert res.status_code == 302 and "/accounts/login/" in res.url
    client.force_login(rita)
    assert "服务很好" in client.get(URL).content.decode()


def test_filters_by_rating_and_negative_items(client, alice, rita, agency_a, agency_b):
    rude = NegativeItemFactory(title="态度粗暴")
    low = _evaluated(alice, agency_a, 1, negative=[rude], comment="检查人员态度粗暴")
    _evaluated(alice, agency_a, 5, comment="非常规范")
    _evaluated(alice, agency_a, 3, comment="一般般")
    client.force_login(rita)

    def comments(**params):
        return {c for c in ("检查人员态度粗暴", "非常规范", "一般般") if c in client.get(URL, params).content.decode()}

    assert comments() == {"检查人员态度粗暴", "非常规范", "一般般"}
    assert comments(rating="5") == {"非常规范"}
    assert comments(rating_max="3") == {"检查人员态度粗暴", "一般般"}
    assert comments(has_negative="true") == {"检查人员态度粗暴"}
    assert comments(has_negative="false") == {"非常规范", "一般般"}
    assert comments(negative_item=str(rude.pk)) == {"检查人员态度粗暴"}
    assert comments(agency="YJGL") == set()
    assert low.check_code.code in client.get(URL, {"rating": "1"}).content.decode()


def test_excel_export_lists_each_evaluation(client, alice, rita, agency_a):
    _evaluated(alice, agency_a, 2, negative=[NegativeItemFactory(title="未出示检查码")], comment="=cmd()")
    _evaluated(alice, agency_a, 4)
    client.force_login(rita)
    res = client.get(URL, {"export": "xlsx", "rating": "2"})
    assert res.status_code == 200
    ws = load_workbook(BytesIO(res.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "评议时间", "检查码") and len(rows) == 2
    assert rows[1][6] == 2 and rows[1][9] == "未出示检查码"
    assert not str(rows[1][10]).startswith("=")  # formula-like text is escaped


def test_list_query_count_does_not_grow(client, alice, rita, agency_a, agency_b):
    client.force_login(rita)
    _evaluated(alice, agency_a, 4, negative=[NegativeItemFactory()])
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(4):
        _evaluated(alice, agency_a, 1 + n, negative=[NegativeItemFactory()], extra_agencies=[agency_b])
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)
