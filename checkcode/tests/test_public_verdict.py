"""Issue 11 decision j: the public verdict follows time and state for every status. One function
(`checkcode_verdict`) decides; `/api/v1/check-codes/{code}/` carries `verdict` and `valid_now`, and the
`/c/<code>/` page shows the same verdict, never "执法人员可以凭此码进入企业检查" for a code that is not valid."""
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from checkcode import codes
from checkcode.models import CheckCode
from checkcode.selectors import checkcode_verdict
from checkcode.services import checkcode_issue, checkcode_revoke, checkcode_sweep_unshown, result_record
from plans.models import Inspection

from .factories import approved_inspection

pytestmark = pytest.mark.django_db

ENTRY = "执法人员可以凭此码进入企业检查"


def _both(api, client, code):
    """The API's and the page's answer for one code."""
    body = api().get(f"/api/v1/check-codes/{code}/").json()
    page = client.get(f"/c/{code}/")
    assert page.status_code == 200
    return body, page.content.decode()


def _verdict_on_page(html):
    return html.split('data-testid="verdict">', 1)[1].split("<", 1)[0]


def _issue(alice, agency, day):
    return checkcode_issue(inspection=approved_inspection(agency=agency, day=day), issued_by=alice)


def test_code_for_a_later_day_is_not_yet_valid_with_its_date(api, client, alice, agency_a):
    day = timezone.localdate() + timedelta(days=3)
    code = _issue(alice, agency_a, day)
    body, html = _both(api, client, code.code)
    assert (body["verdict"], body["verdict_label"], body["valid_now"]) == ("not_yet_valid", "尚未生效", False)
    assert _verdict_on_page(html) == "尚未生效"
    assert f"{day.year}年{day.month}月{day.day}日" in html and ENTRY not in html


def test_code_inside_its_window_issued_or_shown_is_valid(api, client, alice, agency_a):
    code = _issue(alice, agency_a, timezone.localdate())
    assert checkcode_verdict(code) == "valid"  # issued, not yet shown
    body, html = _both(api, client, code.code)  # the first view shows it
    assert (body["verdict"], body["verdict_label"], body["valid_now"]) == ("valid", "真实有效", True)
    assert CheckCode.objects.get(pk=code.pk).status == "shown"
    body, html = _both(api, client, code.code)
    assert body["verdict"] == "valid" and _verdict_on_page(html) == "真实有效" and ENTRY in html


def test_code_whose_inspection_ended_in_january_2025_is_finished_not_valid(api, client, alice, agency_a):
    """The case from the issue: shown once, window long gone, still said 真实有效 … 可以凭此码进入."""
    insp = approved_inspection(agency=agency_a, day=date(2025, 1, 14), status=Inspection.Status.CODE_ISSUED,
                               notified_at=timezone.make_aware(datetime(2025, 1, 13, 9)))
    tz = timezone.get_default_timezone()
    code = CheckCode.objects.create(
        inspection=insp, code=codes.generate(), status=CheckCode.Status.SHOWN, issued_by=alice,
        valid_from=timezone.make_aware(datetime.combine(insp.date, time.min), tz),
        valid_until=timezone.make_aware(datetime.combine(insp.date, time.max), tz))
    body, html = _both(api, client, code.code)
    assert (body["verdict"], body["verdict_label"], body["valid_now"]) == ("finished", "检查已结束", False)
    assert _verdict_on_page(html) == "检查已结束" and ENTRY not in html


def test_code_with_a_recorded_result_is_finished_even_inside_its_window(api, client, alice, agency_a):
    code = _issue(alice, agency_a, timezone.localdate())
    result_record(inspection=code.inspection, by=alice, outcome="no_issue", findings="未发现问题")
    body, html = _both(api, client, code.code)
    assert (body["verdict"], body["valid_now"]) == ("finished", False)
    assert _verdict_on_page(html) == "检查已结束" and ENTRY not in html


def test_late_code_is_finished_not_valid_for_entry(api, client, alice, agency_a):
    from checkcode.services import checkcode_issue_late

    insp = approved_inspection(agency=agency_a, day=timezone.localdate() - timedelta(days=2),
                               notified_at=None, notice_method="")
    code = checkcode_issue_late(inspection=insp, issued_by=alice, reason="燃气泄漏紧急处置")
    body, html = _both(api, client, code.code)
    assert (body["verdict"], body["valid_now"]) == ("finished", False) and ENTRY not in html


def test_code_never_shown_and_swept_is_expired(api, client, alice, agency_a):
    code = _issue(alice, agency_a, timezone.localdate())
    checkcode_sweep_unshown(now=code.valid_until + timedelta(seconds=1))
    body, html = _both(api, client, code.code)
    assert (body["verdict"], body["verdict_label"], body["valid_now"]) == ("expired", "已过期", False)
    assert _verdict_on_page(html) == "已过期" and ENTRY not in html


def test_revoked_code_is_revoked(api, client, alice, agency_a):
    code = _issue(alice, agency_a, timezone.localdate() + timedelta(days=1))
    checkcode_revoke(code=code, by=alice, reason="检查改期")
    body, html = _both(api, client, code.code)
    assert (body["verdict"], body["verdict_label"], body["valid_now"]) == ("revoked", "已撤销", False)
    assert _verdict_on_page(html) == "已撤销" and ENTRY not in html


def test_the_verdict_follows_the_clock_around_the_window(alice, agency_a):
    code = _issue(alice, agency_a, timezone.localdate() + timedelta(days=1))
    assert checkcode_verdict(code, now=code.valid_from - timedelta(seconds=1)) == "not_yet_valid"
    assert checkcode_verdict(code, now=code.valid_from) == "valid"
    assert checkcode_verdict(code, now=code.valid_until) == "valid"
    assert checkcode_verdict(code, now=code.valid_until + timedelta(seconds=1)) == "finished"
    assert checkcode_verdict(None) == "unknown"
