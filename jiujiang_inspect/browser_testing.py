"""Playwright fixtures driving Debian's Chromium (no browser download: executable_path)."""
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium_browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium fonts-wqy-microhei)")
        pytest.skip("Chromium not installed (apt-get install chromium fonts-wqy-microhei)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


# Every page a browser test opens is watched: a Content-Security-Policy violation (the policy in
# settings refuses inline script/style and eval) or an uncaught script error fails the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  if (window.__reportCspViolation) {
    window.__reportCspViolation([e.violatedDirective, e.blockedURI || "inline", e.sourceFile + ":" + e.lineNumber,
                                 document.location.pathname].join(" "));
  }
});
"""


def watch_page(context, pg):
    """Record CSP violations (the DOM event and Chromium's console report) and uncaught page errors on
    ``pg.problems``; returns that list."""
    problems = []
    context.expose_function("__reportCspViolation", lambda text: problems.append(f"CSP violation: {text}"))
    context.add_init_script(CSP_LISTENER)
    pg.on("pageerror", lambda err: problems.append(f"page error on {pg.url}: {err}"))
    pg.on("console", lambda msg: problems.append(f"console on {pg.url}: {msg.text}")
          if msg.type == "error" and "Content Security Policy" in msg.text else None)
    pg.problems = problems
    return problems


def new_watched_page(chromium_browser, base_url, **context_args):
    context = chromium_browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **context_args)
    pg = context.new_page()
    watch_page(context, pg)
    pg.set_default_timeout(15000)
    pg.base_url = base_url
    return context, pg


@pytest.fixture
def page(chromium_browser, live_server):
    context, pg = new_watched_page(chromium_browser, live_server.url, viewport={"width": 1280, "height": 900})
    yield pg
    context.close()
    assert not pg.problems, "\n".join(pg.problems)


@pytest.fixture
def phone_page(chromium_browser, live_server):
    context, pg = new_watched_page(chromium_browser, live_server.url, viewport={"width": 375, "height": 740},
                                   is_mobile=True, has_touch=True)
    yield pg
    context.close()
    assert not pg.problems, "\n".join(pg.problems)


def screenshot(pg, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


def login(pg, username, password="Passw0rd!jj"):
    pg.goto(pg.base_url + "/accounts/login/")
    pg.get_by_label("用户名").fill(username)
    pg.get_by_label("密码").fill(password)
    pg.get_by_role("button", name="登录").click()
    pg.wait_for_load_state("networkidle")


# axe-core (Deque, MPL-2.0), vendored for the tests only: tests/vendor/axe-core/ (version in the file's
# first line). docs/ui.md: pages have 0 serious or critical accessibility violations.
AXE_SOURCE = Path(__file__).resolve().parent.parent / "tests" / "vendor" / "axe-core" / "axe.min.js"
AXE_IMPACTS = ("serious", "critical")


def axe_violations(pg, impacts=AXE_IMPACTS) -> list[str]:
    """Run axe-core (WCAG 2 A/AA rules) on the page as it is now; returns one line per violation of the
    given impacts: "rule-id (impact): help — first offending elements"."""
    if not pg.evaluate("() => typeof window.axe !== 'undefined'"):
        pg.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result = pg.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ["violations"],
                                         runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
      return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                     nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['nodes'])}" for v in result
            if v["impact"] in impacts]
