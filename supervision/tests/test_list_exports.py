"""监督案件 and 阻断 lists (docs/ui.md list convention): reviewer-only, filter bar with 全部, Excel export of
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


def test_filing_summary_export_is_scoped_to_the_agency_and_filtered(client, anna, rita, agency_a, agency_b):
    from plans.models import MonthlyFilingSummary

    MonthlyFilingSummary.objects.create(agency=agency_a, month="2025-03", total=2, counts_by_source={"complaint": 2})
    MonthlyFilingSummary.objects.create(agency=agency_a, month="2025-04", total=1)
    MonthlyFilingSummary.objects.create(agency=agency_b, month="2025-03", total=5)
    url = reverse("supervision:filing_summary_list")
    client.force_login(anna)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:2] == ("月份", "单位")
    assert {(r[0], r[2]) for r in rows[1:]} == {("2025-03", agency_a.code), ("2025-04", agency_a.code)}
    assert rows[-1][3] == "投诉举报 2"
    rows = _rows(client.get(url, {"export": "xlsx", "month": "2025-04"}))
    assert [r[0] for r in rows[1:]] == ["2025-04"]
    client.force_login(rita)
    rows = _rows(client.get(url, {"export": "xlsx", "month": "2025-03", "confirmed": "no"}))
    assert {r[2] for r in rows[1:]} == {agency_a.code, agency_b.code}
    page = client.get(url, {"month": "2025-03"}).content.decode()
    assert "导出 Excel" in page and "---------" not in page


def test_jobrun_export_follows_the_filters(client, anna, rita):
    from .factories import JobRunFactory

    JobRunFactory(period="2025-01", counts={"alerts": 3, "blocks": 1})
    JobRunFactory(period="2025-02", status="failed", error="数据库不可用")
    JobRunFactory(kind="daily_sweeps", period="2025-02-03")
    url = reverse("supervision:jobrun_list")
    client.force_login(anna)
    assert client.get(url, {"export": "xlsx"}).status_code == 403
    client.force_login(rita)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:3] == ("任务", "期间", "状态") and len(rows) == 4
    rows = _rows(client.get(url, {"export": "xlsx", "kind": "frequency_audit", "status": "failed"}))
    assert [(r[1], r[8]) for r in rows[1:]] == [("2025-02", "数据库不可用")]
    page = client.get(url, {"kind": "daily_sweeps"}).content.decode()
    assert "每日巡检" in page and "2025-01" not in page and "导出 Excel" in page


def test_survey_export_follows_the_filters(client, anna, rita):
    from .factories import SurveyFactory

    SurveyFactory(title="2025年度满意度测评")
    SurveyFactory(title="2024年度满意度测评", status="closed")
    url = reverse("supervision:survey_list")
    client.force_login(anna)
    assert client.get(url, {"export": "xlsx"}).status_code == 403
    client.force_login(rita)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][0] == "测评名称" and {r[0] for r in rows[1:]} == {"2025年度满意度测评", "2024年度满意度测评"}
    rows = _rows(client.get(url, {"export": "xlsx", "status": "closed"}))
    assert [r[0] for r in rows[1:]] == ["2024年度满意度测评"]
    page = client.get(url, {"q": "2025"}).content.decode()
    assert "2025年度满意度测评" in page and "2024年度满意度测评" not in page and "导出 Excel" in page
