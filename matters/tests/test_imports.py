"""Excel import/export of a catalogue: good file, bad rows (nothing written), idempotent re-import,
unsafe files, the background job with per-row errors, 1,000 matters with bounded queries, formula escaping."""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from jiujiang_inspect.exceptions import ValidationFailed
from jiujiang_inspect.models import AuditEntry, BackgroundJob
from matters import services
from matters.imports import BASIS_HEADERS, MATTER_HEADERS, PROBLEM_HEADERS, STANDARD_HEADERS, catalogue_import
from matters.models import CheckStandard, InspectionMatter, LegalBasis
from matters.tests.factories import PublishedMatterFactory

pytestmark = pytest.mark.django_db


def catalogue(n=3, agency="SCJG", prefix="SCJG-JC", start=1):
    """Rows for the four sheets: n matters, each with two bases, two standards and one problem."""
    matters, bases, standards, problems = [], [], [], []
    for i in range(start, start + n):
        code = f"{prefix}-{i:04d}"
        matters.append([code, f"检查事项{i}", agency, "辖区内食品经营者", "现场检查", "否", "6210,6220"])
        bases.append([code, "中华人民共和国食品安全法", "法律", "第一百一十条", "2015-10-01"])
        bases.append([code, "《食品经营许可和备案管理办法》", "部门规章", f"第{i % 50 + 1}条", ""])
        standards += [[code, "是否取得食品经营许可证", "许可证在有效期内并公示"], [code, f"标准项{i}", ""]]
        problems.append([code, "健康证明过期", "组织从业人员每年健康体检"])
    return {"事项": matters, "法定依据": bases, "检查标准": standards, "常见问题": problems}


def xlsx(data, drop_sheet=None):
    wb = Workbook()
    wb.remove(wb.active)
    for name, headers in (("事项", MATTER_HEADERS), ("法定依据", BASIS_HEADERS), ("检查标准", STANDARD_HEADERS),
                          ("常见问题", PROBLEM_HEADERS)):
        if name == drop_sheet:
            continue
        ws = wb.create_sheet(name)
        ws.append(list(headers))
        for row in data[name]:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_good_file_creates_drafts_with_bases_standards_and_problems(anna, agency_a):
    result = catalogue_import(fileobj=xlsx(catalogue(3)), by=anna)
    assert (result["created"], result["updated"], result["unchanged"]) == (3, 0, 0)
    m = InspectionMatter.objects.get(code="SCJG-JC-0002")
    assert m.status == "draft" and m.agency == agency_a
    assert sorted(str(b) for b in m.legal_bases.all()) == ["《中华人民共和国食品安全法》第一百一十条",
                                                           "《食品经营许可和备案管理办法》第3条"]
    assert [s.item for s in m.check_standards.all()] == ["是否取得食品经营许可证", "标准项2"]
    assert sorted(i.code for i in m.industries.all()) == ["6210", "6220"]
    assert LegalBasis.objects.count() == 4  # one law article shared, three rule articles
    assert AuditEntry.objects.filter(action="matter.created").count() == 3
    assert AuditEntry.objects.filter(action="matter.imported").count() == 1


def test_reimport_of_the_same_file_changes_nothing_and_audits_nothing(anna, agency_a):
    data = catalogue(4)
    catalogue_import(fileobj=xlsx(data), by=anna)
    before = (AuditEntry.objects.count(), list(InspectionMatter.objects.values_list("code", "updated_at", "version")),
              list(CheckStandard.objects.values_list("pk", flat=True)))
    again = catalogue_import(fileobj=xlsx(data), by=anna)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    after = (AuditEntry.objects.count(), list(InspectionMatter.objects.values_list("code", "updated_at", "version")),
             list(CheckStandard.objects.values_list("pk", flat=True)))
    assert after == before


def test_changed_row_updates_only_that_matter_and_a_published_one_becomes_next_draft(anna, agency_a):
    """GIVEN a published matter filed as v1 WHEN a re-import changes its standards THEN it is a v2 draft."""
    data = catalogue(2)
    catalogue_import(fileobj=xlsx(data), by=anna)
    m = InspectionMatter.objects.get(code="SCJG-JC-0001")
    InspectionMatter.objects.filter(pk=m.pk).update(status="published", filed_snapshot={"version": 1})
    data["检查标准"][1] = ["SCJG-JC-0001", "标准项1（修订）", "新标准"]
    result = catalogue_import(fileobj=xlsx(data), by=anna)
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 1, 1)
    m.refresh_from_db()
    assert m.status == "draft" and m.version == 2
    assert [s.item for s in m.check_standards.all()][1] == "标准项1（修订）"
    entry = AuditEntry.objects.get(action="matter.updated")
    assert entry.changes["version"] == [1, 2] and "check_standards" in entry.changes


def test_bad_rows_write_nothing_and_report_each_row(anna, agency_a):
    data = catalogue(3)
    data["事项"][1][2] = "NOPE"                      # unknown agency
    data["事项"].append(list(data["事项"][0]))       # duplicate code
    data["事项"][2][1] = "名" * 201                  # too long
    data["法定依据"][0][2] = "法典"                   # bad level
    data["检查标准"].append(["NO-SUCH", "孤立的标准", ""])
    data["常见问题"][0][1] = ""
    with pytest.raises(ValidationFailed) as e:
        catalogue_import(fileobj=xlsx(data), by=anna)
    rows = {(err["row"], err["field"]) for err in e.value.detail["rows"]}
    assert ("事项第3行", "实施主体代码") in rows and ("事项第5行", "事项编码") in rows
    assert ("事项第4行", "事项名称") in rows and ("法定依据第2行", "效力层级") in rows
    assert ("检查标准第8行", "事项编码") in rows and ("常见问题第2行", "常见问题") in rows
    assert not InspectionMatter.objects.exists() and not LegalBasis.objects.exists()
    assert not AuditEntry.objects.exists()


def test_other_agency_rows_and_submitted_matters_are_refused(bert, anna, agency_a):
    with pytest.raises(ValidationFailed) as e:
        catalogue_import(fileobj=xlsx(catalogue(1)), by=bert)
    assert "本单位" in e.value.detail["rows"][0]["message"]
    data = catalogue(1)
    catalogue_import(fileobj=xlsx(data), by=anna)
    services.matter_submit(matter=InspectionMatter.objects.get(), by=anna)
    data["事项"][0][1] = "改名"
    with pytest.raises(ValidationFailed) as e:
        catalogue_import(fileobj=xlsx(data), by=anna)
    assert "待备案" in e.value.detail["rows"][0]["message"]


def test_missing_sheet_is_a_file_error(anna):
    with pytest.raises(ValidationFailed) as e:
        catalogue_import(fileobj=xlsx(catalogue(1), drop_sheet="检查标准"), by=anna)
    assert "检查标准" in e.value.message


def test_zip_bomb_and_oversized_files_are_refused_before_parsing(anna, settings):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "0" * (20 * 1024 * 1024))
    buf.seek(0)
    with pytest.raises(ValidationFailed) as e:
        catalogue_import(fileobj=buf, by=anna)
    assert e.value.code == "unsafe_upload"
    settings.IMPORT_MAX_UPLOAD_BYTES = 2000
    with pytest.raises(ValidationFailed) as e:
        catalogue_import(fileobj=xlsx(catalogue(30)), by=anna)
    assert e.value.code == "unsafe_upload" and "超过上限" in e.value.message
    assert not InspectionMatter.objects.exists()


def test_thousand_matters_import_with_bounded_queries(rita, agency_a, django_assert_max_num_queries):
    # Wall-clock speed is measured against a floor in bench/; here the query bound is the pin (a time limit
    # in the suite only measures how loaded the machine is).
    data = catalogue(1000)
    # Queries grow with audit entries (one per new matter and basis), never with relations per matter.
    with django_assert_max_num_queries(2200):
        result = catalogue_import(fileobj=xlsx(data), by=rita)
    assert result["created"] == 1000 and CheckStandard.objects.count() == 2000
    with django_assert_max_num_queries(30):
        again = catalogue_import(fileobj=xlsx(data), by=rita)
    assert again["unchanged"] == 1000


def test_upload_page_runs_a_job_with_progress_and_shows_row_errors(client, anna, agency_a,
                                                                   django_capture_on_commit_callbacks):
    client.force_login(anna)
    bad = catalogue(2)
    bad["事项"][0][2] = "NOPE"
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/matters/import/", {"file": SimpleUploadedFile("清单.xlsx", xlsx(bad).read())})
    job = BackgroundJob.objects.get()
    assert r.status_code == 302 and r.url == f"/jobs/{job.pk}/" and job.kind == "matters.imports.catalogue_import"
    assert job.status == "failed"
    page = client.get(r.url).content.decode()
    assert "未写入任何数据" in page and "实施主体代码不存在" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/matters/import/", {"file": SimpleUploadedFile("清单.xlsx", xlsx(catalogue(2)).read())})
    job = BackgroundJob.objects.latest("pk")
    assert job.status == "succeeded" and job.result["created"] == 2 and job.percent == 100
    assert client.get("/matters/import/?template=1").status_code == 200


def test_export_round_trips_and_escapes_formulas(client, anna, agency_a):
    PublishedMatterFactory(agency=agency_a, code="X-1", name='=HYPERLINK("http://evil")',
                           standards=[("+1+1", "-2")])
    client.force_login(anna)
    r = client.get("/matters/?export=xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb["事项"]["B2"].value == "'=HYPERLINK(\"http://evil\")"
    assert [c.value for c in wb["检查标准"][2]] == ["X-1", "'+1+1", "'-2"]
