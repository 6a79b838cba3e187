"""The enterprise owner's phone at 375 px (issue 15, "Enterprise (no login)"): prove the firm with the SMS
code, read "我的检查", report a crew that came without a code; axe finds nothing serious."""
import json
import re
from datetime import date

import pytest
from django.utils import timezone

from jiujiang_inspect.browser_testing import axe_violations, screenshot
from jiujiang_inspect.models import OutboundMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_proves_the_firm_reads_my_inspections_and_reports_a_crew(phone_page, agency_a, settings, tmp_path):
    from checkcode import codes
    from supervision.tests.factories import (
        CheckCodeFactory,
        EnterpriseFactory,
        ResultFactory,
        ensure_cap_policies,
    )

    ensure_cap_policies()
    inbox = tmp_path / "sms.jsonl"  # the phone: the SMS channel's file backend records what was sent
    settings.OUTBOX_CHANNELS = {**settings.OUTBOX_CHANNELS, "sms": {"adapter": "sms", "backend": "file",
                                                                     "path": str(inbox)}}
    firm = EnterpriseFactory(name="芜湖鸠江精密制造有限公司", contact_phone="13912345678")
    code = CheckCodeFactory(code=codes.generate(), inspection__enterprise=firm, inspection__initiating_agency=agency_a,
                            inspection__date=date(timezone.localdate().year, 1, 8))
    ResultFactory(inspection=code.inspection, outcome="no_issue")
    pg = phone_page
    pg.goto(pg.base_url + "/")
    pg.get_by_role("button", name="展开菜单").click()
    pg.get_by_role("link", name="我的检查").click()
    pg.wait_for_url("**/e/")
    assert axe_violations(pg) == []
    pg.get_by_label("本企业统一社会信用代码").fill(firm.uscc.lower())
    pg.get_by_role("button", name="获取短信验证码").click()
    assert pg.get_by_text("验证码已发送至 139****5678").is_visible()
    sms = json.loads(inbox.read_text(encoding="utf-8").splitlines()[-1])
    assert sms["phone"] == "13912345678" and sms["event"] == "enterprise.verification_code"
    text = sms["text"]
    # Delivered, so the outbox no longer keeps the code.
    assert re.search(r"[0-9]{6}", str(OutboundMessage.objects.get(event="enterprise.verification_code").payload)) is None
    pg.get_by_label("短信验证码").fill(re.search(r"验证码([0-9]{6})", text).group(1))
    pg.get_by_role("button", name="验证").click()
    pg.wait_for_load_state("networkidle")
    assert pg.get_by_role("heading", name="我的检查").is_visible()
    card = pg.get_by_test_id("my-inspection")
    assert code.code in card.inner_text() and "未发现问题" in card.inner_text()
    assert "剩余" in pg.get_by_test_id("quota").inner_text()
    assert pg.get_by_role("link", name="12345").get_attribute("href") == "tel:12345"
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= 375
    assert axe_violations(pg) == []
    screenshot(pg, "enterprise_mine_375")
    pg.get_by_label("涉及单位").select_option(label=agency_a.name)
    pg.get_by_label("否，未出示检查码").check()
    pg.get_by_label("情况说明").fill("两人自称市场监管，未出示检查码要求进厂检查")
    pg.get_by_role("button", name="提交反映").click()
    pg.wait_for_load_state("networkidle")
    assert pg.get_by_text("已提交区司法局，我们会核实处理。").is_visible()
