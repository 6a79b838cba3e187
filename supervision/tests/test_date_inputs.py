"""Issue 12 case 14 on supervision forms: date inputs show their value as YYYY-MM-DD."""
import pytest
from django.utils import timezone

from .factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_case14_measure_form_date_input_shows_its_value(client, rita, agency_a):
    case = CaseFactory(agency=agency_a)
    client.force_login(rita)
    page = client.get(f"/supervision/cases/{case.pk}/").content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page
