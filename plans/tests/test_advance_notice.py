"""Issue 11 decision h: the advance notice comes before the visit. `advance_notice.notified_at` after
the inspection date, or in the future at approval, is a 400 on that field (API and form)."""
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import Inspection

from .factories import EnterpriseFactory, MatterFactory, make_inspection, team

pytestmark = pytest.mark.django_db


def _payload(agency, *, day, notified_at):
    return {"enterprise": EnterpriseFactory().uscc, "kind": "special", "mode": "onsite", "date": str(day),
            "special_approval_ref": "鸠司〔2026〕9号",
            "participations": [{"agency": agency.code, "inspectors": [p.pk for p in team(agency)],
                                "matters": [MatterFactory(agency=agency).code]}],
            "advance_notice": {"notified_at": notified_at, "method": "电话", "content": "检查安排"}}


def test_api_refuses_notice_dated_after_the_inspection_day_on_that_field(api, alice, agency_a):
    day = date.today() + timedelta(days=3)
    after = timezone.make_aware(datetime.combine(day + timedelta(days=1), time(9))).isoformat()
    res = api(alice).post("/api/v1/inspections/", _payload(agency_a, day=day, notified_at=after), format="json")
    assert res.status_code == 400, res.json()
    assert res.json()["detail"]["advance_notice"]["notified_at"][0].startswith("告知时间不能晚于检查日期")
    assert not Inspection.objects.exists()
    # the same day, before the visit, is fine
    same_day = timezone.make_aware(datetime.combine(day, time(8))).isoformat()
    ok = api(alice).post("/api/v1/inspections/", _payload(agency_a, day=day, notified_at=same_day), format="json")
    assert ok.status_code == 201, ok.json()


def test_api_patch_moving_the_date_before_the_notice_is_400(api, alice, agency_a):
    insp = make_inspection(agency=agency_a, day=date.today() + timedelta(days=5))
    earlier = str(timezone.localtime(insp.notified_at).date() - timedelta(days=1))
    res = api(alice).patch(f"/api/v1/inspections/{insp.pk}/", {"date": earlier}, format="json")
    assert res.status_code == 400
    assert "notified_at" in res.json()["detail"]["advance_notice"]


def test_approval_refuses_a_notice_time_in_the_future_as_400_on_that_field(api, anna, agency_a):
    day = date.today() + timedelta(days=5)
    insp = make_inspection(agency=agency_a, day=day, notified_at=timezone.now() + timedelta(hours=2))
    res = api(anna).post(f"/api/v1/inspections/{insp.pk}/approve/")
    assert res.status_code == 400, res.json()
    assert res.json()["detail"]["advance_notice"]["notified_at"][0].startswith("告知时间不能晚于现在")
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.DRAFT
    Inspection.objects.filter(pk=insp.pk).update(notified_at=timezone.now() - timedelta(minutes=5))
    assert api(anna).post(f"/api/v1/inspections/{insp.pk}/approve/").status_code == 200


def test_form_shows_the_notice_error_next_to_notified_at(client, alice, agency_a):
    ent = EnterpriseFactory()
    day = date.today() + timedelta(days=2)
    client.force_login(alice)
    res = client.post(reverse("plans:inspection_create"), {
        "enterprise": ent.uscc, "kind": "special", "mode": "onsite", "date": str(day),
        "special_approval_ref": "鸠司〔2026〕7号", "inspectors": [p.pk for p in team(agency_a)],
        "matters": [MatterFactory(agency=agency_a).pk], "notified_at": f"{day + timedelta(days=1)}T09:00",
        "notice_method": "电话"})
    assert res.status_code == 200
    assert "告知时间不能晚于检查日期" in str(res.context["form"].errors["notified_at"])
    assert not Inspection.objects.filter(enterprise=ent).exists()
