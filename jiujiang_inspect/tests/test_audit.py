import re

import pytest
from django.db import IntegrityError, InternalError, connection, transaction

from jiujiang_inspect.audit import audit_history, audit_record
from jiujiang_inspect.models import AuditEntry
from jiujiang_inspect.testing import require_postgres

pytestmark = pytest.mark.django_db


def test_audit_record_names_actor_target_changes_and_reason(anna, agency_a):
    entry = audit_record(actor=anna, action="agency.updated", target=agency_a, changes={"name": ["旧", "新"]},
                         reason="更名")
    assert entry.actor_label == "anna" and entry.agency_code == "SCJG"
    assert list(audit_history(agency_a)) == [entry]
    assert entry.changes == {"name": ["旧", "新"]} and entry.reason == "更名"


def test_system_actions_are_labelled_as_system(agency_a):
    entry = audit_record(actor=None, action="audit.run", target=agency_a)
    assert entry.actor is None and entry.actor_label == "系统"


def test_audit_entries_cannot_be_changed_or_deleted_through_the_orm(agency_a):
    entry = audit_record(actor=None, action="x", target=agency_a)
    entry.reason = "改写历史"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_audit_admin_is_read_only(rita, client):
    rita.is_staff = True
    rita.is_superuser = True
    rita.save()
    client.force_login(rita)
    assert client.get("/admin/jiujiang_inspect/auditentry/add/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_postgres_trigger_refuses_update_and_delete_even_in_raw_sql(agency_a):
    require_postgres()
    entry = audit_record(actor=None, action="x", target=agency_a)
    for sql in ("UPDATE jiujiang_inspect_auditentry SET reason = 'x' WHERE id = %s",
                "DELETE FROM jiujiang_inspect_auditentry WHERE id = %s"):
        with pytest.raises((InternalError, IntegrityError, Exception)), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, reason="").exists()


def test_history_shows_a_change_to_a_field_named_items(rita, client, agency_a):
    audit_record(actor=rita, action="rectification.updated", target=agency_a, changes={"items": [["a"], ["b"]]})
    client.force_login(rita)
    html = re.sub(r"<[^>]+>", "", client.get("/audit/").content.decode())
    assert "事项：a → b" in html


def test_history_values_read_as_old_to_new_with_chinese_dates():
    from jiujiang_inspect.templatetags.audit_tags import audit_value

    assert audit_value(["2025-03-01", "2026-01-31"]) == "2025年3月1日 → 2026年1月31日"
    assert audit_value([None, "published"]) == "— → published"
    assert audit_value([True, False]) == "是 → 否"
    assert audit_value("2025-03-01T08:00:00+08:00") == "2025年3月1日 08:00"
    assert audit_value(["a", "b", "c"]) == "a、b、c"
