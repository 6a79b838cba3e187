"""监督案件 and 阻断 lists (UI.md list convention): reviewer-only, filter bar with 全部, Excel export of
exactly the filtered rows."""
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .factories import BlockFactory, CaseFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def _rows(res):
    assert res.status_code == 200
    assert res["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(res.content)).active.iter_rows(values_only=True))


def test_case_export_follows_the_filters_and_is_reviewer_only(client, anna, rita, agency_a, agency_b):
    CaseFactory(title="甲局未亮码", agency=agency_a)
    CaseFactory(title="乙局多头检查", agency=agency_b, source="evaluation")
    CaseFactory(title="甲局已办结", agency=agency_a, status="closed")
    url = reverse("supervision:case_list")
    client.force_login(anna)
    assert client.get(url, {"export": "xlsx"}).status_code == 403
    client.force_login(rita)
    rows = _rows(client.get(url, {"export": "xlsx"}))  # the page's default: open cases
    assert rows[0][:3] == ("编号", "案件名称", "被监督单位")
    assert {r[1] for r in rows[1:]} == {"甲局未亮码", "乙局多头检查"}
    rows = _rows(client.get(url, {"export": "xlsx", "status": "", "agency": agency_a.code}))
    assert {r[1] for r in rows[1:]} == {"甲局未亮码", "甲局已办结"}
    page = client.get(url, {"source": "evaluation"}).content.decode()
    assert "乙局多头检查" in page and "甲局未亮码" not in page and "导出 Excel" in page
    assert "---------" not in page


def test_block_export_follows_the_filters(client, rita, agency_a):
    BlockFactory(enterprise=EnterpriseFactory(name="甲方餐馆"), agency=agency_a, reason="=HYPERLINK(\"x\")")
    BlockFactory(enterprise=EnterpriseFactory(name="乙方药店"), status="overridden", override_reason="误判")
    url = reverse("supervision:block_list")
    client.force_login(rita)
    rows = _rows(client.get(url, {"export": "xlsx"}))  # default: active blocks
    assert rows[0][:2] == ("企业", "统一社会信用代码")
    assert [r[0] for r in rows[1:]] == ["甲方餐馆"]
    assert rows[1][2] == agency_a.name and str(rows[1][5]).startswith("'=")  # formula escaped
    rows = _rows(client.get(url, {"export": "xlsx", "status": ""}))
    assert {r[0] for r in rows[1:]} == {"甲方餐馆", "乙方药店"}
    page = client.get(url, {"status": "overridden"}).content.decode()
    assert "乙方药店" in page and "甲方餐馆" not in page
