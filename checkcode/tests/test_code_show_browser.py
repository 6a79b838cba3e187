"""At the factory gate on a phone (issue 15, "Home" and "Showing the code at the gate"), in Chromium at
375 px: from her home page the inspector claims the 检查码 of today's approved inspection with one tap
and lands on the 亮码 view (QR, code, validity window, inspectors' names); 全屏亮码 puts it full screen
and asks to keep the screen on; the service worker keeps the page, so with the signal gone she opens
it again and it shows, saying 离线显示，企业扫码核验需联网. A returned draft shows 退回修改 and why."""
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from checkcode.models import CheckCode
from checkcode.tests.factories import approved_inspection
from jiujiang_inspect.browser_testing import axe_violations, login, screenshot
from plans.models import Inspection
from plans.tests.factories import EnterpriseFactory, ensure_cap_policies, make_inspection, team

# The stopped server's last keep-alive threads fail their requests (5xx): that is the "no signal" wanted.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")]

# Records what the page asks of the Screen Wake Lock API (headless Chromium has none of its own).
WAKE_LOCK_PROBE = """
Object.defineProperty(navigator, "wakeLock", {configurable: true, value: {
  request: function (kind) {
    window.__wakeLocks = (window.__wakeLocks || []).concat([kind]);
    return Promise.resolve({addEventListener: function () {}, release: function () { return Promise.resolve(); }});
  }}});
"""


def test_claim_and_show_the_code_at_the_gate_then_offline(phone_page, alice, agency_a):
    """GIVEN alice's approved on-site inspection today WHEN she taps 申领检查码 on her home page THEN the
    亮码 view shows the QR, the code, the window and the team, full screen on 全屏亮码; WHEN the server
    can no longer be reached THEN the same page still shows, saying it is an offline copy."""
    from pytest_django.live_server_helper import LiveServer

    ensure_cap_policies()
    today = timezone.localdate()
    colleague = team(agency_a, 1, name="刘强")[0]
    insp = approved_inspection(agency=agency_a, inspectors=[alice.inspector, colleague], day=today,
                               enterprise=EnterpriseFactory(name="芜湖鸠江味道餐饮有限公司"))
    make_inspection(agency=agency_a, inspectors=[alice.inspector, colleague], status=Inspection.Status.RETURNED,
                    return_comment="请补充预先告知的内容", enterprise=EnterpriseFactory(name="芜湖退回示例有限公司"))

    # A server of this test's own, stopped below: "no signal" for the page and its service worker alike
    # (Playwright's offline mode does not reach a service worker's own requests).
    server = LiveServer("localhost")
    pg = phone_page
    pg.base_url = server.url
    pg.context.add_init_script(WAKE_LOCK_PROBE)
    login(pg, "alice")
    returned = pg.get_by_test_id("returned-row")
    expect(returned).to_contain_text("退回修改")
    expect(returned).to_contain_text("请补充预先告知的内容")
    row = pg.get_by_test_id("inspection-row").filter(has_text="芜湖鸠江味道餐饮有限公司")
    assert axe_violations(pg) == []
    screenshot(pg, "home-inspector-375")
    row.get_by_role("button", name="申领检查码").click()

    # One tap later: the 亮码 view.
    code = CheckCode.objects.get(inspection=insp)
    expect(pg.get_by_test_id("code")).to_have_text(code.code)
    expect(pg.get_by_test_id("window")).to_contain_text(f"{today.year}年{today.month}月{today.day}日")
    expect(pg.get_by_test_id("teams")).to_contain_text("鸠江区市场监督管理局：刘强、王丽")
    expect(pg.get_by_role("img", name=f"检查码二维码 {code.code}")).to_be_visible()
    assert pg.evaluate("() => window.__wakeLocks || []") == ["screen"]  # kept on as the page opens
    # The service worker keeps today's own code page for offline display.
    pg.wait_for_function("() => document.documentElement.getAttribute('data-offline-ready')")
    assert axe_violations(pg) == []
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= 375
    screenshot(pg, "code-show-375")

    pg.get_by_role("button", name="全屏亮码").click()
    pg.wait_for_function("() => document.fullscreenElement && document.fullscreenElement.id === 'code-show'")
    screenshot(pg, "code-show-375-fullscreen")
    pg.evaluate("() => document.exitFullscreen()")

    # Home again: the row now offers 亮码.
    pg.goto(pg.base_url + "/")
    expect(pg.get_by_test_id("inspection-row").filter(has_text="芜湖鸠江味道餐饮有限公司")
           .get_by_role("link", name="亮码")).to_be_visible()

    # No signal at the gate: the server is gone, the phone says it is offline.
    url = pg.base_url + f"/checkcode/codes/{code.code}/show/"
    server.stop()
    pg.context.set_offline(True)
    pg.goto(url)
    expect(pg.get_by_text("离线显示，企业扫码核验需联网")).to_be_visible()
    expect(pg.get_by_test_id("code")).to_have_text(code.code)
    expect(pg.locator("h1")).to_contain_text("芜湖鸠江味道餐饮有限公司")
    assert pg.evaluate("() => document.querySelector('img.qr-image').naturalWidth") > 0
    screenshot(pg, "code-show-375-offline")
    pg.context.set_offline(False)
    # The copy is today's own code page only: the home page was not kept.
    assert pg.evaluate("""async () => {
      const keys = await caches.keys();
      const kept = [];
      for (const k of keys) { for (const r of await (await caches.open(k)).keys()) { kept.push(new URL(r.url).pathname); } }
      return kept.filter(p => !p.startsWith("/static/"));
    }""") == [f"/checkcode/codes/{code.code}/show/", f"/c/{code.code}/qr.svg"]
