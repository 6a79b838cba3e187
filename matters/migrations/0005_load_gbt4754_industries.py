"""GB/T 4754-2017 industries (20 门类, 97 大类, key 中类/小类) exist right after migrate."""
from django.db import migrations


def forwards(apps, schema_editor):
    from matters.gbt4754 import industries_load

    industries_load(apps.get_model("matters", "Industry"))


class Migration(migrations.Migration):
    dependencies = [("matters", "0004_matter_lifecycle_times")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
