"""Chromium: a reviewer generates the summary report and reads the printable page."""
from datetime import date

import pytest

from guidance.tests.factories import EnterpriseFactory, TypicalCaseFactory, inspection_with
from jiujiang_inspect.browser_testing import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_generates_and_reads_the_report(page, rita, agency_a, agency_b):
    enterprise = EnterpriseFactory()
    inspection_with(enterprise=enterprise, parts=[(agency_a, []), (agency_b, [])], date_=date(2025, 2, 1),
                    status="closed")
    TypicalCaseFactory(title="餐饮行业综合查一次")
    login(page, "rita")
    page.goto(page.base_url + "/reports/")
    page.locator("summary", has_text="生成新报告").click()
    page.get_by_label("统计期间起").fill("2025-01-01")
    page.get_by_label("统计期间止").fill("2025-03-31")
    page.get_by_label("餐饮行业综合查一次").check()
    page.get_by_role("button", name="生成报告").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("table", name="关键指标").wait_for()
    body = page.locator("main").inner_text()
    assert "联合检查减少入企" in body and "餐饮行业综合查一次" in body and "第1版" in body
    screenshot(page, "reports-report")
    page.get_by_role("button", name="重新生成（新版本）").click()
    page.get_by_role("table", name="关键指标").wait_for()
    assert "第2版" in page.locator("main").inner_text()
