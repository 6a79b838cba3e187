"""Issue 11 decision i: root cause first. A matter unusable because its legal basis was amended or
repealed makes the 409 say `legal_basis_not_in_force` (the cause), not `matter_not_published`."""
from datetime import date, timedelta

import pytest

from matters.models import InspectionMatter, LegalBasis
from matters.services import legal_basis_update
from plans.models import GateRefusal, Inspection

from .factories import LegalBasisFactory, MatterFactory, make_inspection, team

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [LegalBasis.Status.REPEALED, LegalBasis.Status.AMENDED])
def test_approval_of_a_matter_whose_basis_was_changed_is_409_legal_basis_not_in_force(api, anna, rita, agency_a,
                                                                                      status):
    basis = LegalBasisFactory(title="中华人民共和国安全生产法", article="第六十五条")
    matter = MatterFactory(agency=agency_a, legal_bases=[basis])
    insp = make_inspection(agency=agency_a, matters=[matter], day=date.today() + timedelta(days=3))
    legal_basis_update(basis=basis, by=rita, status=status, reason="新法施行")
    matter.refresh_from_db()
    assert matter.status == InspectionMatter.Status.NEEDS_ADJUSTMENT  # the consequence, not the cause
    res = api(anna).post(f"/api/v1/inspections/{insp.pk}/approve/")
    assert res.status_code == 409
    body = res.json()
    assert body["code"] == "legal_basis_not_in_force"
    assert [e["code"] for e in body["detail"]["errors"]] == ["legal_basis_not_in_force"]
    assert GateRefusal.objects.get(inspection=insp).code == "legal_basis_not_in_force"


def test_a_matter_unpublished_for_its_own_reason_still_says_matter_not_published(api, anna, agency_a):
    draft = MatterFactory(agency=agency_a, status=InspectionMatter.Status.DRAFT)
    insp = make_inspection(agency=agency_a, matters=[draft], inspectors=team(agency_a))
    res = api(anna).post(f"/api/v1/inspections/{insp.pk}/approve/")
    assert res.status_code == 409 and res.json()["code"] == "matter_not_published"
    assert Inspection.objects.get(pk=insp.pk).status == Inspection.Status.DRAFT


def test_with_a_draft_matter_beside_it_the_basis_still_comes_first(rita, agency_a):
    from plans.services.gates import inspection_gate_report

    basis = LegalBasisFactory()
    flagged = MatterFactory(agency=agency_a, legal_bases=[basis])
    draft = MatterFactory(agency=agency_a, status=InspectionMatter.Status.DRAFT)
    insp = make_inspection(agency=agency_a, matters=[flagged, draft])
    legal_basis_update(basis=basis, by=rita, status=LegalBasis.Status.REPEALED)
    errors = inspection_gate_report(inspection=insp).errors
    assert [e.code for e in errors] == ["legal_basis_not_in_force", "matter_not_published"]
    assert errors[0].detail["matters"] == [flagged.code]
    assert [m["code"] for m in errors[1].detail["matters"]] == [draft.code]  # the flagged one is not listed twice
