"""Issue 12 cases on the enterprise register: identifiers as people type them, files as agencies keep them."""
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiujiang_inspect.excel import NUMERIC_IDENTIFIER_MESSAGE
from jiujiang_inspect.exceptions import ValidationFailed
from jiujiang_inspect.models import AuditEntry
from jiujiang_inspect.testing import build_xlsx
from matters.models import Industry
from plans.imports import HEADERS, enterprises_import
from plans.models import Enterprise, Pool
from plans.tests.factories import EnterpriseFactory, uscc_for

pytestmark = pytest.mark.django_db
FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
USCC = "91340207MA2NXY12QB"  # valid check character
TYPED = "91３４０２０７MA2NXY12QB"  # case 8: full-width digits typed with a Chinese input method


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client
    return _login


def _body(**kw):
    return {"uscc": USCC, "name": "芜湖市鸠江区味道餐饮店", "town": "wanli", "size": "micro", "credit_class": "A",
            "joins_joint": True} | kw


def test_case8_non_ascii_digits_in_api_form_and_import(api, rita, login):
    r = api(rita).post("/api/v1/enterprises/", _body(uscc=TYPED), format="json")
    assert r.status_code == 201 and r.json()["uscc"] == USCC
    # Variant: digits NFKC does not fold (Arabic-Indic) are a 400 naming the field, never a 500.
    r = api(rita).post("/api/v1/enterprises/", _body(uscc="\u0669\u0661340207MA2NXY12QB"), format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_uscc" and "uscc" in r.json()["detail"]
    other = uscc_for(77)
    r = login(rita).post(reverse("plans:enterprise_create"), {
        "uscc": other[:2] + other[2:8].translate(FULL_WIDTH) + other[8:], "name": "芜湖早期登记厂", "town": "wanli",
        "size": "small", "credit_class": "B", "joins_joint": "on", "is_active": "on"})
    assert r.status_code == 302 and Enterprise.objects.filter(uscc=other).exists()
    third = uscc_for(78)
    header = ["统一社会信用代码", "企业名称", "镇（街道）"]
    enterprises_import(fileobj=build_xlsx([header, [third.translate(FULL_WIDTH), "芜湖三号厂", "湾里街道"]]), by=rita)
    assert Enterprise.objects.filter(uscc=third).exists()


def test_case9_lowercase_lookup_and_pasted_format_characters(api, rita):
    r = api(rita).post("/api/v1/enterprises/", _body(uscc="\ufeff" + USCC.lower() + "\u200b"), format="json")
    assert r.status_code == 201 and r.json()["uscc"] == USCC
    assert api(rita).get(f"/api/v1/enterprises/{USCC.lower()}/").status_code == 200
    assert api(rita).get(f"/api/v1/enterprises/{USCC.translate(FULL_WIDTH)}/").json()["uscc"] == USCC


def test_case9_web_detail_page_by_lowercase_uscc(login, rita):
    EnterpriseFactory(uscc=USCC)
    assert login(rita).get(reverse("plans:enterprise_detail", args=[USCC.lower()])).status_code == 200


def test_case5_unmarked_optional_headers_are_read_not_ignored(rita):
    header = ["统一社会信用代码", "企业名称", "镇（街道）", "信用风险分类", "是否愿意参加联合检查"]
    enterprises_import(fileobj=build_xlsx([header, [USCC, "芜湖一号厂", "湾里街道", "D", "否"]]), by=rita)
    firm = Enterprise.objects.get()
    assert (firm.credit_class, firm.joins_joint, firm.pool) == ("D", False, Pool.NON_JOINT)


@pytest.mark.parametrize("header", ["信用风险分类(选填)", "信用风险\n分类（选填）", "信用风险分类 （选填）"])
def test_case5_half_width_marks_and_line_breaks_in_headers(rita, header):
    enterprises_import(fileobj=build_xlsx([["统一社会信用代码", "企业名称", "镇（街道）", header],
                                           [USCC, "芜湖一号厂", "湾里街道", "D"]]), by=rita)
    assert Enterprise.objects.get().credit_class == "D"


def test_case5_variant_a_look_alike_column_is_refused_and_others_listed(rita):
    with pytest.raises(ValidationFailed) as exc:
        enterprises_import(fileobj=build_xlsx([["统一社会信用代码", "企业名称", "镇（街道）", "信用风险分类等级"],
                                               [USCC, "芜湖一号厂", "湾里街道", "D"]]), by=rita)
    assert "信用风险分类等级" in exc.value.message and Enterprise.objects.count() == 0
    result = enterprises_import(fileobj=build_xlsx([["统一社会信用代码", "企业名称", "镇（街道）", "序号"],
                                                    [USCC, "芜湖一号厂", "湾里街道", 1]]), by=rita)
    assert result["ignored_columns"] == ["序号"] and "序号" in result["message"]


def test_case6_partial_reimport_keeps_absent_columns(rita):
    industry = Industry.objects.get(code="4710")
    firm = EnterpriseFactory(uscc=USCC, credit_class="D", pool=Pool.KEY, size=Enterprise.Size.MEDIUM,
                             industry=industry, address="鸠江区某路1号", contact_name="张三", contact_phone="13900000000")
    result = enterprises_import(fileobj=build_xlsx([["代码", "名称", "镇街"], [USCC, "芜湖新名称有限公司", "湾里街道"]]),
                                by=rita)
    firm.refresh_from_db()
    assert result["updated"] == 1 and firm.name == "芜湖新名称有限公司"
    assert (firm.credit_class, firm.pool, firm.size, firm.industry_id) == ("D", Pool.KEY, "medium", industry.pk)
    assert (firm.address, firm.contact_name, firm.contact_phone) == ("鸠江区某路1号", "张三", "13900000000")


def test_update_variant_decisive_changes_are_audited_per_enterprise(rita):
    a, b, c = (EnterpriseFactory(uscc=uscc_for(n), credit_class="B") for n in (1, 2, 3))
    header = ["统一社会信用代码", "企业名称", "镇（街道）", "信用风险分类（选填）", "愿意参加联合检查（是/否）（选填）"]
    enterprises_import(fileobj=build_xlsx([header, [a.uscc, a.name, "湾里街道", "D", ""],
                                           [b.uscc, b.name, "湾里街道", "", "否"], [c.uscc, c.name, "湾里街道", "B", "是"]]),
                       by=rita)
    entries = {e.target_id: e.changes for e in AuditEntry.objects.filter(action="enterprise.updated")}
    assert entries == {str(a.pk): {"credit_class": ["B", "D"]},
                       str(b.pk): {"joins_joint": [True, False], "pool": ["joint", "non_joint"]}}


def test_case7_numbers_in_identifier_columns_are_refused(rita):
    header = ["统一社会信用代码", "企业名称", "镇（街道）", "行业代码（选填）"]
    with pytest.raises(ValidationFailed) as exc:
        enterprises_import(fileobj=build_xlsx([header, [913402071234567890, "芜湖一号厂", "湾里街道", "4710"],
                                               [uscc_for(5), "芜湖二号厂", "湾里街道", 11]]), by=rita)
    assert [(e["row"], e["field"], e["message"]) for e in exc.value.detail["rows"]] == [
        (2, "统一社会信用代码", NUMERIC_IDENTIFIER_MESSAGE), (3, "行业代码", NUMERIC_IDENTIFIER_MESSAGE)]
    assert Enterprise.objects.count() == 0


def test_template_is_downloadable_from_the_import_page(login, rita):
    c = login(rita)
    assert 'href="?template=1"' in c.get(reverse("plans:enterprise_import")).text
    ws = load_workbook(io.BytesIO(c.get(reverse("plans:enterprise_import") + "?template=1").content)).active
    assert [x.value for x in ws[1]] == list(HEADERS) and ws["A2"].number_format == "@"
