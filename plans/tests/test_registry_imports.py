from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jiujiang_inspect.exceptions import ValidationFailed
from jiujiang_inspect.jobs import job_create
from jiujiang_inspect.models import AuditEntry, BackgroundJob
from plans.imports import HEADERS, enterprises_import
from plans.models import Enterprise, Pool, PoolMembership
from plans.tests.factories import EnterpriseFactory, bad_checksum, uscc_for

pytestmark = pytest.mark.django_db


def _xlsx(rows, headers=tuple(HEADERS)):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(list(headers))
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def _row(n, **kw):
    base = {"uscc": uscc_for(n), "name": f"芜湖鸠江{n}号商贸有限公司", "town": "湾里街道", "industry": "", "size": "小型",
            "credit_class": "B", "joins_joint": "是", "address": "鸠江区某路1号", "contact_name": "张三",
            "contact_phone": "13900000000", "is_active": "是"}
    base.update(kw)
    return [base[k] for k in HEADERS.values()]


def test_import_creates_then_reimport_is_idempotent_and_updates_changes(rita):
    """GIVEN a file of 3 valid rows WHEN imported twice THEN 3 are created once, the second run changes
    nothing; a third file changing one row updates only that row and moves an opted-out firm to 非联合."""
    rows = [_row(1), _row(2), _row(3, town="sihe_shan", size="individual")]
    result = enterprises_import(fileobj=_xlsx(rows), by=rita)
    assert result["created"] == 3 and Enterprise.objects.count() == 3
    assert PoolMembership.objects.filter(valid_to__isnull=True, pool=Pool.JOINT).count() == 3
    again = enterprises_import(fileobj=_xlsx(rows), by=rita)
    assert again["created"] == 0 and again["updated"] == 0 and again["unchanged"] == 3
    rows[1] = _row(2, joins_joint="否", name="芜湖鸠江2号商贸有限公司（更名）")
    third = enterprises_import(fileobj=_xlsx(rows), by=rita)
    assert third["updated"] == 1
    e = Enterprise.objects.get(uscc=uscc_for(2))
    assert e.pool == Pool.NON_JOINT and e.name.endswith("（更名）")
    assert list(e.pool_history.order_by("valid_from", "id").values_list("pool", flat=True)) == ["joint", "non_joint"]
    assert AuditEntry.objects.filter(action="enterprise.imported").count() == 3


def test_import_is_all_or_nothing_with_per_row_errors(anna):
    rows = [_row(1), _row(2, uscc="BAD"), _row(3, town="火星"), _row(1), _row(4, credit_class="Z"),
            _row(5, uscc=bad_checksum(uscc_for(5)))]
    with pytest.raises(ValidationFailed) as exc:
        enterprises_import(fileobj=_xlsx(rows), by=anna)
    errors = exc.value.detail["rows"]
    assert {(e["row"], e["field"]) for e in errors} >= {(3, "统一社会信用代码"), (4, "镇（街道）"), (5, "统一社会信用代码"),
                                                         (6, "信用风险分类"), (7, "统一社会信用代码")}
    assert Enterprise.objects.count() == 0


def test_missing_header_is_a_file_error(anna):
    with pytest.raises(ValidationFailed) as exc:
        enterprises_import(fileobj=_xlsx([["x"]], headers=["企业名称"]), by=anna)
    assert "统一社会信用代码" in exc.value.message


def test_import_runs_as_a_background_job_with_progress_and_reviewer_accepts_checksum(rita, django_capture_on_commit_callbacks):
    EnterpriseFactory(uscc=uscc_for(1), name="旧名称")
    data = _xlsx([_row(1), _row(2, uscc=bad_checksum(uscc_for(2)))]).getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(kind="plans.imports.enterprises_import", by=rita,
                         upload=SimpleUploadedFile("名录.xlsx", data), params={"accept_checksum_warning": True})
    job = BackgroundJob.objects.get(pk=job.pk)
    assert job.status == "succeeded", (job.message, job.errors)
    assert job.result["created"] == 1 and job.result["updated"] == 1 and job.percent == 100
    accepted = Enterprise.objects.get(uscc=bad_checksum(uscc_for(2)))
    assert accepted.checksum_warning_accepted
    audit = AuditEntry.objects.get(action="enterprise.imported")
    assert audit.changes["checksum_warning_accepted"] == [accepted.uscc]


def test_failed_job_keeps_the_row_report(anna, django_capture_on_commit_callbacks):
    data = _xlsx([_row(1, name="")]).getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(kind="plans.imports.enterprises_import", by=anna, upload=SimpleUploadedFile("a.xlsx", data))
    job.refresh_from_db()
    assert job.status == "failed" and job.errors[0]["field"] == "企业名称"
