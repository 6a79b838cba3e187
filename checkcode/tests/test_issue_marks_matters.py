"""Issuing a code records that its matters were used (the 'unused for years' clean-up list reads it)."""
import pytest

from checkcode.services.issue import checkcode_issue
from plans.services.inspections import inspection_approve
from plans.tests.factories import admin_of, make_inspection

pytestmark = pytest.mark.django_db


def test_issuing_a_code_marks_its_matters_used_on_the_inspection_day(agency_a):
    insp = make_inspection(agency=agency_a)
    admin = admin_of(agency_a)
    inspection_approve(inspection=insp, by=admin)
    checkcode_issue(inspection=insp, issued_by=admin)
    for part in insp.participations.all():
        for matter in part.matters.all():
            matter.refresh_from_db()
            assert matter.last_used_on == insp.date
