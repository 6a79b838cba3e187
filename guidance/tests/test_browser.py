"""Chromium: an inspector takes the 检查码 test on a phone; a reviewer reads the coverage page."""
import pytest
from django.utils import timezone

from guidance.tests.factories import (
    AttendanceFactory,
    InspectorFactory,
    OnlineTestFactory,
    QuestionFactory,
    TrainingSessionFactory,
)
from jiujiang_inspect.browser_testing import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inspector_takes_the_checkcode_test_and_reviews_mistakes(phone_page, alice):
    q1 = QuestionFactory(stem="未申请检查码可以入企检查吗？")
    q2 = QuestionFactory(kind="true_false", options=["正确", "错误"], answer=[0], stem="辅助人员不计入两人执法。",
                         explanation="辅助人员不具有执法资格。")
    test = OnlineTestFactory(title="检查码测试", questions=[q1, q2], is_checkcode_test=True, pass_mark=50)
    page = phone_page
    login(page, "alice")
    page.goto(page.base_url + "/guidance/")
    page.get_by_role("link", name="检查码测试").first.click()
    page.get_by_role("button", name="开始答题").click()
    assert "剩余时间" in page.locator("[role=timer]").inner_text()
    page.get_by_label("B. 原则上不可以").check()
    page.get_by_label("错误").check()  # the wrong answer to the true/false question
    screenshot(page, "guidance-test-answering-phone")
    page.get_by_role("button", name="交卷").click()
    page.wait_for_load_state("networkidle")
    body = page.locator("main").inner_text()
    assert "通过" in body and "50" in body and "辅助人员不具有执法资格" in body
    screenshot(page, "guidance-test-review-phone")
    alice.inspector.refresh_from_db()
    assert alice.inspector.checkcode_test_passed_at is not None
    assert test.attempts.get().passed


def test_reviewer_sees_coverage_by_agency_and_who_is_missing(page, rita, agency_a, agency_b):
    trained = InspectorFactory(agency=agency_a, name="已培训甲")
    InspectorFactory(agency=agency_a, name="未培训乙")
    InspectorFactory(agency=agency_b, name="未培训丙")
    AttendanceFactory(inspector=trained, session=TrainingSessionFactory(
        organiser=agency_a, date=timezone.localdate().replace(year=2025, month=4, day=1)))
    login(page, "rita")
    page.goto(page.base_url + "/guidance/trainings/coverage/")
    table = page.get_by_role("table", name="按单位覆盖率").inner_text()
    assert "鸠江区市场监督管理局" in table and "50.0%" in table
    page.get_by_role("table", name="按单位覆盖率").get_by_role("link", name="1", exact=True).first.click()
    page.wait_for_load_state("networkidle")
    missing = page.locator("main").inner_text()
    assert "未培训乙" in missing and "未培训丙" not in missing and "已培训甲" not in missing
    screenshot(page, "guidance-coverage")
