"""The rollups now add up inspections that happened (code issued, result recorded, closed), no longer
approved ones still to come (issue 15): forget the high-water mark so the next refresh rebuilds them."""
from django.db import migrations


def rebuild_on_next_refresh(apps, schema_editor):
    apps.get_model("supervision", "RollupState").objects.update(high_water=None)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0006_correction_reports")]
    operations = [migrations.RunPython(rebuild_on_next_refresh, migrations.RunPython.noop)]
