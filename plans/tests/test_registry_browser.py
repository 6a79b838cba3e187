"""Chromium drives the public plan page (phone and desktop) and the enterprise page's quota."""
from datetime import date

import pytest

from jiujiang_inspect.browser_testing import login, screenshot
from plans.models import AnnualPlan, Block, CapPolicy
from plans.tests.factories import AnnualPlanFactory, EnterpriseFactory, InspectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = date.today().year


def test_public_plan_page_on_a_phone_without_login(phone_page, agency_a, agency_b):
    """GIVEN a published plan (version 2) and a draft WHEN the public opens 检查计划公示 on a phone
    THEN it sees the published plan with agency, members, months and version, no draft, no sideways scroll,
    and an Excel download link."""
    plan = AnnualPlanFactory(lead_agency=agency_a, title="餐饮行业综合查一次联合检查计划", year=YEAR, version=2,
                             status=AnnualPlan.Status.PUBLISHED, months=[f"{YEAR}-04", f"{YEAR}-09"],
                             targets=EnterpriseFactory.create_batch(3))
    plan.member_agencies.add(agency_b)
    AnnualPlanFactory(lead_agency=agency_a, title="尚未公布的草稿", year=YEAR)
    pg = phone_page
    pg.goto(pg.base_url + "/plans/public/annual/")
    assert f"{YEAR}年度涉企行政检查计划公示" in pg.locator("h1").inner_text()
    card = pg.locator("article", has_text="餐饮行业综合查一次联合检查计划")
    assert card.is_visible()
    text = card.inner_text()
    assert "第2版" in text and "4月、9月" in text and "区应急管理局" in text and "3 家" in text
    assert pg.get_by_role("heading", name="鸠江区市场监督管理局").is_visible()
    assert "尚未公布的草稿" not in pg.content()
    assert pg.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    with pg.expect_download() as download:
        pg.get_by_role("link", name="下载 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot(pg, "plans-public-phone")


@pytest.fixture
def default_caps():
    """Transactional tests flush the tables, so the data migration's default caps are restored here."""
    for pool, cap in {"whitelist": 1, "joint": 2, "non_joint": 2, "key": 6}.items():
        CapPolicy.objects.get_or_create(pool=pool, defaults={"yearly_onsite_cap": cap})


def test_enterprise_page_shows_remaining_quota_and_reviewer_moves_pool(page, rita, default_caps):
    """GIVEN a joint-pool enterprise (cap 2) with one slot used and a manual block
    WHEN the reviewer opens its page THEN it shows 剩余 1 次 and the block; after moving it to the
    白名单库 (cap 1) the page shows 剩余 0 次 and the move in the pool history."""
    e = EnterpriseFactory(name="芜湖市鸠江区福满楼餐饮店")
    InspectionFactory(enterprise=e)
    Block.objects.create(enterprise=e, rule=Block.Rule.MANUAL, reason="专项整治期间暂停赋码", starts_on=date.today())
    login(page, "rita")
    page.goto(page.base_url + f"/plans/enterprises/{e.uscc}/")
    quota = page.locator("#quota")
    assert "剩余 1 次" in quota.inner_text() and "已用 1 次" in quota.inner_text()
    assert "专项整治期间暂停赋码" in quota.inner_text() and "已阻断" in quota.inner_text()
    page.get_by_label("调入对象库").select_option("whitelist")
    page.get_by_label("调整原因").fill("信用A类，连续三年无违法记录")
    page.get_by_role("button", name="调整").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("quota-remaining").inner_text() == "剩余 0 次"
    assert "信用A类，连续三年无违法记录" in page.locator("table", has_text="决定人").inner_text()
    screenshot(page, "plans-enterprise-quota")
