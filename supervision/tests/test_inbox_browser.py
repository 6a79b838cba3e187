"""The agency admin's 监督收件箱 on a phone (issue 15 "Agency: Inbox", issue 14 "the supervised agency …
can answer a 责令改正 with its rectification report and attachments"), then the 司法局 at a desk."""
from datetime import date

import pytest
from PIL import Image

from jiujiang_inspect.browser_testing import axe_violations, login, screenshot
from supervision.services.cases import case_measure_add

from .factories import AlertFactory, CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(tmp_path):
    path = tmp_path / "整改照片.png"
    Image.new("RGB", (1200, 900), (30, 120, 200)).save(path, "PNG")
    return path


def test_agency_admin_answers_a_correction_on_a_phone_and_the_reviewer_reads_it(
        phone_page, page, anna, rita, agency_a, tmp_path):
    """GIVEN a case against agency A with a 责令改正, and an alert about it
    WHEN anna (agency A's admin) opens 监督收件箱 on her phone, follows the case, writes what was corrected
    and attaches a photo THEN the report shows with its photo; the reviewer sees it on the case."""
    case = CaseFactory(agency=agency_a, title="未出示检查码即入企检查")
    case_measure_add(case=case, by=rita, kind="correction", date=date.today())
    AlertFactory(agency=agency_a, title="本月触发式检查过频")
    login(phone_page, "anna")
    phone_page.get_by_role("button", name="展开菜单").click()
    phone_page.get_by_role("link", name="监督收件箱").first.click()
    phone_page.wait_for_url("**/supervision/inbox/")
    assert phone_page.get_by_text("有 1 项责令改正待提交整改报告").is_visible()
    assert phone_page.get_by_text("本月触发式检查过频").is_visible()
    assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 375
    assert axe_violations(phone_page) == []
    phone_page.get_by_role("link", name="提交整改报告").click()
    phone_page.wait_for_url(f"**/supervision/inbox/cases/{case.pk}/**")
    phone_page.get_by_label("整改情况").fill("已对相关执法人员批评教育，今后入企一律先亮码。")
    phone_page.get_by_label("附件（照片或 PDF，可多选）").set_input_files(str(_png(tmp_path)))
    assert axe_violations(phone_page) == []
    phone_page.get_by_role("button", name="提交整改报告").click()
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.get_by_text("整改报告已提交区司法局。").is_visible()
    report = phone_page.get_by_test_id("correction-report")
    assert "今后入企一律先亮码" in report.inner_text()
    thumb = report.get_by_role("img", name="附件照片：整改照片.png")
    assert thumb.is_visible() and thumb.evaluate("img => img.naturalWidth") > 0  # served to her, decoded
    assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 375
    screenshot(phone_page, "inbox_case_answered_375")
    login(page, "rita")
    page.goto(page.base_url + f"/supervision/cases/{case.pk}/")
    assert "今后入企一律先亮码" in page.get_by_test_id("correction-report").inner_text()
    assert page.get_by_role("img", name="附件照片：整改照片.png").evaluate("img => img.naturalWidth") > 0
    assert axe_violations(page) == []
