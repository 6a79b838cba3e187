"""Histories and the audit trail read as Chinese (issue 15 "Reviewer and everyone"): action names, field
labels, values through their choices' labels, people's names, links to the objects, "A → B" only for a
change; a date-range filter and an Excel export on the 审计记录 page."""
import re
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook

from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.audit_display import NOUNS, VERBS, action_label, audit_rows
from jiujiang_inspect.models import AuditEntry
from plans.tests.factories import EnterpriseFactory
from subjects.tests.factories import InspectorFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def _change(entry_row, label):
    return next(c for c in entry_row.changes if c.label == label)


def test_a_change_reads_as_chinese_with_labels_choices_names_and_a_link(client, rita, anna, agency_a):
    firm = EnterpriseFactory(credit_class="B")
    inspector = InspectorFactory(agency=agency_a, name="周明")
    audit_record(actor=anna, action="enterprise.updated", target=firm, reason="年度信用评价",
                 changes={"credit_class": ["B", "D"], "address": ["", "万春街道1号"]})
    audit_record(actor=rita, action="block.created", target=firm, changes={"inspector": inspector.pk})
    audit_record(actor=None, action="report.requested", target=firm,
                 changes={"period": ["2025-01-01", "2025-03-31"]})
    rows = audit_rows(AuditEntry.objects.select_related("actor", "target_type"))
    report, block, update = rows
    assert update.action_label == "企业 修改" and update.actor == "陈安"
    assert (_change(update, "信用风险分类").old, _change(update, "信用风险分类").new) == ("B类（一般风险）", "D类（高风险）")
    assert (_change(update, "地址").old, _change(update, "地址").new) == ("—", "万春街道1号")
    assert update.url == f"/plans/enterprises/{firm.uscc}/"
    assert block.action_label == "阻断 新建" and block.actor == "李审"
    assert block.changes[0].label == "执法人员"  # a key that is not a field of the target: the vocabulary names it
    # a period is two dates, not a change from one to the other
    assert report.actor == "系统" and report.changes[0].old is None
    assert report.changes[0].new == "2025年1月1日、2025年3月31日"

    client.force_login(anna)
    page = re.sub(r"<[^>]+>", "", client.get(f"/plans/enterprises/{firm.uscc}/").content.decode())
    assert "企业 修改" in page and "信用风险分类：B类（一般风险） → D类（高风险）" in page
    assert "enterprise.updated" not in page and "credit_class" not in page


def test_related_ids_in_changes_read_as_names(rita, agency_a):
    from supervision.tests.factories import BlockFactory

    inspector = InspectorFactory(agency=agency_a, name="周明")
    block = BlockFactory(inspector=inspector, rule="manual")
    audit_record(actor=rita, action="block.created", target=block,
                 changes={"inspector": [None, inspector.pk], "rule": [None, "manual"]})
    row = audit_rows(AuditEntry.objects.filter(action="block.created"))[0]
    # (PostgreSQL's jsonb keeps keys in its own order: compare as a set)
    assert {(c.label, c.old, c.new) for c in row.changes} == {
        ("限定人员", "—", str(inspector)), ("规则", "—", "司法局决定")}
    assert row.url is None  # a block has no page of its own; its enterprise's page lists it


def test_the_audit_page_filters_by_chinese_action_and_dates_and_exports(client, rita, anna):
    firm = EnterpriseFactory()
    with time_machine.travel("2025-01-05T10:00:00+08:00", tick=False):  # entries are append-only
        audit_record(actor=anna, action="enterprise.created", target=firm)
    audit_record(actor=anna, action="enterprise.updated", target=firm, changes={"credit_class": ["B", "C"]})
    client.force_login(rita)
    html = client.get("/audit/").content.decode()
    assert "企业 新建" in html and "企业 修改" in html and ">enterprise.updated<" not in html
    assert f'href="/plans/enterprises/{firm.uscc}/"' in html
    page = client.get("/audit/", {"action": "新建"}).content.decode()
    assert "企业 新建" in page and "企业 修改" not in page
    page = client.get("/audit/", {"date_from": "2025/1/1", "date_to": "2025年1月31日"}).content.decode()
    assert "企业 新建" in page and "企业 修改" not in page
    page = client.get("/audit/", {"date_from": "昨天"}).content.decode()
    assert "无法识别日期" in page
    res = client.get("/audit/", {"export": "xlsx", "action": "修改"})
    assert res.status_code == 200 and res["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(res.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("时间", "操作人", "动作", "动作代码", "对象", "变更", "原因")
    assert len(rows) == 2 and rows[1][2] == "企业 修改" and rows[1][5] == "信用风险分类：B类（一般风险） → C类（较高风险）"


def test_the_audit_page_reads_a_page_of_entries_in_constant_queries(client, rita, anna, django_assert_max_num_queries):
    firms = EnterpriseFactory.create_batch(5)
    for firm in firms:
        audit_record(actor=anna, action="enterprise.updated", target=firm, changes={"credit_class": ["B", "C"]})
    client.force_login(rita)
    with django_assert_max_num_queries(14):
        client.get("/audit/")
    for firm in EnterpriseFactory.create_batch(20):
        audit_record(actor=anna, action="enterprise.updated", target=firm, changes={"credit_class": ["B", "C"]})
    with django_assert_max_num_queries(14):
        client.get("/audit/")


def _actions_in_code():
    found = set()
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        for match in re.finditer(r'\baction=f?"([a-z_]+)\.([a-z_{}]+)"', path.read_text(encoding="utf-8")):
            found.add((match.group(1), match.group(2)))
    return found


def test_every_action_the_services_write_has_a_chinese_name():
    actions = _actions_in_code()
    assert len(actions) >= 80
    nouns = sorted({noun for noun, _verb in actions if noun not in NOUNS})
    verbs = sorted({verb for _noun, verb in actions if "{" not in verb and verb not in VERBS})
    assert (nouns, verbs) == ([], [])
    assert action_label("matter.filed") == "检查事项 备案"


def test_objects_without_a_name_agencies_recorded_by_code_and_default_labels_read_as_chinese(rita, agency_a):
    from supervision.models import JobRun
    from supervision.tests.factories import CaseFactory

    run = JobRun.objects.create(kind="frequency_audit", period="2025-02")
    case = CaseFactory(agency=agency_a)
    audit_record(actor=rita, action="frequency_audit.run", target=run, changes={"enterprises_over_cap": 3})
    audit_record(actor=rita, action="case.created", target=case, changes={"agency": agency_a.code})
    case_row, run_row = audit_rows(AuditEntry.objects.select_related("actor", "target_type"))
    assert run_row.target == f"任务运行 #{run.pk}" and run_row.changes[0].label == "超上限企业"
    assert (case_row.changes[0].label, case_row.changes[0].new) in {("被监督单位", str(agency_a)), ("单位", str(agency_a))}


def test_structured_values_read_as_people_wrote_them(rita, anna, agency_a):
    """Trial finding: a measure's kind, its id, an inspection's participations and rectification items
    showed as codes and dicts; a new record listed every empty field."""
    from datetime import date

    from jiujiang_inspect.audit import audit_record
    from jiujiang_inspect.audit_display import audit_rows
    from jiujiang_inspect.models import AuditEntry
    from plans.tests.factories import MatterFactory
    from subjects.tests.factories import InspectorFactory
    from supervision.services.cases import case_measure_add
    from supervision.tests.factories import CaseFactory, InspectionFactory

    case = CaseFactory(agency=agency_a)
    measure = case_measure_add(case=case, by=rita, kind="correction", date=date(2026, 3, 2))
    wang = InspectorFactory(agency=agency_a, name="王丽")
    matter = MatterFactory(agency=agency_a, name="餐饮服务食品安全检查")
    insp = InspectionFactory(initiating_agency=agency_a)
    audit_record(actor=anna, action="inspection.updated", target=insp, changes={
        "participations": [{"agency": agency_a.code, "inspectors": [wang.pk], "matters": [matter.code]}],
        "rectification_items": [{"item": "补办健康证"}], "address": ""})
    audit_record(actor=anna, action="inspection.created", target=insp, changes={"findings": "", "date": "2026-03-02"})
    audit_record(actor=rita, action="case.updated", target=case, changes={"measure": measure.pk})
    rows = {r.action: r for r in audit_rows(AuditEntry.objects.order_by("id"))}
    text = lambda row: {c.label: c.new for c in row.changes}  # noqa: E731
    measured = text(rows["case.measure_added"])
    assert measured["类型"] == "责令改正"
    updated = text(rows["inspection.updated"])
    assert updated["参与单位"] == f"{agency_a}（执法人员 王丽；事项 {matter}）" and "餐饮服务食品安全检查" in str(matter)
    assert updated["整改事项"] == "补办健康证"
    assert "检查发现" not in text(rows["inspection.created"])  # empty at creation: not listed
    assert text(rows["case.updated"])["监督措施"] == "责令改正（2026年03月02日）"
