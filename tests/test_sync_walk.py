"""Sync that misses nothing (issue 14): a client records a cursor, each kind of change happens (derived
ones included: a matter flagged 需调整 by a repealed basis, a certificate's status and its expiry by
date, a block ending, a code expiring unshown, a case's measure, a ticket closing, a filing withdrawn),
and the next `updated_since` pull of every syncable list returns exactly the changed records. Platform
tokens with `read` list agencies and inspectors, personal data masked."""
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from checkcode.services import checkcode_sweep_unshown
from matters.services.legal_bases import legal_basis_update
from plans.models import TriggeredFiling
from plans.services.blocks import blocks_expire_due
from plans.services.triggered_filings import triggered_filing_withdraw
from plans.tests.factories import LegalBasisFactory, MatterFactory
from subjects.services import certificate_set_status, certificates_touch_state_changes
from subjects.tests.factories import InspectorFactory
from supervision.services.cases import case_measure_add
from supervision.services.hotline import hotline_ticket_close
from supervision.tests.factories import (
    BlockFactory,
    CaseFactory,
    CheckCodeFactory,
    HotlineTicketFactory,
    InspectionFactory,
)

pytestmark = pytest.mark.django_db


def _pull(client, path, since, key):
    rows, url = [], f"{path}?updated_since={since.isoformat()}&page_size=200"
    while url:
        page = client.get(url)
        assert page.status_code == 200, (path, page.json())
        rows += [r[key] for r in page.json()["results"]]
        url = page.json()["next"]
    return sorted(rows, key=str)


def test_every_syncable_list_returns_exactly_the_changed_records(api, rita, anna, agency_a):
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time(8)))
    with time_machine.travel(start, tick=False):
        basis, other_basis = LegalBasisFactory(), LegalBasisFactory()
        flagged, untouched_matter = MatterFactory(agency=agency_a, legal_bases=[basis]), MatterFactory(
            agency=agency_a, legal_bases=[other_basis])
        suspended, expiring, quiet = (InspectorFactory(agency=agency_a) for _ in range(3))
        expiring.certificate.valid_until = today  # expires at the end of today
        expiring.certificate.save()
        ending, lasting = BlockFactory(ends_on=today), BlockFactory(ends_on=today + timedelta(days=30))
        unshown = CheckCodeFactory(valid_from=start, valid_until=start + timedelta(hours=10))
        shown_code = CheckCodeFactory(status="shown")
        case, quiet_case = CaseFactory(agency=agency_a), CaseFactory(agency=agency_a)
        ticket, quiet_ticket = HotlineTicketFactory(), HotlineTicketFactory()
        insp = InspectionFactory(kind="triggered", initiating_agency=agency_a)
        filing, _new = TriggeredFiling.objects.get_or_create(inspection=insp, defaults=dict(
            agency=agency_a, enterprise=insp.enterprise, source="complaint", month=f"{insp.date:%Y-%m}",
            filed_at=start))
    cursor = start + timedelta(hours=1)
    tomorrow = today + timedelta(days=1)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        legal_basis_update(basis=basis, by=rita, status="repealed", reason="已废止")
        certificate_set_status(certificate=suspended.certificate, by=anna, status="suspended", reason="暂扣")
        certificates_touch_state_changes(today=tomorrow)  # `expiring` is expired from today
        blocks_expire_due(today=tomorrow)
        checkcode_sweep_unshown()
        case_measure_add(case=case, by=rita, kind="correction", date=tomorrow)
        hotline_ticket_close(ticket=ticket, by=rita, reason="已答复")
        triggered_filing_withdraw(inspection=insp, by=anna, reason="检查码在有效期前撤销")
        client = api(rita)
        assert _pull(client, "/api/v1/matters/", cursor, "code") == [flagged.code]
        assert _pull(client, "/api/v1/inspectors/", cursor, "id") == sorted([suspended.pk, expiring.pk])
        assert _pull(client, "/api/v1/blocks/", cursor, "id") == [ending.pk]
        assert _pull(client, "/api/v1/codes/", cursor, "code") == [unshown.code]
        assert _pull(client, "/api/v1/supervision-cases/", cursor, "id") == [case.pk]
        assert _pull(client, "/api/v1/hotline-tickets/", cursor, "id") == [ticket.pk]
        assert _pull(client, "/api/v1/triggered-filings/", cursor, "id") == [filing.pk]
        # What changed is visible as a status, never a silent disappearance.
        assert client.get(f"/api/v1/blocks/{ending.pk}/").json()["status"] == "expired"
        assert client.get(f"/api/v1/triggered-filings/{filing.pk}/").json()["status"] == "withdrawn"
        assert client.get(f"/api/v1/matters/{flagged.code}/").json()["status"] == "needs_adjustment"
        assert {r["id"] for r in client.get("/api/v1/inspectors/").json()["results"]} >= {quiet.pk}
        # Created before the cursor and left alone: a full pull holds them, the `updated_since` pull not.
        everything = _pull(client, "/api/v1/codes/", start - timedelta(days=1), "code")
        assert shown_code.code in everything
        before = start - timedelta(days=1)
        assert untouched_matter.code in _pull(client, "/api/v1/matters/", before, "code")
        assert quiet_case.pk in _pull(client, "/api/v1/supervision-cases/", before, "id")
        assert quiet_ticket.pk in _pull(client, "/api/v1/hotline-tickets/", before, "id")
        assert lasting.pk in _pull(client, "/api/v1/blocks/", before, "id")


def test_platform_read_lists_agencies_and_inspectors_with_personal_data_masked(api, platform_secret, agency_a):
    inspector = InspectorFactory(agency=agency_a, phone="13912345678")
    client = api(secret=platform_secret)
    agencies = client.get("/api/v1/agencies/?updated_since=2000-01-01")
    assert agencies.status_code == 200 and agency_a.code in {a["code"] for a in agencies.json()["results"]}
    rows = client.get("/api/v1/inspectors/").json()["results"]
    row = next(r for r in rows if r["id"] == inspector.pk)
    assert row["certificate_number"] == inspector.certificate.number
    assert row["phone_masked"] == "139****5678" and "phone" not in row and "id_number" not in row
    assert "*" in row["id_number_masked"] and inspector.id_number not in str(row)
    assert client.post("/api/v1/agencies/", {"code": "X", "name": "X"}, format="json").status_code == 403
    assert client.patch(f"/api/v1/inspectors/{inspector.pk}/", {"name": "改"}, format="json").status_code == 403


def test_inspections_plans_and_alerts_sync_their_derived_changes(api, rita, agency_a):
    """An inspection's `check_code` and `enterprise_name`, a plan's targets' names and an alert's status
    change without anyone editing those rows: an unshown code expiring, an enterprise renamed (by hand
    and by an Excel import), a block ending resolves its alert. Each shows in the next pull."""
    from io import BytesIO

    from openpyxl import Workbook

    from jiujiang_inspect.models import Alert
    from plans.imports import enterprises_import
    from plans.models import PlanTarget
    from plans.services.enterprises import enterprise_update
    from supervision.tests.factories import AlertFactory, EnterpriseFactory, PlanFactory

    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time(8)))
    with time_machine.travel(start, tick=False):
        unshown = CheckCodeFactory(valid_from=start, valid_until=start + timedelta(hours=10),
                                   inspection__initiating_agency=agency_a)
        shown = CheckCodeFactory(status="shown", inspection__initiating_agency=agency_a)
        renamed, imported, quiet = EnterpriseFactory(), EnterpriseFactory(), EnterpriseFactory()
        of_renamed = InspectionFactory(enterprise=renamed, initiating_agency=agency_a)
        of_imported = InspectionFactory(enterprise=imported, initiating_agency=agency_a)
        of_quiet = InspectionFactory(enterprise=quiet, initiating_agency=agency_a)
        plan, quiet_plan = PlanFactory(lead_agency=agency_a), PlanFactory(lead_agency=agency_a)
        PlanTarget.objects.create(plan=plan, enterprise=renamed)
        PlanTarget.objects.create(plan=quiet_plan, enterprise=quiet)
        ending = BlockFactory(ends_on=today)
        block_alert = AlertFactory(dedupe_key=f"block:{ending.pk}", agency=agency_a)
        quiet_alert = AlertFactory(agency=agency_a)
    cursor = start + timedelta(hours=1)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        checkcode_sweep_unshown()
        enterprise_update(enterprise=renamed, by=rita, name="芜湖新名称有限公司", reason="名称变更")
        wb = Workbook()
        ws = wb.active
        ws.append(["统一社会信用代码", "企业名称", "镇（街道）"])
        ws.append([imported.uscc, "导入改名有限公司", imported.town])
        buf = BytesIO()
        wb.save(buf)
        buf.seek(0)
        enterprises_import(fileobj=buf, by=rita)
        blocks_expire_due(today=today + timedelta(days=1))
        client = api(rita)
        inspections = _pull(client, "/api/v1/inspections/", cursor, "id")
        assert inspections == sorted([unshown.inspection_id, of_renamed.pk, of_imported.pk])
        assert client.get(f"/api/v1/inspections/{unshown.inspection_id}/").json()["check_code"] is None
        assert client.get(f"/api/v1/inspections/{of_imported.pk}/").json()["enterprise_name"] == "导入改名有限公司"
        assert _pull(client, "/api/v1/plans/", cursor, "id") == [plan.pk]
        unshown_alert = Alert.objects.get(dedupe_key=f"code-unshown:{unshown.pk}")  # raised by the sweep
        assert _pull(client, "/api/v1/alerts/", cursor, "id") == sorted([block_alert.pk, unshown_alert.pk])
        assert client.get(f"/api/v1/alerts/{block_alert.pk}/").json()["status"] == "resolved"
        # Left alone, so not pulled, though a full pull holds them.
        assert of_quiet.pk in _pull(client, "/api/v1/inspections/", start - timedelta(days=1), "id")
        assert shown.inspection_id not in inspections and quiet_plan.pk in _pull(
            client, "/api/v1/plans/", start - timedelta(days=1), "id")
        assert quiet_alert.pk in _pull(client, "/api/v1/alerts/", start - timedelta(days=1), "id")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_daily_sweep_run_by_a_real_worker_on_postgresql_reaches_the_next_pull(api, rita, agency_a,
                                                                                   celery_worker_real):
    """GIVEN an unshown code whose window has ended, a block ending today with its open alert and an
    inspector whose certificate ends today
    WHEN beat's daily sweep for tomorrow goes through Redis to a real worker on PostgreSQL
    THEN the next `updated_since` pull returns exactly those records (and the inspection whose
    `check_code` went away), each with its new status."""
    import time as clock

    from jiujiang_inspect.celery import app
    from jiujiang_inspect.models import Alert
    from jiujiang_inspect.testing import require_postgres
    from supervision.tasks import daily_sweeps_run_task
    from supervision.tests.factories import AlertFactory

    require_postgres()
    today = timezone.localdate()
    now = timezone.now()
    unshown = CheckCodeFactory(valid_from=now - timedelta(hours=10), valid_until=now - timedelta(hours=1),
                               inspection__initiating_agency=agency_a)
    shown = CheckCodeFactory(status="shown", inspection__initiating_agency=agency_a)
    ending, lasting = BlockFactory(ends_on=today), BlockFactory(ends_on=today + timedelta(days=30))
    alert = AlertFactory(dedupe_key=f"block:{ending.pk}", agency=agency_a)
    expiring, quiet = InspectorFactory(agency=agency_a), InspectorFactory(agency=agency_a)
    expiring.certificate.valid_until = today
    expiring.certificate.save()
    clock.sleep(0.05)
    cursor = timezone.now()
    clock.sleep(0.05)
    previous = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    try:
        result = daily_sweeps_run_task.delay((today + timedelta(days=1)).isoformat())
        result.get(timeout=60)
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER = previous
    assert result.state == "SUCCESS"  # went through the broker and the worker
    client = api(rita)
    unshown_alert = Alert.objects.get(dedupe_key=f"code-unshown:{unshown.pk}")
    assert _pull(client, "/api/v1/codes/", cursor, "code") == [unshown.code]
    assert _pull(client, "/api/v1/inspections/", cursor, "id") == [unshown.inspection_id]
    assert _pull(client, "/api/v1/blocks/", cursor, "id") == [ending.pk]
    raised_by_sweep = set(Alert.objects.filter(created_at__gte=cursor).values_list("pk", flat=True))
    assert set(_pull(client, "/api/v1/alerts/", cursor, "id")) == {alert.pk, unshown_alert.pk} | raised_by_sweep
    assert expiring.pk in _pull(client, "/api/v1/inspectors/", cursor, "id")
    assert quiet.pk not in _pull(client, "/api/v1/inspectors/", cursor, "id")
    codes = client.get(f"/api/v1/codes/?updated_since={cursor.isoformat()}").json()["results"]
    assert [c["status"] for c in codes] == ["expired"]
    assert client.get(f"/api/v1/alerts/{alert.pk}/").json()["status"] == "resolved"
    assert shown.code in _pull(client, "/api/v1/codes/", cursor - timedelta(days=1), "code")  # a full pull has it
    assert lasting.pk in _pull(client, "/api/v1/blocks/", cursor - timedelta(days=1), "id")
