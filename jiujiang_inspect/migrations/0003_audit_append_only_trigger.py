"""On PostgreSQL the audit table refuses UPDATE and DELETE at the database level."""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION jj_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS jj_audit_append_only ON jiujiang_inspect_auditentry;
CREATE TRIGGER jj_audit_append_only BEFORE UPDATE OR DELETE ON jiujiang_inspect_auditentry
FOR EACH ROW EXECUTE FUNCTION jj_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS jj_audit_append_only ON jiujiang_inspect_auditentry;
DROP FUNCTION IF EXISTS jj_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("jiujiang_inspect", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
