"""The plan form and the import pages as a desk user and on a phone (issue 15, "Forms"): agencies found
with a search box, months from a month picker that hides past months unless asked, the industry found by
typing; import pages offer their template and lead back to where the user came from."""
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jiujiang_inspect.browser_testing import axe_violations, login, screenshot
from plans.models import AnnualPlan
from subjects.tests.factories import AgencyFactory

from .test_inspection_form import industries

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_an_agency_admin_drafts_a_plan(chromium_browser, live_server, anna, agency_b, width):
    from jiujiang_inspect.browser_testing import new_watched_page

    food, _dinner, _fuel = industries()
    AgencyFactory(code="XFJY", name="鸠江区消防救援大队")
    AgencyFactory(code="WSJK", name="鸠江区卫生健康委员会")
    context, pg = new_watched_page(chromium_browser, live_server.url, viewport={"width": width, "height": 900},
                                   is_mobile=width < 576, has_touch=width < 576)
    login(pg, "anna")
    pg.goto(pg.base_url + "/plans/annual/")
    pg.get_by_role("link", name="编制计划").click()
    expect(pg.locator("h1")).to_have_text("编制年度检查计划")
    assert axe_violations(pg) == []
    today = timezone.localdate()
    # The month picker starts at this month; earlier months of this year are hidden until asked for.
    months = pg.get_by_test_id("months").locator(".form-check:not([hidden]) label")
    expect(months).to_have_count(13 - today.month)
    expect(months.first).to_have_text(f"{today.month}月")
    if today.month > 1:
        expect(pg.get_by_role("link", name="显示已过去的月份")).to_be_visible()
    # Next year's plan: every month of it; back to this year: the past ones hide again.
    pg.get_by_label("年度").fill(str(today.year + 1))
    expect(months).to_have_count(12)
    pg.get_by_label("年度").fill(str(today.year))
    expect(months).to_have_count(13 - today.month)
    # Agencies by typing part of the name.
    pg.get_by_label("查找参与单位").fill("消防")
    expect(pg.get_by_label("鸠江区消防救援大队")).to_be_visible()
    expect(pg.get_by_label("鸠江区应急管理局")).to_be_hidden()
    pg.get_by_label("鸠江区消防救援大队").check()
    pg.get_by_label("查找参与单位").fill("应急")
    pg.get_by_label("鸠江区应急管理局").check()
    pg.get_by_label("查找参与单位").fill("")
    expect(pg.get_by_label("鸠江区卫生健康委员会")).to_be_visible()
    # The industry from the list of GB/T 4754 industries, found by typing.
    industry = pg.get_by_label("行业", exact=True)
    assert industry.get_attribute("list")
    assert pg.locator(f"datalist#{industry.get_attribute('list')} option[value='62 餐饮业']").count() == 1
    industry.fill("62 餐饮业")
    pg.get_by_label("计划名称").fill("餐饮行业“综合查一次”联合检查计划")
    pg.get_by_label(f"{today.month}月", exact=True).check()
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= width
    screenshot(pg, f"plan-form-{width}")
    pg.get_by_role("button", name="保存").click()
    expect(pg.locator(".alert-success")).to_contain_text("计划草稿已创建")
    plan = AnnualPlan.objects.get(title="餐饮行业“综合查一次”联合检查计划")
    assert plan.months == [f"{today:%Y-%m}"] and plan.industry == food
    assert {a.code for a in plan.member_agencies.all()} == {"XFJY", "YJGL"}

    # Past months when asked for (an old plan recorded late).
    if today.month > 1:
        pg.goto(pg.base_url + "/plans/annual/new/")
        pg.get_by_role("link", name="显示已过去的月份").click()
        expect(pg.get_by_test_id("months").locator(".form-check:not([hidden]) label")).to_have_count(12)
    context.close()
    assert not pg.problems, pg.problems


def test_import_pages_offer_their_template_and_lead_back(page, anna, rita):
    """From the enterprise list to its import and back; the inspector import, the 12345 import."""
    login(page, "anna")
    page.goto(page.base_url + "/plans/enterprises/?town=wanli")
    page.get_by_role("link", name="Excel 导入").click()
    nav = page.get_by_test_id("import-nav")
    with page.expect_download() as download:
        nav.get_by_role("link", name="下载导入模板").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert axe_violations(page) == []
    nav.get_by_role("link", name="返回").click()
    assert page.url.endswith("/plans/enterprises/?town=wanli")
