"""新建检查 at the factory gate, in Chromium at 375 px (issue 15, "New inspection"): the inspector types
a few pinyin initials, picks the firm, sees only her kind's fields, herself preselected, a colleague
with an expired certificate greyed out with the reason, the firm's matters with the joint list's
first, and the rule panel telling her what to change, until every rule passes and she saves."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from jiujiang_inspect.browser_testing import axe_violations, login, screenshot
from matters.models import JointMatterList
from plans.models import Inspection
from subjects.tests.factories import CertificateFactory, InspectorFactory

from .factories import EnterpriseFactory, MatterFactory, ensure_cap_policies, team
from .test_inspection_form import industries

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_serious_axe(pg):
    found = axe_violations(pg)
    assert found == [], found


def test_new_inspection_on_a_phone(phone_page, alice, agency_a):
    ensure_cap_policies()
    food, dinner, fuel = industries()
    ent = EnterpriseFactory(name="芜湖鸠江味道餐饮有限公司", industry=dinner)
    EnterpriseFactory(name="芜湖鸠江机械制造有限公司")
    colleague = team(agency_a, 1, name="刘强")[0]
    expired = InspectorFactory(agency=agency_a, name="陈过期", certificate=None)
    CertificateFactory(inspector=expired, valid_from=date.today() - timedelta(days=900),
                       valid_until=date.today() - timedelta(days=1))
    joint = MatterFactory(agency=agency_a, code="SC-62-01", name="餐饮服务食品安全检查")
    joint.industries.set([food])
    jl = JointMatterList.objects.create(industry=food, title="餐饮行业联查事项清单", lead_agency=agency_a,
                                        status=JointMatterList.Status.PUBLISHED)
    jl.matters.set([joint])
    MatterFactory(agency=agency_a, code="SC-00-01", name="营业执照公示检查")
    MatterFactory(agency=agency_a, code="SC-52-01", name="成品油质量检查").industries.set([fuel])

    pg = phone_page
    login(pg, "alice")
    pg.goto(pg.base_url + "/plans/inspections/new/")
    screenshot(pg, "new-inspection-375-empty")
    no_serious_axe(pg)
    # Herself preselected; the colleague whose certificate expired greyed out with the reason.
    expect(pg.get_by_label("王丽", exact=False)).to_be_checked()
    gone = pg.get_by_label("陈过期", exact=False)
    expect(gone).to_be_disabled()
    expect(pg.locator("#inspector-choices")).to_contain_text("执法证件已过期")
    # Planned is the default kind: the plan field shows, the trigger fields do not.
    expect(pg.get_by_label("依据的年度检查计划")).to_be_visible()
    expect(pg.get_by_label("触发来源")).to_be_hidden()

    # Pinyin initials as she types: both 芜湖鸠江… firms are offered; she picks the restaurant.
    pg.get_by_label("查找企业").press_sequentially("whjj", delay=50)
    expect(pg.get_by_test_id("enterprise-candidates")).to_contain_text("芜湖鸠江机械制造有限公司")
    pg.get_by_label("芜湖鸠江味道餐饮有限公司", exact=False).check()
    expect(pg.get_by_test_id("chosen-enterprise")).to_contain_text("芜湖鸠江味道餐饮有限公司")
    # Matters of its industry, the joint list's first; the petrol station's matter is not offered.
    matters = pg.locator("#matter-choices label")
    expect(matters.first).to_have_text("SC-62-01 餐饮服务食品安全检查（联查事项清单）")
    expect(pg.locator("#matter-choices")).not_to_contain_text("成品油质量检查")

    # A complaint: triggered. The trigger fields appear, the plan field goes.
    pg.get_by_label("检查类型").select_option("triggered")
    expect(pg.get_by_label("触发来源")).to_be_visible()
    expect(pg.get_by_label("依据的年度检查计划")).to_be_hidden()
    expect(pg.get_by_label("依据的专项检查计划")).to_be_hidden()
    pg.get_by_label("计划检查日期").fill(str(date.today() + timedelta(days=1)))
    pg.get_by_label("触发来源").select_option("complaint")
    pg.get_by_label("触发原因").fill("12345 投诉：后厨卫生脏乱")
    pg.get_by_label("SC-62-01", exact=False).check()
    # The panel says, per rule, what to change: one certified inspector is not enough; no notice yet.
    panel = pg.get_by_test_id("rule-errors")
    expect(panel).to_contain_text("两名持证执法人员")
    expect(panel).to_contain_text("请再增加1名本单位持证人员")
    expect(panel).to_contain_text("检查前预先告知")
    expect(panel).to_contain_text("请修改：填写预先告知的时间和方式，或填写免予告知理由")
    screenshot(pg, "new-inspection-375-rules")
    no_serious_axe(pg)

    pg.get_by_label("刘强", exact=False).check()
    pg.get_by_label("免予告知理由").fill("投诉线索，事先告知可能影响取证")
    pg.get_by_label("免予告知理由").blur()
    expect(pg.get_by_test_id("rules-ok")).to_be_visible()
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= 375
    screenshot(pg, "new-inspection-375-ready")
    pg.get_by_role("button", name="保存草稿").click()
    expect(pg.locator("h1")).to_contain_text("芜湖鸠江味道餐饮有限公司")
    insp = Inspection.objects.get(enterprise=ent)
    assert insp.kind == "triggered" and {i.name for i in insp.participations.get().inspectors.all()} == {
        "王丽", "刘强"}
    assert colleague.pk in {i.pk for i in insp.participations.get().inspectors.all()}
