"""The 负面清单 of inspector behaviours exists right after migrate (enterprises report against it)."""
from django.db import migrations

ITEMS = [
    ("N01", "未出示检查码即实施现场检查", "涉企现场检查应当亮码入企，无码不得检查。"),
    ("N02", "执法人员少于两人或未出示执法证件", "行政处罚法第42条、第55条。"),
    ("N03", "超出检查事项清单范围实施检查", "只能检查已公布的检查事项。"),
    ("N04", "同一事项重复检查、多头检查", "同一企业同一事项不得重复检查。"),
    ("N05", "吃拿卡要、收受财物", "不得索取、收受企业财物或接受宴请。"),
    ("N06", "要求企业报销费用或指定购买商品、服务", "不得向企业摊派、转嫁费用。"),
    ("N07", "检查中态度粗暴、刁难企业", "文明执法，不得刁难。"),
    ("N08", "影响企业正常生产经营", "合理安排检查时间和方式，减少对生产经营的影响。"),
    ("N09", "委托中介机构或第三方实施行政检查", "第三方、中介不得作为检查主体。"),
    ("N10", "以检查名义变相收费或搞逐利执法", "严禁趋利性执法。"),
    ("N11", "未事先告知检查事项（依法不予告知的除外）", "应当预先告知检查时间、依据和方式。"),
    ("N12", "泄露企业商业秘密或个人信息", "对检查中知悉的商业秘密依法保密。"),
]


def forwards(apps, schema_editor):
    NegativeListItem = apps.get_model("matters", "NegativeListItem")
    for code, title, desc in ITEMS:
        NegativeListItem.objects.get_or_create(code=code, defaults={"title": title, "description": desc})


class Migration(migrations.Migration):
    dependencies = [("matters", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
