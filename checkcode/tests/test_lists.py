"""Staff lists of 检查码 and 整改复查 (docs/ui.md list convention): filter bar, Excel export of exactly what
the user may see, query counts that do not grow with rows."""
from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from checkcode.models import CheckCode, Rectification
from checkcode.services import checkcode_issue, checkcode_revoke, result_record

from .factories import approved_inspection

pytestmark = pytest.mark.django_db


def _rows(res):
    assert res.status_code == 200
    assert res["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(res.content)).active.iter_rows(values_only=True))


def _rectification(user, agency, *, days=10, name=None):
    insp = approved_inspection(agency=agency)
    if name:
        insp.enterprise.name = name
        insp.enterprise.save(update_fields=["name"])
    checkcode_issue(inspection=insp, issued_by=user)
    result_record(inspection=insp, by=user, outcome="rectification", findings="问题",
                  rectification={"items": [{"item": "更换灭火器"}], "deadline": insp.date + timedelta(days=days)})
    return Rectification.objects.get(result__inspection=insp)


def test_code_export_holds_only_the_agencys_codes(client, alice, bob, rita, agency_a, agency_b):
    """GIVEN codes of agency A and agency B WHEN alice exports THEN only A's codes are in the file;
    the reviewer's export holds both."""
    mine = checkcode_issue(inspection=approved_inspection(agency=agency_a), issued_by=alice)
    theirs = checkcode_issue(inspection=approved_inspection(agency=agency_b), issued_by=bob)
    url = reverse("checkcode:code_list")
    client.force_login(alice)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][0] == "检查码"
    assert [r[0] for r in rows[1:]] == [mine.code]
    client.force_login(rita)
    assert {r[0] for r in _rows(client.get(url, {"export": "xlsx"}))[1:]} == {mine.code, theirs.code}


def test_code_filters_narrow_the_page_and_the_export(client, alice, agency_a):
    live = checkcode_issue(inspection=approved_inspection(agency=agency_a), issued_by=alice)
    gone = checkcode_issue(inspection=approved_inspection(agency=agency_a), issued_by=alice)
    checkcode_revoke(code=gone, by=alice, reason="改期")
    url = reverse("checkcode:code_list")
    client.force_login(alice)
    page = client.get(url, {"status": CheckCode.Status.REVOKED}).content.decode()
    assert gone.code in page and live.code not in page
    assert 'value="" selected>全部' in client.get(url).content.decode()  # no "---------" in the dropdown
    assert [r[0] for r in _rows(client.get(url, {"status": "revoked", "export": "xlsx"}))[1:]] == [gone.code]
    page = client.get(url, {"q": live.inspection.enterprise.name}).content.decode()
    assert live.code in page and gone.code not in page
    assert "导出 Excel" in page


def test_rectification_list_filters_and_exports_in_scope(client, alice, bob, agency_a, agency_b):
    """GIVEN open rectifications of A (one overdue) and of B WHEN alice filters and exports
    THEN she sees only A's, the overdue filter keeps only the late one, and the file matches."""
    soon = _rectification(alice, agency_a, days=10, name="鸠江甲公司")
    late = _rectification(alice, agency_a, days=10, name="鸠江乙公司")
    Rectification.objects.filter(pk=late.pk).update(deadline=late.deadline - timedelta(days=60))
    _rectification(bob, agency_b, name="外单位丙公司")
    url = reverse("checkcode:rectification_list")
    client.force_login(alice)
    page = client.get(url).content.decode()
    assert "鸠江甲公司" in page and "鸠江乙公司" in page and "外单位丙公司" not in page
    page = client.get(url, {"overdue": "true"}).content.decode()
    assert "鸠江乙公司" in page and "鸠江甲公司" not in page
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:2] == ("企业", "统一社会信用代码")
    assert {r[0] for r in rows[1:]} == {"鸠江甲公司", "鸠江乙公司"}
    assert rows[1][4] == "更换灭火器"
    assert soon.status == "open"


def test_rectification_status_link_from_the_home_page_filters(client, alice, agency_a):
    rect = _rectification(alice, agency_a, name="已反馈公司")
    Rectification.objects.filter(pk=rect.pk).update(status="responded")
    _rectification(alice, agency_a, name="整改中公司")
    client.force_login(alice)
    page = client.get(reverse("checkcode:rectification_list"), {"status": "responded"}).content.decode()
    assert "已反馈公司" in page and "整改中公司" not in page
    page = client.get(reverse("checkcode:rectification_list"), {"status": "closed"}).content.decode()
    assert "没有符合条件的整改" in page


def test_rectification_list_queries_do_not_grow(client, alice, agency_a):
    client.force_login(alice)
    url = reverse("checkcode:rectification_list")
    _rectification(alice, agency_a)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        _rectification(alice, agency_a)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
