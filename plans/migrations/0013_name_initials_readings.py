"""Enterprise.name_initials now also holds the initials of a character's other readings (达盛 → dc and
ds; issue 15 trial: "jjqds" did not find 鸠江区达盛饭店): recompute them for the registered firms. The
pure function is imported (not frozen): it reads nothing but the name."""
from django.db import migrations


def refill(apps, schema_editor):
    from plans.models import name_initials

    Enterprise = apps.get_model("plans", "Enterprise")
    batch = []
    for e in Enterprise.objects.only("id", "name").iterator(chunk_size=2000):
        e.name_initials = name_initials(e.name)
        batch.append(e)
        if len(batch) >= 2000:
            Enterprise.objects.bulk_update(batch, ["name_initials"])
            batch = []
    if batch:
        Enterprise.objects.bulk_update(batch, ["name_initials"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0012_enterprise_name_initials")]
    operations = [migrations.RunPython(refill, migrations.RunPython.noop)]
