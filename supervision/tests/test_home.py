"""Each role's home page answers "what do I have to do today?" with counts that link to lists."""
from datetime import timedelta

import pytest
from django.utils import timezone

from checkcode.services.issue import checkcode_issue
from plans.services.inspections import inspection_approve
from plans.tests.factories import admin_of, make_inspection

pytestmark = pytest.mark.django_db


def test_inspector_sees_todays_inspection_with_a_button_to_show_the_code(client, alice, agency_a, anna):
    """GIVEN an approved on-site inspection today with alice on the team and its code issued
    WHEN alice opens her home page
    THEN it lists the inspection under today with one tap to the full-screen code."""
    insp = make_inspection(agency=agency_a, day=timezone.localdate(), inspectors=[alice.inspector, *[
        i for i in make_inspection(agency=agency_a).participations.first().inspectors.all()][:1]])
    inspection_approve(inspection=insp, by=anna)
    code = checkcode_issue(inspection=insp, issued_by=anna)
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert insp.enterprise.name in html and f"/checkcode/codes/{code.code}/show/" in html
    assert ">亮码<" in html


def test_agency_admin_sees_waiting_approvals_and_refusals(client, agency_a):
    admin = admin_of(agency_a)
    make_inspection(agency=agency_a)
    make_inspection(agency=agency_a, day=timezone.localdate() + timedelta(days=3))
    client.force_login(admin)
    r = client.get("/")
    assert r.context["approvals_waiting"] == 2
    assert "待审批检查" in r.content.decode()


def test_home_pages_do_not_grow_queries_with_data(client, agency_a, rita, django_assert_max_num_queries):
    admin = admin_of(agency_a)
    for d in range(5):
        make_inspection(agency=agency_a, day=timezone.localdate() + timedelta(days=d))
    for user in (admin, rita):
        client.force_login(user)
        with django_assert_max_num_queries(30):
            assert client.get("/").status_code == 200


def test_dashboard_lists_agencies_outside_a_filed_plan(client, rita, agency_a):
    from plans.tests.factories import AnnualPlanFactory, MatterFactory

    MatterFactory(agency=agency_a)
    AnnualPlanFactory(lead_agency=agency_a, year=timezone.localdate().year, status="draft")
    client.force_login(rita)
    html = client.get("/supervision/dashboard/").content.decode()
    assert "尚未参加已备案检查计划的单位" in html and agency_a.label in html


def test_an_approved_inspection_on_the_home_page_offers_one_tap_to_claim_its_code(client, alice, agency_a, anna):
    """Issue 15: approved, on-site, today, no code yet: the row is a 申领检查码 button posting to the
    issue action, which lands on the 亮码 view."""
    insp = make_inspection(agency=agency_a, day=timezone.localdate(), inspectors=[alice.inspector, *[
        i for i in make_inspection(agency=agency_a).participations.first().inspectors.all()][:1]])
    inspection_approve(inspection=insp, by=anna)
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert f'action="/checkcode/inspections/{insp.pk}/issue/"' in html and "申领检查码" in html
    res = client.post(f"/checkcode/inspections/{insp.pk}/issue/")
    assert res.status_code == 302 and res.url.endswith("/show/")
