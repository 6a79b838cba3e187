"""The nine 行政检查文书 kinds with their titles and number words (docs/documents.md "Numbers"); a
reviewer edits them in the admin afterwards, so this only creates missing rows."""
from django.db import migrations

KINDS = [
    ("approval", "行政检查审批表", "检批", False),
    ("notice", "行政检查通知书", "检通", True),
    ("onsite_record", "现场检查笔录", "检录", True),
    ("inquiry_record", "询问笔录", "询录", True),
    ("sampling_record", "抽样取证（勘验）记录", "抽勘", True),
    ("result_notice", "行政检查结果告知书", "检告", True),
    ("rectification_order", "责令改正通知书", "责改", True),
    ("recheck_opinion", "整改复查意见书", "复查", True),
    ("service_receipt", "送达回证", "送达", False),
]


def create(apps, schema_editor):
    DocumentKind = apps.get_model("checkcode", "DocumentKind")
    for kind, title, word, to_enterprise in KINDS:
        DocumentKind.objects.get_or_create(kind=kind, defaults={"title": title, "word": word,
                                                                "to_enterprise": to_enterprise})


class Migration(migrations.Migration):
    dependencies = [("checkcode", "0004_documents")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
