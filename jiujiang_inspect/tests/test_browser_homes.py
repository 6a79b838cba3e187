"""Each role logs in with Chromium and lands on its home page, in Chinese (screenshots kept)."""
import pytest

from jiujiang_inspect.browser_testing import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("persona,heading", [
    ("alice", "今天要做的事"), ("anna", "单位工作台"), ("rita", "分析研判"),
])
def test_each_role_lands_on_its_home_page(page, request, persona, heading):
    request.getfixturevalue(persona)
    login(page, persona)
    assert heading in page.locator("h1").first.inner_text()
    # The Chinese font is installed: text has real width (boxes would be narrower and equal).
    width = page.evaluate("() => document.querySelector('h1').getBoundingClientRect().width")
    assert width > 100
    screenshot(page, f"home-{persona}")


def test_wrong_password_shows_chinese_error(page, alice):
    login(page, "alice", password="wrong-password")
    assert "用户名或密码错误" in page.content()


def test_phone_width_menu_collapses(phone_page, rita):
    login(phone_page, "rita")
    assert phone_page.get_by_role("button", name="展开菜单").is_visible()
    screenshot(phone_page, "home-rita-phone")
