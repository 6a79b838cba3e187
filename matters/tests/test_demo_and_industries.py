"""The GB/T 4754-2017 industries loaded by migration, code validation, and the demo catalogue."""
import pytest

from jiujiang_inspect.models import Alert, AuditEntry
from matters.models import Industry, InspectionMatter, JointMatterList, LegalBasis, PublicDocument
from matters.validators import industry_code_error, industry_level_for

pytestmark = pytest.mark.django_db


def test_industries_exist_after_migrate_with_valid_structure():
    assert Industry.objects.filter(level="section").count() == 20
    assert Industry.objects.filter(level="division").count() == 97
    for ind in Industry.objects.select_related("parent"):
        assert industry_level_for(ind.code) == ind.level
        assert industry_code_error(ind.code, ind.parent.code if ind.parent else None) is None, ind.code
    assert Industry.objects.get(code="6210").parent.parent.parent.code == "H"
    assert Industry.objects.get(code="5265").name == "机动车燃油零售"
    keys = dict(Industry.objects.filter(is_key=True).values_list("key_label", "code"))
    assert keys["餐饮"] == "62" and keys["加油站"] == "5265" and keys["建筑施工"] == "47"
    assert keys["危险化学品经营"] == "5169" and keys["小微企业"] == "521"


@pytest.mark.parametrize("code,parent,ok", [
    ("H", None, True), ("62", "H", True), ("62", "F", False), ("621", "62", True), ("6210", "621", True),
    ("6210", "622", False), ("U", None, False), ("98", "T", False), ("6X", "H", False), ("12345", "1234", False),
])
def test_industry_code_validation(code, parent, ok):
    assert (industry_code_error(code, parent) is None) is ok


def test_demo_catalogue_is_realistic_and_idempotent():
    from matters import demo
    from subjects import demo as subjects_demo

    subjects_demo.seed()
    demo.seed()
    statuses = set(InspectionMatter.objects.values_list("status", flat=True))
    assert {"published", "draft", "submitted", "needs_adjustment"} <= statuses
    for agency_code in ("SCJG", "YJGL", "STHJ", "XFJY", "RSJ", "ZJJ", "Z-SX"):
        n = InspectionMatter.objects.filter(agency__code=agency_code).count()
        assert 5 <= n <= 20, agency_code
    assert LegalBasis.objects.filter(title="中华人民共和国行政处罚法", article__in=["第四十二条", "第五十五条"]).count() == 2
    assert LegalBasis.objects.get(title="食品经营许可管理办法").status == "repealed"
    assert Alert.objects.filter(kind="matter.needs_adjustment").exists()
    published = JointMatterList.objects.filter(status="published")
    assert {j.industry.key_label for j in published} == {"餐饮", "危险化学品经营", "建筑施工", "加油站", "小微企业"}
    assert JointMatterList.objects.get(industry__code="62", version=1).status == "superseded"
    assert InspectionMatter.objects.get(code="YJGL-YK-01").version == 2
    assert set(PublicDocument.objects.values_list("kind", flat=True)) == {"negative_list", "guide", "measures",
                                                                          "handbook"}
    audits = AuditEntry.objects.count()
    demo.seed()
    assert AuditEntry.objects.count() == audits
