"""Shared Excel reading (jiujiang_inspect.excel.read_sheet) on files as Excel and WPS write them."""
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from jiujiang_inspect.excel import (
    CODE,
    DATE,
    IDENTIFIER,
    NUMERIC_IDENTIFIER_MESSAGE,
    RowErrors,
    SheetSpec,
    check_xlsx_upload,
    normalize_header,
    read_sheet,
)
from jiujiang_inspect.exceptions import ValidationFailed
from jiujiang_inspect.testing import build_xlsx

SPEC = SheetSpec(headers={"编号": "code", "姓名": "name", "日期（选填）": "day", "备注（选填）": "note"},
                 aliases={"证件编号": "code"}, kinds={"code": IDENTIFIER, "day": DATE})
HEADER = ["编号", "姓名", "日期（选填）"]


def read(buf, spec=SPEC):
    errors = RowErrors()
    reader = read_sheet(buf, spec, errors)
    rows = list(reader)
    return reader, rows, errors.errors


def zh_builtin_format(fmt_id):
    """What Excel writes for a zh-CN built-in date format: numFmtId only, no <numFmt> entry."""
    def patch(xml):
        xml = re.sub(r"<numFmts[^>]*>.*?</numFmts>", "", xml, flags=re.S)
        return xml.replace('numFmtId="164"', f'numFmtId="{fmt_id}"')
    return {"xl/styles.xml": patch}


@pytest.mark.parametrize("fmt_id", [31, 27, 57, 58])
def test_true_dates_in_zh_cn_builtin_formats_read_as_dates(fmt_id):
    buf = build_xlsx([HEADER, ["A1", "张三", date(2025, 3, 1)]], formats={("Sheet1", "C2"): 'yyyy"年"m"月"d"日"'},
                     patch=zh_builtin_format(fmt_id))
    raw = load_workbook(buf, read_only=True).active
    assert raw["C2"].value == 45717  # the fault reproduced: openpyxl alone reads a number
    _r, rows, errors = read(buf)
    assert errors == [] and rows[0][1]["day"] == date(2025, 3, 1)


def test_the_1904_date_system_is_honoured_for_date_cells_and_typed_serials():
    # Variant: a Mac-saved workbook; a true date cell and the same date typed as a serial number.
    serial_1904 = (date(2025, 3, 1) - date(1904, 1, 1)).days
    buf = build_xlsx([HEADER, ["A1", "张三", date(2025, 3, 1)], ["A2", "李四", serial_1904]], date1904=True)
    reader, rows, errors = read(buf)
    assert reader.epoch1904 and errors == []
    assert [r["day"] for _n, r in rows] == [date(2025, 3, 1), date(2025, 3, 1)]


@pytest.mark.parametrize("ref", ["A1:C2", "A1"])
def test_stale_sheet_dimensions_are_ignored(ref):
    rows = [HEADER, ["A1", "甲", ""], ["A2", "乙", ""], ["A3", "丙", ""]]
    buf = build_xlsx(rows, patch={"xl/worksheets/sheet1.xml": lambda x: re.sub(r'<dimension ref="[^"]*" ?/>',
                                                                               f'<dimension ref="{ref}"/>', x)})
    raw = list(load_workbook(buf, read_only=True).active.iter_rows(values_only=True))
    assert len(raw) < 4  # the fault reproduced: openpyxl alone trusts the stale dimension
    _r, got, errors = read(buf)
    assert errors == [] and [r["name"] for _n, r in got] == ["甲", "乙", "丙"]


def test_title_rows_and_cover_sheets_before_the_header_are_skipped():
    buf = build_xlsx({"说明": [["填表说明：请勿修改表头"]],
                      "名单": [["鸠江区市场监督管理局行政执法人员名单"], [], ["制表：2025年3月"], HEADER,
                               ["A1", "张三", "2025-03-01"]]})
    reader, rows, _e = read(buf)
    assert (reader.sheet_title, reader.header_row) == ("名单", 4) and rows == [(5, {"code": "A1", "name": "张三",
                                                                                      "day": date(2025, 3, 1)})]


def test_a_header_beyond_the_first_ten_rows_is_missing():
    buf = build_xlsx([[f"说明{i}"] for i in range(10)] + [HEADER])
    with pytest.raises(ValidationFailed) as exc:
        read(buf)
    assert "缺少表头" in exc.value.message and "编号" in exc.value.message


def test_headers_are_normalised_and_aliases_accepted():
    header = ["证件\n编号", " 姓 名 ", "日期(选填)", "日期（选填）".replace("日期", "备注")]
    buf = build_xlsx([header, ["A1", "张三", "2025/3/1", "x"]])
    reader, rows, _e = read(buf)
    assert reader.present == {"code", "name", "day", "note"} and rows[0][1]["day"] == date(2025, 3, 1)
    assert normalize_header("＊手机号（选填）\r\n") == "手机号"


def test_unknown_columns_are_listed_and_look_alikes_refused():
    reader, rows, _e = read(build_xlsx([[*HEADER, "序号", "核查人"], ["A1", "张三", "", 1, "王五"]]))
    assert reader.unrecognised == ["序号", "核查人"] and "序号" not in rows[0][1]
    with pytest.raises(ValidationFailed) as exc:
        read(build_xlsx([[*HEADER, "日期起"], ["A1", "张三", "", "2025-01-01"]]))
    assert "日期起" in exc.value.message and "相近" in exc.value.message


def test_numeric_cells_in_identifier_columns_are_refused():
    spec = SheetSpec(headers={"身份证号": "idn", "单位代码": "agency"}, kinds={"idn": IDENTIFIER, "agency": CODE})
    buf = build_xlsx([["身份证号", "单位代码"], [340207198805124538, "SCJG"], ["340207198805124538", 11]])
    _r, rows, errors = read(buf, spec)
    assert [(e["row"], e["field"], e["message"]) for e in errors] == [
        (2, "身份证号", NUMERIC_IDENTIFIER_MESSAGE), (3, "单位代码", NUMERIC_IDENTIFIER_MESSAGE)]
    assert rows[0][1]["idn"] is None and rows[1][1]["idn"] == "340207198805124538"


def test_unreadable_dates_name_the_value():
    _r, rows, errors = read(build_xlsx([HEADER, ["A1", "张三", "2025年13月1日"]]))
    assert rows[0][1]["day"] is None and "“2025年13月1日”" in errors[0]["message"]


def test_wrong_file_type_says_how_to_save_as_xlsx():
    from io import BytesIO

    old_xls = BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ValidationFailed) as exc:
        check_xlsx_upload(old_xls)
    assert "Excel 或 WPS" in exc.value.message and ".xlsx" in exc.value.message
