"""Guidance lists (UI.md list convention): filter bar with 全部, Excel export of exactly the rows the user sees."""
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from guidance.models import TrainingSession
from guidance.tests.factories import TrainingSessionFactory

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
