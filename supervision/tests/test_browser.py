"""The 分析研判 dashboard in a real browser, as a 司法局 reviewer (and on a phone)."""
from datetime import date

import pytest

from jiujiang_inspect.browser_testing import login, screenshot
from supervision.services.audit import frequency_audit_run

from .factories import AlertFactory, CaseFactory, EnterpriseFactory, InspectionFactory, ensure_cap_policies


def _history(agency_a, agency_b):
    year = date.today().year
    for m in range(1, 7):
        ent = EnterpriseFactory(name=f"芜湖鸠江示范制造有限公司{m}")
        InspectionFactory(enterprise=ent, initiating_agency=agency_a, agencies=[agency_a, agency_b],
                          date=date(year, m, 8), outcome="rectification" if m % 2 else "no_issue")
        InspectionFactory(enterprise=ent, initiating_agency=agency_b, kind="triggered", date=date(year, m, 9))
    AlertFactory(agency=agency_a, title="某企业本月触发式检查过频")
    CaseFactory(agency=agency_b, title="多头重复检查督办")
    return year


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reviewer_reads_dashboard_filters_by_agency_and_follows_a_figure(page, rita, agency_a, agency_b):
    """GIVEN half a year of joint and triggered inspections, an open alert and an open case
    WHEN rita opens 分析研判 THEN the figures, the charts (Chinese locale) and the lists are there;
    filtering by agency narrows the figures; the alerts figure leads to the alert list."""
    year = _history(agency_a, agency_b)
    login(page, "rita")
    page.get_by_role("link", name="分析研判").first.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name=f"分析研判 · {year}年").is_visible()
    assert page.locator('[data-figure="inspections"]').inner_text() == "12"
    assert page.locator('[data-figure="avoided"]').inner_text() == "6 次"
    page.wait_for_function("document.documentElement.dataset.chartsReady === '3'")
    assert page.locator("#chart-month svg").count() == 1
    assert page.get_by_text("多头重复检查督办").is_visible()
    screenshot(page, "supervision_dashboard")

    page.get_by_label("单位", exact=True).select_option("SCJG")
    page.get_by_role("button", name="查看").click()
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-figure="inspections"]').inner_text() == "6"

    page.locator('[data-figure="alerts"]').click()
    page.wait_for_load_state("networkidle")
    assert "/supervision/alerts/" in page.url
    page.get_by_text("某企业本月触发式检查过频").first.wait_for()

    # Drill-down: clicking March's bar opens the inspections of March that the bar counted.
    page.goto(page.base_url + f"/supervision/dashboard/?year={year}")
    page.wait_for_function("document.documentElement.dataset.chartsReady === '3'")
    x, y = page.evaluate("""() => {
      const node = document.getElementById('chart-month');
      node.scrollIntoView({block: "center", behavior: "instant"});  // Bootstrap scrolls smoothly
      const c = echarts.getInstanceByDom(node);
      const bar = c.getModel().getSeriesByIndex(0).getData().getItemLayout(2);  // March's bar, as drawn
      const box = node.getBoundingClientRect();
      // a quarter into the bar: its middle may lie under a split line of the axis
      return [box.left + bar.x + bar.width / 2, box.top + bar.y + bar.height / 4];
    }""")
    page.mouse.move(x, y, steps=5)  # ECharts picks its target on hover, as a finger or a mouse does
    page.wait_for_timeout(300)
    with page.expect_navigation():
        page.mouse.down()
        page.mouse.up()
    assert f"date_from={year}-03-01" in page.url and "happened=true" in page.url
    assert page.locator("tbody tr").count() == 2  # March: one joint, one triggered visit


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reviewer_runs_audit_and_overrides_block_on_a_phone(phone_page, rita, agency_a):
    """GIVEN a whitelisted enterprise above its yearly cap (reaching it is no breach, decision c) WHEN the
    audit has run THEN the reviewer sees the block on a phone and lifts it with a reason."""
    ensure_cap_policies()
    ent = EnterpriseFactory(pool="whitelist", name="芜湖鸠江白名单企业有限公司")
    for day in (15, 20):  # the whitelist's cap is one: the second inspection is the breach
        InspectionFactory(enterprise=ent, initiating_agency=agency_a, date=date(date.today().year, 1, day))
    frequency_audit_run(month=f"{date.today().year}-01")
    login(phone_page, "rita")
    phone_page.goto(phone_page.base_url + "/supervision/blocks/")
    phone_page.get_by_text("芜湖鸠江白名单企业有限公司").first.wait_for()
    phone_page.get_by_placeholder("解除理由").fill("经核实企业申请复查，准予检查")
    phone_page.get_by_role("button", name="解除阻断").click()
    phone_page.wait_for_load_state("networkidle")
    phone_page.get_by_text("已解除阻断").first.wait_for()
    screenshot(phone_page, "supervision_blocks_phone")
