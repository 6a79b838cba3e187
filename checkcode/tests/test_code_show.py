"""The 亮码 page (issue 15): validity window and team; only the viewer's own code of today is offered to
the service worker for offline display (data-offline-cache)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from checkcode.services import checkcode_issue
from checkcode.tests.factories import approved_inspection
from plans.tests.factories import inspector_user_of, team

pytestmark = pytest.mark.django_db


def _page(client, user, code):
    client.force_login(user)
    return client.get(f"/checkcode/codes/{code.code}/show/").content.decode()


def test_only_todays_own_code_is_kept_for_offline_display(client, alice, agency_a):
    today = timezone.localdate()
    mate = team(agency_a, 1, name="刘强")[0]
    code = checkcode_issue(inspection=approved_inspection(agency=agency_a, inspectors=[alice.inspector, mate],
                                                          day=today), issued_by=alice)
    later = checkcode_issue(inspection=approved_inspection(agency=agency_a, inspectors=[alice.inspector, mate],
                                                           day=today + timedelta(days=2)), issued_by=alice)
    page = _page(client, alice, code)
    assert f'data-offline-cache="{today:%Y-%m-%d}"' in page and "刘强、王丽" in page and "有效期" in page
    assert "data-offline-cache" not in _page(client, alice, later)  # not today's
    other = inspector_user_of(agency_a)  # same agency, not on the team, did not issue it
    page = _page(client, other, code)
    assert "data-offline-cache" not in page and "刘强、王丽" in page
