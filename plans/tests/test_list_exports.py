"""List pages of plans (docs/ui.md list convention): 年度检查计划, 触发式检查备案, 检查拒绝记录 — filter bar,
Excel export of exactly what the user may see, query counts that do not grow with rows."""
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import GateRefusal
from plans.services.triggered_filings import triggered_filing_record

from .factories import AnnualPlanFactory, EnterpriseFactory, make_inspection

pytestmark = pytest.mark.django_db


def _rows(res):
    assert res.status_code == 200
    assert res["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(res.content)).active.iter_rows(values_only=True))


def _filing(agency, name, **kw):
    insp = make_inspection(agency=agency, kind="triggered", enterprise=EnterpriseFactory(name=name), **kw)
    return triggered_filing_record(inspection=insp)


def _refusal(agency, name, code, stage="approve"):
    insp = make_inspection(agency=agency, enterprise=EnterpriseFactory(name=name))
    return GateRefusal.objects.create(inspection=insp, agency=agency, stage=stage, code=code, message=f"{code} 说明",
                                      all_codes=[code])


def test_triggered_filing_export_is_scoped_to_the_agency(client, anna, bob, rita, agency_a, agency_b):
    """GIVEN filings of agency A and B WHEN anna (A) exports THEN only A's filing is in the file;
    the reviewer's export holds both."""
    _filing(agency_a, "甲方餐馆")
    _filing(agency_b, "乙方药店")
    url = reverse("plans:triggered_filing_list")
    client.force_login(anna)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:3] == ("月份", "单位", "企业")
    assert [r[2] for r in rows[1:]] == ["甲方餐馆"]
    client.force_login(rita)
    assert {r[2] for r in _rows(client.get(url, {"export": "xlsx"}))[1:]} == {"甲方餐馆", "乙方药店"}
    page = client.get(url, {"agency": agency_b.code}).content.decode()
    assert "乙方药店" in page and "甲方餐馆" not in page


def test_triggered_filing_filters_narrow_the_list(client, anna, agency_a):
    filing = _filing(agency_a, "甲方餐馆")
    _filing(agency_a, "丙方超市")
    url = reverse("plans:triggered_filing_list")
    client.force_login(anna)
    page = client.get(url, {"q": "甲方"}).content.decode()
    assert "甲方餐馆" in page and "丙方超市" not in page
    assert 'value="" selected>全部' in page and "---------" not in page
    year = filing.month[:4]
    assert "甲方餐馆" in client.get(url, {"year": year}).content.decode()
    assert "没有符合条件" in client.get(url, {"year": int(year) - 5}).content.decode()
    assert [r[2] for r in _rows(client.get(url, {"q": "丙方", "export": "xlsx"}))[1:]] == ["丙方超市"]


def test_gate_refusals_filter_and_export_for_reviewers_only(client, anna, rita, agency_a, agency_b):
    _refusal(agency_a, "甲方餐馆", "enterprise_over_yearly_cap")
    _refusal(agency_b, "乙方药店", "too_few_inspectors", stage="issue")
    url = reverse("plans:gate_refusal_list")
    client.force_login(anna)
    assert client.get(url, {"export": "xlsx"}).status_code == 403
    client.force_login(rita)
    page = client.get(url, {"stage": "issue"}).content.decode()
    assert "乙方药店" in page and "甲方餐馆" not in page
    page = client.get(url, {"code": "enterprise_over_yearly_cap"}).content.decode()
    assert "甲方餐馆" in page and "乙方药店" not in page
    rows = _rows(client.get(url, {"export": "xlsx", "agency": agency_a.code}))
    assert rows[0][:4] == ("时间", "单位", "人员", "企业")
    assert [(r[3], r[5], r[6]) for r in rows[1:]] == [("甲方餐馆", "审批", "企业年度现场检查上限")]


def test_gate_refusal_list_queries_do_not_grow(client, rita, agency_a):
    client.force_login(rita)
    url = reverse("plans:gate_refusal_list")
    _refusal(agency_a, "甲方餐馆", "enterprise_over_yearly_cap")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(4):
        _refusal(agency_a, f"企业{n}", "enterprise_over_yearly_cap")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_plan_export_respects_who_sees_which_plan(client, anna, bob, rita, agency_a, agency_b):
    """GIVEN a draft plan led by A and a draft plan led by B WHEN anna exports THEN only A's plan is in
    the file (drafts of other agencies stay private); a filter narrows the reviewer's export."""
    AnnualPlanFactory(lead_agency=agency_a, title="甲局餐饮联合检查计划")
    AnnualPlanFactory(lead_agency=agency_b, title="乙局药店联合检查计划")
    url = reverse("plans:plan_list")
    client.force_login(anna)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:3] == ("年度", "计划名称", "牵头单位")
    assert [r[1] for r in rows[1:]] == ["甲局餐饮联合检查计划"]
    client.force_login(rita)
    assert len(_rows(client.get(url, {"export": "xlsx"}))) == 3
    rows = _rows(client.get(url, {"export": "xlsx", "q": "药店"}))
    assert [r[1] for r in rows[1:]] == ["乙局药店联合检查计划"]
    page = client.get(url, {"agency": agency_a.code}).content.decode()
    assert "甲局餐饮联合检查计划" in page and "乙局药店联合检查计划" not in page and "导出 Excel" in page
