"""Default cap policies (docs/domain.md "Frequency rules") exist right after migrate."""
from django.db import migrations

CAPS = {"whitelist": 1, "joint": 2, "non_joint": 2, "key": 6}


def forwards(apps, schema_editor):
    CapPolicy = apps.get_model("plans", "CapPolicy")
    FrequencyPolicy = apps.get_model("plans", "FrequencyPolicy")
    for pool, cap in CAPS.items():
        CapPolicy.objects.get_or_create(pool=pool, defaults={"yearly_onsite_cap": cap})
    FrequencyPolicy.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
