"""执法主体 list (docs/ui.md list convention): filter bar with 全部, Excel export of exactly the filtered rows."""
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _rows(res):
    assert res.status_code == 200
    assert res["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(res.content)).active.iter_rows(values_only=True))


def test_agency_export_follows_the_filters(client, alice, agency_a, agency_b):
    AgencyFactory(code="OLD01", name="鸠江区已撤并局", is_active=False)
    url = reverse("subjects:agency_list")
    client.force_login(alice)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:2] == ("单位代码", "单位名称")
    assert {r[0] for r in rows[1:]} == {agency_a.code, agency_b.code, "OLD01"}
    rows = _rows(client.get(url, {"export": "xlsx", "is_active": "false"}))
    assert [(r[0], r[8]) for r in rows[1:]] == [("OLD01", "停用")]
    page = client.get(url, {"q": agency_b.code}).content.decode()
    assert agency_b.name in page and agency_a.name not in page and "导出 Excel" in page
    assert "---------" not in page
