"""The whole path in a browser: draft → approve → code → scan on a phone → result → evaluation →
rectification response → 复查 → closed (issue 5 "Done when")."""
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jiujiang_inspect.browser_testing import login, screenshot
from plans.models import Inspection
from plans.tests.factories import EnterpriseFactory, MatterFactory
from subjects.tests.factories import InspectorFactory


def _logout(pg):
    pg.get_by_role("button", name="退出").click()
    pg.wait_for_load_state("networkidle")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_draft_to_closed_in_the_browser(page, phone_page, alice, anna, agency_a):
    """GIVEN alice (inspector) and anna (admin) of agency A, a colleague and a published matter
    WHEN alice drafts, anna approves, alice takes the code, the enterprise scans it on a phone, alice
    records a rectification, the enterprise evaluates and reports its 整改, alice verifies
    THEN the inspection is closed and the phone page says so."""
    ent = EnterpriseFactory(name="芜湖鸠江示范餐饮有限公司")
    colleague = InspectorFactory(agency=agency_a, name="刘强")
    matter = MatterFactory(agency=agency_a, name="餐饮服务食品安全检查")
    base = page.base_url

    login(page, "alice")
    page.goto(base + "/plans/inspections/new/")
    page.get_by_label("查找企业").fill(ent.uscc)
    # A triggered check (a complaint): a special one now needs a filed special plan (decision f).
    page.get_by_label("检查类型").select_option("triggered")
    page.get_by_label("检查方式").select_option("onsite")
    page.get_by_label("计划检查日期").fill(str(timezone.localdate()))  # the code's window is the local day
    page.get_by_label("触发来源").select_option("complaint")
    page.get_by_label("触发原因").fill("12345 投诉：后厨卫生")
    page.get_by_label(alice.inspector.name, exact=False).check()
    page.get_by_label(colleague.name, exact=False).check()
    page.get_by_label(matter.name, exact=False).check()
    page.get_by_label("告知方式").fill("电话")
    page.get_by_label("预先告知时间").fill(f"{date.today() - timedelta(days=1)}T09:00")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("status").inner_text() == "草稿"
    detail_url = page.url
    _logout(page)

    login(page, "anna")
    page.goto(detail_url)
    page.get_by_role("button", name="审批通过").click()
    # Retries until the post-approval page has loaded (reading at once raced the navigation).
    # The approval runs every gate; on a loaded machine that takes longer than expect's 5 s default.
    expect(page.get_by_test_id("status")).to_have_text("已审批", timeout=30_000)
    _logout(page)

    login(page, "alice")
    page.goto(detail_url)
    page.get_by_role("button", name="申领检查码").click()
    page.wait_for_load_state("networkidle")
    code = page.get_by_test_id("code").inner_text().strip()
    screenshot(page, "checkcode_show")

    phone_page.goto(phone_page.base_url + f"/c/{code}/")
    assert phone_page.get_by_test_id("verdict").inner_text() == "真实有效"
    assert "刘强" in phone_page.content() and colleague.certificate.number in phone_page.content()
    assert colleague.id_number not in phone_page.content()
    screenshot(phone_page, "checkcode_public_phone")

    page.goto(detail_url)
    page.get_by_role("link", name="录入检查结果").click()
    page.get_by_label("检查结果", exact=True).select_option("rectification")
    page.get_by_label("检查发现的问题").fill("后厨排烟管道油污较多")
    page.get_by_label("整改事项（每行一项）").fill("清洗排烟管道\n建立清洗台账")
    page.get_by_label("整改期限").fill(str(date.today() + timedelta(days=10)))
    page.get_by_role("button", name="保存检查结果").click()  # on site: a signature or a noted refusal first
    page.get_by_text("请企业代表在签字区签名").first.wait_for()
    page.get_by_label("企业拒绝签字").check()
    page.get_by_label("拒签情况").fill("负责人拒绝签字，见证人：店员李某")
    page.get_by_role("button", name="保存检查结果").click()
    page.wait_for_load_state("networkidle")
    page.goto(detail_url)
    assert page.get_by_test_id("status").inner_text() == "已录入结果"

    phone_page.reload()
    assert "责令整改" in phone_page.content()
    phone_page.fill('input[name="ev-uscc"]', ent.uscc)
    phone_page.check('input[name="ev-rating"][value="5"]')
    phone_page.check('input[name="ev-code_shown"][value="yes"]')
    phone_page.check('input[name="ev-notified_in_advance"][value="yes"]')
    phone_page.get_by_label("意见建议").fill("亮码检查，一次查完")
    phone_page.get_by_role("button", name="提交评议").click()
    phone_page.wait_for_load_state("networkidle")
    assert "感谢您的评议" in phone_page.content()
    phone_page.fill('input[name="rs-uscc"]', ent.uscc)
    phone_page.get_by_label("整改情况").fill("已请专业公司清洗管道并建立台账")
    phone_page.get_by_role("button", name="提交整改情况").click()
    phone_page.wait_for_load_state("networkidle")
    assert "等待执法人员复查" in phone_page.content()

    page.goto(base + "/checkcode/rectifications/")
    page.get_by_role("button", name="保存复查").click()
    page.wait_for_load_state("networkidle")
    page.goto(detail_url)
    assert page.get_by_test_id("status").inner_text() == "已办结"
    phone_page.reload()
    assert "已办结" in phone_page.content()
    screenshot(phone_page, "checkcode_public_closed")
    assert Inspection.objects.get(enterprise=ent).status == "closed"
