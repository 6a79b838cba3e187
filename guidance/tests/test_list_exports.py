"""Guidance lists (docs/ui.md list convention): filter bar with 全部, Excel export of exactly the rows the user sees."""
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from guidance.models import OnlineTest, ResultRecognition, TestAttempt, TrainingSession, TypicalCase
from guidance.tests.factories import (
    EnterpriseFactory,
    OnlineTestFactory,
    TrainingSessionFactory,
    TypicalCaseFactory,
    inspection_with,
    result_for,
)

pytestmark = pytest.mark.django_db


def _rows(res):
    assert res.status_code == 200
    assert res["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(res.content)).active.iter_rows(values_only=True))


def test_training_export_is_scoped_and_follows_the_filters(client, alice, agency_a, agency_b):
    """GIVEN a session of A, one of B open to all, and one of B invited only for B
    WHEN an inspector of A exports THEN the B-only session is absent, and a status filter narrows it."""
    TrainingSessionFactory(title="甲局检查码培训", organiser=agency_a)
    TrainingSessionFactory(title="全区执法培训", organiser=agency_b, status=TrainingSession.Status.DONE)
    TrainingSessionFactory(title="乙局内部培训", organiser=agency_b).invited_agencies.add(agency_b)
    url = reverse("guidance:training_list")
    client.force_login(alice)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:3] == ("培训日期", "培训名称", "主办单位")
    assert {r[1] for r in rows[1:]} == {"甲局检查码培训", "全区执法培训"}
    rows = _rows(client.get(url, {"export": "xlsx", "status": "done"}))
    assert [r[1] for r in rows[1:]] == ["全区执法培训"]
    page = client.get(url, {"q": "甲局"}).content.decode()
    assert "甲局检查码培训" in page and "全区执法培训" not in page and "导出 Excel" in page
    assert "---------" not in page


def test_case_export_is_scoped_and_follows_the_filters(client, alice, rita):
    """GIVEN a published violation case, a published good-practice case and a draft
    WHEN an inspector exports THEN the draft is absent (reviewers see it), and a kind filter narrows it."""
    TypicalCaseFactory(title="未亮码入企", kind=TypicalCase.Kind.VIOLATION)
    TypicalCaseFactory(title="联合检查减负", kind=TypicalCase.Kind.GOOD_PRACTICE)
    TypicalCaseFactory(title="草稿案例", status=TypicalCase.Status.DRAFT)
    url = reverse("guidance:case_list")
    client.force_login(alice)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:3] == ("案例标题", "类型", "类别")
    assert {r[0] for r in rows[1:]} == {"未亮码入企", "联合检查减负"}
    rows = _rows(client.get(url, {"export": "xlsx", "kind": "violation", "q": "亮码"}))
    assert [r[0] for r in rows[1:]] == ["未亮码入企"]
    page = client.get(url, {"kind": "good_practice"}).content.decode()
    assert "联合检查减负" in page and "未亮码入企" not in page and "导出 Excel" in page and "---------" not in page
    client.force_login(rita)
    assert "草稿案例" in {r[0] for r in _rows(client.get(url, {"export": "xlsx"}))[1:]}


def _recognition(agency, by, other, other_user, enterprise_name):
    enterprise = EnterpriseFactory(name=enterprise_name)
    result = result_for(inspection_with(enterprise=enterprise, parts=[(other, [])], status="code_issued"), by=other_user)
    draft = inspection_with(enterprise=enterprise, parts=[(agency, [])], status="cancelled")
    return ResultRecognition.objects.create(inspection=draft, result=result, agency=agency, enterprise=enterprise,
                                            reason="近期已查，结果互认", recognised_by=by)


def test_recognition_export_is_scoped_and_follows_the_filters(client, alice, bob, rita, agency_a, agency_b):
    """GIVEN two recognitions by A and one by B
    WHEN an inspector of A exports THEN B's is absent, an enterprise filter narrows it, and the reviewer sees all."""
    _recognition(agency_a, alice, agency_b, bob, "鸠江食品有限公司")
    _recognition(agency_a, alice, agency_b, bob, "芜湖机械厂")
    _recognition(agency_b, bob, agency_a, alice, "乙局互认企业")
    url = reverse("guidance:recognition_list")
    client.force_login(alice)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:3] == ("互认时间", "互认单位", "企业")
    assert {r[2] for r in rows[1:]} == {"鸠江食品有限公司", "芜湖机械厂"}
    rows = _rows(client.get(url, {"export": "xlsx", "q": "食品"}))
    assert [r[2] for r in rows[1:]] == ["鸠江食品有限公司"]
    page = client.get(url, {"q": "机械"}).content.decode()
    assert "芜湖机械厂" in page and "鸠江食品有限公司" not in page and "导出 Excel" in page and "---------" not in page
    client.force_login(rita)
    rows = _rows(client.get(url, {"export": "xlsx", "agency": agency_b.pk}))
    assert [r[2] for r in rows[1:]] == ["乙局互认企业"]


def test_online_test_export_is_scoped_and_follows_the_filters(client, alice, rita):
    """GIVEN a published, a closed and a draft test
    WHEN an inspector exports THEN the draft is absent (reviewers see it), and a status filter narrows it."""
    OnlineTestFactory(title="检查码操作测试")
    OnlineTestFactory(title="行政执法基础测试", status=OnlineTest.Status.CLOSED)
    OnlineTestFactory(title="草稿测试", status=OnlineTest.Status.DRAFT)
    url = reverse("guidance:test_list")
    client.force_login(alice)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:2] == ("测试名称", "组卷方式")
    assert {r[0] for r in rows[1:]} == {"检查码操作测试", "行政执法基础测试"}
    rows = _rows(client.get(url, {"export": "xlsx", "status": "closed"}))
    assert [r[0] for r in rows[1:]] == ["行政执法基础测试"]
    page = client.get(url, {"q": "检查码"}).content.decode()
    assert "检查码操作测试" in page and "行政执法基础测试" not in page and "导出 Excel" in page and "---------" not in page
    client.force_login(rita)
    assert "草稿测试" in {r[0] for r in _rows(client.get(url, {"export": "xlsx"}))[1:]}


def test_attempt_export_is_scoped_and_follows_the_filters(client, alice, anna, bob, rita):
    """GIVEN attempts by alice (passed, failed) and bob (other agency)
    WHEN alice exports THEN only her own rows; a result filter narrows them; the reviewer sees bob's too."""
    test = OnlineTestFactory(title="检查码操作测试")
    for user, passed in ((alice, True), (alice, False), (bob, True)):
        TestAttempt.objects.create(test=test, inspector=user.inspector, user=user, paper=[], status="submitted",
                                   deadline_at=timezone.now(), submitted_at=timezone.now(), score=90 if passed else 40,
                                   passed=passed)
    url = reverse("guidance:attempt_list")
    client.force_login(alice)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:3] == ("测试", "单位", "姓名")
    assert [r[2] for r in rows[1:]] == [alice.inspector.name] * 2
    rows = _rows(client.get(url, {"export": "xlsx", "passed": "0"}))
    assert [r[-1] for r in rows[1:]] == ["否"]
    page = client.get(url, {"passed": "1"}).content.decode()
    assert "导出 Excel" in page and "---------" not in page
    client.force_login(rita)
    rows = _rows(client.get(url, {"export": "xlsx", "q": bob.inspector.name}))
    assert [r[2] for r in rows[1:]] == [bob.inspector.name]
