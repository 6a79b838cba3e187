"""Issue 11 decision m: UI and API allow the same things. 区司法局 reviewers do not draft inspections,
in either: 403 in the API, no button and 403 in the pages; agency staff still draft in both."""
from datetime import date, timedelta

import pytest
from django.urls import reverse

from plans.models import Inspection

from .factories import EnterpriseFactory, MatterFactory, make_inspection, team

pytestmark = pytest.mark.django_db


def _payload(agency):
    return {"enterprise": EnterpriseFactory().uscc, "kind": "special", "mode": "onsite",
            "date": str(date.today() + timedelta(days=2)), "special_approval_ref": "鸠司〔2026〕9号",
            "participations": [{"agency": agency.code, "inspectors": [p.pk for p in team(agency)],
                                "matters": [MatterFactory(agency=agency).code]}],
            "notice_exempt_reason": "上级要求不能事先通知"}


def test_reviewer_cannot_draft_an_inspection_through_the_api(api, rita, alice, agency_a):
    res = api(rita).post("/api/v1/inspections/", _payload(agency_a), format="json")
    assert res.status_code == 403 and res.json()["code"] == "permission_denied"
    assert not Inspection.objects.exists()
    assert api(alice).post("/api/v1/inspections/", _payload(agency_a), format="json").status_code == 201


def test_reviewer_cannot_edit_a_draft_through_the_api(api, rita, agency_a):
    insp = make_inspection(agency=agency_a)
    res = api(rita).patch(f"/api/v1/inspections/{insp.pk}/", {"onsite_justification": "司法局改写"}, format="json")
    assert res.status_code == 403
    insp.refresh_from_db()
    assert insp.onsite_justification == ""


def test_reviewer_sees_no_new_inspection_button_and_the_form_is_403(client, rita, alice):
    button = f'href="{reverse("plans:inspection_create")}"'
    client.force_login(rita)
    assert button not in client.get(reverse("plans:inspection_list")).content.decode()
    assert client.get(reverse("plans:inspection_create")).status_code == 403
    assert client.post(reverse("plans:inspection_create"), {"enterprise": "x"}).status_code == 403
    client.force_login(alice)
    assert button in client.get(reverse("plans:inspection_list")).content.decode()
    assert client.get(reverse("plans:inspection_create")).status_code == 200
