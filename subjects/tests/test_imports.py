import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from jiujiang_inspect.exceptions import ValidationFailed
from jiujiang_inspect.models import BackgroundJob
from subjects.imports import HEADERS, inspectors_import
from subjects.models import Inspector
from subjects.tests.factories import InspectorFactory
from subjects.validators import id_number_with_check

pytestmark = pytest.mark.django_db

COLUMNS = list(HEADERS)


def xlsx(rows, headers=COLUMNS):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def row(n, name="张三", agency="SCJG", cert=True, helper="否"):
    idn = id_number_with_check(f"34020719900101{n:03d}")
    return [agency, name, idn, "13900000000", "科员", helper, f"皖IMP{n:05d}" if cert else None,
            "芜湖市人民政府", "市场监管", "2024-01-01" if cert else None, "2029-12-31" if cert else None]


def test_good_file_imports_all_rows_and_reimport_changes_nothing(anna, agency_a):
    rows = [row(i, name=f"人员{i}") for i in range(1, 6)]
    result = inspectors_import(fileobj=xlsx(rows), by=anna)
    assert result["created"] == 5 and Inspector.objects.filter(agency=agency_a).count() == 5
    again = inspectors_import(fileobj=xlsx(rows), by=anna)
    assert again["created"] == 0 and again["updated"] == 0
    rows[0][1] = "改名了"
    third = inspectors_import(fileobj=xlsx(rows), by=anna)
    assert third["updated"] == 1 and Inspector.objects.filter(name="改名了").exists()


def test_file_with_bad_rows_writes_nothing_and_reports_each_row(anna, agency_a):
    rows = [row(1), row(2, agency="NOPE"), row(3, cert=False), row(1, name="重复")]
    rows[2][2] = "340207199001010000"
    with pytest.raises(ValidationFailed) as e:
        inspectors_import(fileobj=xlsx(rows), by=anna)
    errors = e.value.detail["rows"]
    assert {err["row"] for err in errors} == {3, 4, 5}
    assert any("单位代码" == err["field"] for err in errors)
    assert any("重复" in err["message"] for err in errors)
    assert Inspector.objects.count() == 0


def test_admin_cannot_import_into_another_agency(bert, agency_a):
    with pytest.raises(ValidationFailed) as e:
        inspectors_import(fileobj=xlsx([row(1)]), by=bert)
    assert "本单位" in e.value.detail["rows"][0]["message"]


def test_missing_header_is_a_file_error(anna):
    with pytest.raises(ValidationFailed) as e:
        inspectors_import(fileobj=xlsx([["SCJG"]], headers=["单位代码"]), by=anna)
    assert "缺少表头" in e.value.message


def test_zip_bomb_is_refused_before_parsing(anna, settings):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "0" * (20 * 1024 * 1024))
    buf.seek(0)
    with pytest.raises(ValidationFailed) as e:
        inspectors_import(fileobj=buf, by=anna)
    assert e.value.code == "unsafe_upload"


def test_oversized_file_is_refused(anna, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationFailed) as e:
        inspectors_import(fileobj=xlsx([row(i) for i in range(1, 50)]), by=anna)
    assert e.value.code == "unsafe_upload" and "超过上限" in e.value.message


def test_upload_page_runs_a_job_and_shows_row_errors(client, anna, agency_a, django_capture_on_commit_callbacks):
    client.force_login(anna)
    upload = SimpleUploadedFile("人员.xlsx", xlsx([row(1), row(2, agency="NOPE")]).read())
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/subjects/inspectors/import/", {"file": upload})
    job = BackgroundJob.objects.get()
    assert r.status_code == 302 and r.url == f"/jobs/{job.pk}/"
    assert job.status == "failed"
    page = client.get(r.url).content.decode()
    assert "未写入任何数据" in page and "单位代码不存在" in page
    assert Inspector.objects.count() == 0


def test_export_masks_id_numbers_and_escapes_formulas(client, anna, agency_a):
    InspectorFactory(agency=agency_a, name="=HYPERLINK(\"http://x\")")
    client.force_login(anna)
    r = client.get("/subjects/inspectors/?export=xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    values = [c.value for c in ws[2]]
    assert values[2].startswith("'=") and "*" in values[3]
