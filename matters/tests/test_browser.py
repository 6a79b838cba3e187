"""Playwright with Debian's Chromium: the 司法局 review queue (diff + 备案) and the public
self-inspection guide on a phone (screenshots kept in test-artifacts/)."""
import pytest

from jiujiang_inspect.browser_testing import login, screenshot
from matters import services
from matters.models import InspectionMatter, NegativeListItem
from matters.tests.factories import MatterFactory, PublishedMatterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _revised_matter(anna, rita, agency):
    """A published matter revised by its agency (v2) and submitted again."""
    m = MatterFactory(agency=agency, code="SCJG-SP-01", name="餐饮服务食品安全检查",
                      standards=[("是否持有效食品经营许可证", "许可证在有效期内"), ("从业人员健康证明", "持证上岗")])
    for step in (services.matter_submit, services.matter_publish):
        if step is services.matter_publish:
            m = services.matter_file(matter=m, by=rita)
            m = step(matter=m, by=anna)
        else:
            m = step(matter=m, by=anna)
    m = services.matter_update(matter=m, by=anna, check_standards=[
        {"item": "是否持有效食品经营许可证", "criterion": "许可证在有效期内"},
        {"item": "餐饮具清洗消毒", "criterion": "按规定清洗、消毒、保洁"}])
    return services.matter_submit(matter=m, by=anna)


def test_reviewer_sees_the_diff_and_files_the_matter(page, anna, rita, agency_a):
    _revised_matter(anna, rita, agency_a)
    login(page, "rita")
    page.get_by_role("link", name="备案审核").first.click()
    page.wait_for_load_state("networkidle")
    card = page.locator("section[data-matter='SCJG-SP-01']")
    assert "第2版" in card.inner_text()
    added = card.locator(".diff-added").all_inner_texts()
    removed = card.locator(".diff-removed").all_inner_texts()
    assert any("餐饮具清洗消毒" in t for t in added) and any("从业人员健康证明" in t for t in removed)
    screenshot(page, "matters-review-queue")
    card.get_by_role("button", name="备案通过").click()
    page.wait_for_load_state("networkidle")
    assert "已备案" in page.locator(".alert-success").inner_text()
    assert page.locator("section[data-matter='SCJG-SP-01']").count() == 0
    assert InspectionMatter.objects.get(code="SCJG-SP-01").status == "filed"


def test_reviewer_rejects_with_a_reason(page, anna, rita, agency_a):
    services.matter_submit(matter=MatterFactory(agency=agency_a, code="SCJG-NEW"), by=anna)
    login(page, "rita")
    page.goto(page.base_url + "/matters/review/")
    card = page.locator("section[data-matter='SCJG-NEW']")
    assert "首次备案" in card.inner_text()
    card.get_by_label("退回原因").fill("合格标准不具体，请细化")
    card.get_by_role("button", name="退回").click()
    page.wait_for_load_state("networkidle")
    m = InspectionMatter.objects.get(code="SCJG-NEW")
    assert m.status == "rejected" and m.status_reason == "合格标准不具体，请细化"


def test_public_guide_on_a_phone(phone_page, agency_a):
    PublishedMatterFactory(agency=agency_a, code="SCJG-SP-01", name="餐饮服务食品安全检查",
                           standards=[("从业人员健康管理", "接触直接入口食品的从业人员持有效健康证明")],
                           problems=[("健康证明过期仍上岗", "建立健康证明台账，到期前安排体检")])
    MatterFactory(agency=agency_a, code="SCJG-DRAFT", name="尚未公布的事项")
    # Transactional tests flush the tables, so the migration's 负面清单 may be gone: add the first item.
    NegativeListItem.objects.get_or_create(code="N01", defaults={"title": "未出示检查码即实施现场检查"})
    pg = phone_page
    pg.goto(pg.base_url + "/matters/public/catalogue/")
    assert "涉企行政检查事项与标准" in pg.locator("h1").inner_text()
    assert "尚未公布的事项" not in pg.content()
    # No horizontal scrolling at 375 px.
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= 380
    pg.get_by_text("常见问题与自查整改").click()
    assert pg.get_by_text("建立健康证明台账，到期前安排体检").is_visible()
    pg.get_by_label("搜索").fill("餐饮")
    pg.get_by_role("button", name="查询").click()
    pg.wait_for_load_state("networkidle")
    assert "共 1 项" in pg.locator("main").inner_text()
    screenshot(pg, "matters-public-guide-phone")
    with pg.expect_download() as dl:
        pg.get_by_role("link", name="下载 Excel").click()
    assert dl.value.suggested_filename.endswith(".xlsx")
    pg.goto(pg.base_url + "/matters/public/documents/")
    assert "未出示检查码即实施现场检查" in pg.content()
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= 380
    screenshot(pg, "matters-public-documents-phone")
