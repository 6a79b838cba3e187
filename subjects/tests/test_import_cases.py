"""Issue 12 cases on the inspector import and forms: real files (Excel/WPS quirks), real identifiers."""
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from jiujiang_inspect.excel import NUMERIC_IDENTIFIER_MESSAGE
from jiujiang_inspect.exceptions import ValidationFailed
from jiujiang_inspect.testing import build_xlsx
from subjects.imports import HEADERS, inspectors_import
from subjects.models import Certificate, Inspector
from subjects.tests.factories import InspectorFactory
from subjects.validators import id_number_with_check

pytestmark = pytest.mark.django_db
COLUMNS = list(HEADERS)
FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def row(n, *, valid_from="2025-01-01", valid_until="2029-12-31", idn=None):
    idn = idn or id_number_with_check(f"34020719900101{n:03d}")
    return ["SCJG", f"人员{n}", idn, "13900000000", "科员", "否", f"皖IMP{n:05d}", "芜湖市人民政府", "市场监管",
            valid_from, valid_until]


def zh_date_style(fmt_id):
    def patch(xml):
        xml = re.sub(r"<numFmts[^>]*>.*?</numFmts>", "", xml, flags=re.S)
        return xml.replace('numFmtId="164"', f'numFmtId="{fmt_id}"')
    return {"xl/styles.xml": patch}


@pytest.mark.parametrize("fmt_id", [31, 57, 58])
def test_case1_dates_in_zh_cn_builtin_formats(anna, agency_a, fmt_id):
    buf = build_xlsx([COLUMNS, row(1, valid_from=date(2025, 3, 1))], formats={("Sheet1", "J2"): 'yyyy"年"m"月"d"日"'},
                     patch=zh_date_style(fmt_id))
    inspectors_import(fileobj=buf, by=anna)
    assert Certificate.objects.get().valid_from == date(2025, 3, 1)


@pytest.mark.parametrize("typed", ["2025.3.1", "2025/3/1", "2025年3月1日"])
def test_case2_typed_dates_in_certificate_validity(anna, agency_a, typed):
    inspectors_import(fileobj=build_xlsx([COLUMNS, row(1, valid_from=typed)]), by=anna)
    assert Certificate.objects.get().valid_from == date(2025, 3, 1)


@pytest.mark.parametrize("ref", ["A1:K2", "A1"])
def test_case3_stale_dimension_imports_every_row(anna, agency_a, ref):
    buf = build_xlsx([COLUMNS, row(1), row(2), row(3)], patch={"xl/worksheets/sheet1.xml": lambda x: re.sub(
        r'<dimension ref="[^"]*" ?/>', f'<dimension ref="{ref}"/>', x)})
    result = inspectors_import(fileobj=buf, by=anna)
    assert result["created"] == 3 and Inspector.objects.count() == 3


def test_case4_title_row_above_the_header(anna, agency_a):
    buf = build_xlsx([["鸠江区市场监督管理局行政执法人员名单"], COLUMNS, row(1)], merges={"Sheet1": ["A1:K1"]})
    assert inspectors_import(fileobj=buf, by=anna)["created"] == 1


def test_case6_renewal_sheet_without_phone_or_position_keeps_them(anna, agency_a):
    person = InspectorFactory(agency=agency_a, phone="13811112222", position="科长", certificate__number="皖IMP00001")
    header = ["单位代码", "姓名", "身份证号", "执法证件号（选填）", "证件有效期起（选填）", "证件有效期至（选填）"]
    inspectors_import(fileobj=build_xlsx([header, ["SCJG", person.name, person.id_number, "皖IMP00001",
                                                    "2026-01-01", "2031-12-31"]]), by=anna)
    person.refresh_from_db()
    assert (person.phone, person.position) == ("13811112222", "科长")
    assert (person.certificate.valid_from, person.certificate.valid_until) == (date(2026, 1, 1), date(2031, 12, 31))


def test_update_variant_empty_cells_in_present_columns_keep_stored_values(anna, agency_a):
    person = InspectorFactory(agency=agency_a, phone="13811112222", position="科长", certificate__number="皖IMP00001",
                              certificate__issuer="芜湖市人民政府")
    inspectors_import(fileobj=build_xlsx([COLUMNS, ["SCJG", person.name, person.id_number, "", "", "", "皖IMP00001",
                                                     "", "", "", ""]]), by=anna)
    person.refresh_from_db()
    assert (person.phone, person.position, person.certificate.issuer) == ("13811112222", "科长", "芜湖市人民政府")


def test_case7_id_number_typed_as_a_number_is_refused(anna, agency_a):
    with pytest.raises(ValidationFailed) as exc:
        inspectors_import(fileobj=build_xlsx([COLUMNS, row(1, idn=340207198805124538)]), by=anna)
    assert exc.value.detail["rows"][0] == {"row": 2, "field": "身份证号", "message": NUMERIC_IDENTIFIER_MESSAGE}
    assert Inspector.objects.count() == 0


def test_case9_full_width_id_number_is_accepted_by_import_and_form(client, anna, agency_a):
    idn = id_number_with_check("34020719880512453")
    inspectors_import(fileobj=build_xlsx([COLUMNS, row(1, idn="\ufeff" + idn.translate(FULL_WIDTH))]), by=anna)
    assert Inspector.objects.get().id_number == idn
    client.force_login(anna)
    other = id_number_with_check("34020719880512454")
    r = client.post("/subjects/inspectors/new/", {
        "agency": agency_a.pk, "name": "王五", "id_number": other.translate(FULL_WIDTH) + "\u200b", "is_helper": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Inspector.objects.filter(id_number=other).exists()


def test_case14_edit_form_shows_dates_and_saves_unchanged(client, anna, agency_a):
    person = InspectorFactory(agency=agency_a, certificate__valid_from=date(2024, 8, 16),
                              certificate__valid_until=date(2029, 8, 16))
    client.force_login(anna)
    page = client.get(f"/subjects/inspectors/{person.pk}/edit/").content.decode()
    assert 'value="2029-08-16"' in page and 'value="2024-08-16"' in page
    fields = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', page))
    fields = {k: v for k, v in fields.items() if k not in ("is_helper", "csrfmiddlewaretoken")}
    r = client.post(f"/subjects/inspectors/{person.pk}/edit/", {**fields, "agency": agency_a.pk})
    assert r.status_code == 302, r.content.decode()[:3000]
    person.certificate.refresh_from_db()
    assert person.certificate.valid_until == date(2029, 8, 16)


def test_template_is_downloadable_from_the_import_page(client, anna):
    client.force_login(anna)
    page = client.get("/subjects/inspectors/import/").content.decode()
    assert 'href="?template=1"' in page
    r = client.get("/subjects/inspectors/import/?template=1")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]] == COLUMNS and ws["C2"].number_format == "@"
