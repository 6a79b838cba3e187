"""邀约 in a browser: an inspector registers an invitation, the enterprise accepts on a phone through
the public link, and the visit is then registered (举措 13)."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from jiujiang_inspect.browser_testing import login, screenshot
from plans.models import Invitation

from .factories import EnterpriseFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_invitation_accepted_on_a_phone_then_registered(page, phone_page, alice, agency_a):
    """GIVEN alice of agency A WHEN she registers a 调研 invitation THEN the visit cannot be registered
    yet; WHEN the enterprise opens the link on a phone and accepts with its uscc THEN alice can
    register the visit as done."""
    ent = EnterpriseFactory(name="芜湖鸠江示范机械有限公司")
    login(page, "alice")
    page.goto(page.base_url + "/plans/inspections/")
    page.get_by_role("link", name="邀约（指导·调研·培训）").click()
    page.get_by_role("link", name="登记邀约").click()
    page.get_by_label("企业（统一社会信用代码）").fill(ent.uscc)
    page.get_by_label("活动类型").select_option("research")
    page.get_by_label("日期").fill(str(date.today() + timedelta(days=2)))
    page.get_by_label("事由").fill("制造业数字化转型调研")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("status")).to_have_text("待企业确认")
    assert page.get_by_role("button", name="登记走访已完成").count() == 0
    link = page.get_by_test_id("public-url").input_value()
    detail_url = page.url

    phone_page.goto(link)
    assert "制造业数字化转型调研" in phone_page.content()
    phone_page.get_by_label("本企业统一社会信用代码").fill(ent.uscc)
    phone_page.get_by_label("同意", exact=True).check()
    phone_page.get_by_role("button", name="提交答复").click()
    expect(phone_page.get_by_test_id("status")).to_have_text("企业已同意")
    screenshot(phone_page, "invitation_public_accepted")

    page.goto(detail_url)
    page.get_by_role("button", name="登记走访已完成").click()
    expect(page.get_by_test_id("status")).to_have_text("已完成")
    assert Invitation.objects.get(enterprise=ent).status == "done"
