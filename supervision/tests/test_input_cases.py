"""Issue 12 cases on supervision: 12345 tickets normalise identifiers; date inputs show their value."""
import pytest
from django.utils import timezone

from .factories import CaseFactory

pytestmark = pytest.mark.django_db
USCC = "91340207MA2NXY12QB"
TYPED = "91３４０２０７MA2NXY12QB"


def test_case9_hotline_ticket_identifiers_are_normalised(api, agency_a):
    from subjects.services import platform_client_create
    from supervision.models import HotlineTicket

    secret = platform_client_create(name="hotline", scopes=["read", "hotline:write"])[1]
    r = api(secret=secret).post("/api/v1/hotline-tickets/", {
        "external_id": "１２３４５-0001\u200b", "title": "反映检查过多", "content": "一周被检查三次",
        "received_at": "2025-03-01T09:30:00+08:00", "enterprise": TYPED.lower(), "agency": "SCJG"}, format="json")
    assert r.status_code == 201, r.json()
    ticket = HotlineTicket.objects.get()
    assert (ticket.external_id, ticket.enterprise_uscc) == ("12345-0001", USCC)
    r = api(secret=secret).post("/api/v1/hotline-tickets/", {
        "external_id": "x-2", "title": "t", "content": "c", "received_at": "2025-03-01T09:30:00+08:00",
        "enterprise": "9134０２07"}, format="json")
    assert r.status_code == 400 and "enterprise" in r.json()["detail"]


def test_case14_measure_form_date_input_shows_its_value(client, rita, agency_a):
    case = CaseFactory(agency=agency_a)
    client.force_login(rita)
    page = client.get(f"/supervision/cases/{case.pk}/").content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page
