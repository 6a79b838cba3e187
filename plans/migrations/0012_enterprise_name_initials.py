from django.db import migrations, models
from pypinyin import Style, lazy_pinyin
import unicodedata


def initials(name):
    # A frozen copy of plans.models.name_initials (migrations do not import the live model code).
    parts = lazy_pinyin(unicodedata.normalize("NFKC", str(name or "")), style=Style.FIRST_LETTER, errors="default")
    return "".join(ch for ch in "".join(parts).lower() if ch.isascii() and ch.isalnum())[:200]


def fill(apps, schema_editor):
    Enterprise = apps.get_model("plans", "Enterprise")
    batch = []
    for e in Enterprise.objects.only("id", "name").iterator(chunk_size=2000):
        e.name_initials = initials(e.name)
        batch.append(e)
        if len(batch) >= 2000:
            Enterprise.objects.bulk_update(batch, ["name_initials"])
            batch = []
    if batch:
        Enterprise.objects.bulk_update(batch, ["name_initials"])


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0011_list_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='enterprise',
            name='name_initials',
            field=models.CharField(blank=True, db_index=True, max_length=200, verbose_name='名称拼音首字母'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
