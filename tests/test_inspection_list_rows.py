"""The API inspection list answers from plain values (plans.selectors.inspections.inspection_rows and
plans.serializers.inspection_row_data, issue 13): every row equals what InspectionSerializer makes of
the fully prefetched inspection, for every kind and state a row can be in."""
from datetime import timedelta

import pytest
from django.utils import timezone

from plans.models import Inspection
from plans.selectors.inspections import inspections_detailed
from plans.serializers import InspectionSerializer
from plans.tests.factories import MatterFactory, make_inspection, team
from subjects.tests.factories import AgencyFactory
from supervision.tests.factories import CheckCodeFactory

pytestmark = pytest.mark.django_db


def test_list_rows_equal_the_serializer_on_every_shape(api, rita, agency_a, agency_b):
    third = AgencyFactory()
    people = team(agency_a, 3)
    matters = [MatterFactory(agency=agency_a), MatterFactory(agency=agency_b), MatterFactory(agency=agency_a)]
    special = make_inspection(agency=agency_a, extra_agencies=[agency_b, third], inspectors=people, matters=matters,
                              status="code_issued", slot_year=2026)
    now = timezone.now()
    CheckCodeFactory(inspection=special, status="revoked", issued_at=now - timedelta(hours=2))
    CheckCodeFactory(inspection=special, status="issued", issued_at=now - timedelta(hours=1))
    CheckCodeFactory(inspection=special, status="closed", issued_at=now - timedelta(hours=3))
    CheckCodeFactory(inspection=special, status="expired", issued_at=now)
    triggered = make_inspection(agency=agency_b, kind="triggered", trigger_reference="12345-001", notified_at=None,
                                notice_exempt_reason="可能串通", status="closed", outcome="rectification",
                                is_emergency=True, counts_toward_cap=False)
    CheckCodeFactory(inspection=triggered, status="closed", issued_at=now - timedelta(days=3))
    recheck = make_inspection(agency=agency_a, kind="recheck", rechecks=triggered, mode="document",
                              onsite_justification="", return_comment="请补充", status="returned")
    make_inspection(agency=agency_a, kind="planned", status="merged", merged_into=special, plan=None)
    make_inspection(agency=agency_b, status="draft", enterprise=recheck.enterprise)
    rows = api(rita).get("/api/v1/inspections/?page_size=50").json()["results"]
    expected = InspectionSerializer(inspections_detailed().order_by("-id"), many=True).data
    assert len(rows) == Inspection.objects.count() == 5
    assert rows == [dict(r) for r in expected]
    by_id = {r["id"]: r for r in rows}
    assert by_id[special.pk]["check_code"] and by_id[special.pk]["is_joint"] is True
    assert [len(p["inspectors"]) for p in by_id[special.pk]["participations"]] == [3, 2, 2]
    assert by_id[triggered.pk]["trigger"]["reference"] == "12345-001" and by_id[triggered.pk]["advance_notice"] is None
