"""Guidance lists (UI.md list convention): filter bar with 全部, Excel export of exactly the rows the user sees."""
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from guidance.models import TrainingSession, TypicalCase
from guidance.tests.factories import TrainingSessionFactory, TypicalCaseFactory

pytestmark = pytest.mark.django_db


def _rows(res):
    assert res.status_code == 200
    assert res["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(res.content)).active.iter_rows(values_only=True))


def test_training_export_is_scoped_and_follows_the_filters(client, alice, agency_a, agency_b):
    """GIVEN a session of A, one of B open to all, and one of B invited only for B
    WHEN an inspector of A exports THEN the B-only session is absent, and a status filter narrows it."""
    TrainingSessionFactory(title="甲局检查码培训", organiser=agency_a)
    TrainingSessionFactory(title="全区执法培训", organiser=agency_b, status=TrainingSession.Status.DONE)
    TrainingSessionFactory(title="乙局内部培训", organiser=agency_b).invited_agencies.add(agency_b)
    url = reverse("guidance:training_list")
    client.force_login(alice)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:3] == ("培训日期", "培训名称", "主办单位")
    assert {r[1] for r in rows[1:]} == {"甲局检查码培训", "全区执法培训"}
    rows = _rows(client.get(url, {"export": "xlsx", "status": "done"}))
    assert [r[1] for r in rows[1:]] == ["全区执法培训"]
    page = client.get(url, {"q": "甲局"}).content.decode()
    assert "甲局检查码培训" in page and "全区执法培训" not in page and "导出 Excel" in page
    assert "---------" not in page


def test_case_export_is_scoped_and_follows_the_filters(client, alice, rita):
    """GIVEN a published violation case, a published good-practice case and a draft
    WHEN an inspector exports THEN the draft is absent (reviewers see it), and a kind filter narrows it."""
    TypicalCaseFactory(title="未亮码入企", kind=TypicalCase.Kind.VIOLATION)
    TypicalCaseFactory(title="联合检查减负", kind=TypicalCase.Kind.GOOD_PRACTICE)
    TypicalCaseFactory(title="草稿案例", status=TypicalCase.Status.DRAFT)
    url = reverse("guidance:case_list")
    client.force_login(alice)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:3] == ("案例标题", "类型", "类别")
    assert {r[0] for r in rows[1:]} == {"未亮码入企", "联合检查减负"}
    rows = _rows(client.get(url, {"export": "xlsx", "kind": "violation", "q": "亮码"}))
    assert [r[0] for r in rows[1:]] == ["未亮码入企"]
    page = client.get(url, {"kind": "good_practice"}).content.decode()
    assert "联合检查减负" in page and "未亮码入企" not in page and "导出 Excel" in page and "---------" not in page
    client.force_login(rita)
    assert "草稿案例" in {r[0] for r in _rows(client.get(url, {"export": "xlsx"}))[1:]}
