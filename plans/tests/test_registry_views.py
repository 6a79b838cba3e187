from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import AnnualPlan, Pool
from plans.services.annual_plans import plan_create
from plans.tests.factories import AnnualPlanFactory, EnterpriseFactory, InspectionFactory

pytestmark = pytest.mark.django_db
YEAR = date.today().year


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client
    return _login


def test_enterprise_list_filters_pages_and_exports(login, rita):
    EnterpriseFactory(name="芜湖鸠江区好味餐饮店", town="erba")
    EnterpriseFactory(name="芜湖鸠江精细化工有限公司", town="wanli")
    c = login(rita)
    r = c.get(reverse("plans:enterprise_list"), {"town": "erba"})
    assert r.status_code == 200 and "好味餐饮店" in r.text and "精细化工" not in r.text
    r = c.get(reverse("plans:enterprise_list"), {"export": "xlsx"})
    ws = load_workbook(BytesIO(r.content), read_only=True).worksheets[0]
    assert len(list(ws.iter_rows(values_only=True))) == 3


def test_enterprise_list_page_query_count_does_not_grow(login, rita):
    c = login(rita)
    EnterpriseFactory.create_batch(2)
    c.get(reverse("plans:enterprise_list"))
    with CaptureQueriesContext(connection) as few:
        c.get(reverse("plans:enterprise_list"))
    EnterpriseFactory.create_batch(20)
    with CaptureQueriesContext(connection) as many:
        c.get(reverse("plans:enterprise_list"))
    assert len(many) == len(few)


def test_enterprise_detail_shows_quota_pool_history_and_reviewer_moves_pool(login, rita, alice):
    e = EnterpriseFactory(name="芜湖鸠江区示范超市")
    InspectionFactory(enterprise=e)
    r = login(alice).get(reverse("plans:enterprise_detail", args=[e.uscc]))
    assert "剩余 1 次" in r.text and "调整对象库" not in r.text
    c = login(rita)
    r = c.post(reverse("plans:enterprise_pool_move", args=[e.uscc]), {"pool": "whitelist", "reason": "信用A级"},
               follow=True)
    assert "白名单库" in r.text and "信用A级" in r.text
    assert "剩余 0 次" in r.text  # whitelist cap 1, one used


def test_reviewer_creates_enterprise_with_accepted_checksum_warning_via_form(login, rita):
    from plans.tests.factories import bad_checksum, uscc_for

    c = login(rita)
    data = {"uscc": bad_checksum(uscc_for(5)), "name": "芜湖早期登记厂", "town": "wanli", "size": "small",
            "credit_class": "B", "joins_joint": "on", "is_active": "on"}
    r = c.post(reverse("plans:enterprise_create"), data)
    assert r.status_code == 200 and "校验位不符" in r.text
    r = c.post(reverse("plans:enterprise_create"), data | {"accept_checksum_warning": "on"})
    assert r.status_code == 302


def test_cap_policy_page_read_for_staff_edit_for_reviewer(login, rita, anna):
    assert "年度现场检查上限" in login(anna).get(reverse("plans:cap_policies")).text
    assert login(anna).post(reverse("plans:cap_policies"), {}).status_code == 403
    c = login(rita)
    form = c.get(reverse("plans:cap_policies")).context["form"]
    data = {name: (form.fields[name].initial if form.fields[name].initial is not None else "") for name in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data.update({"cap_key": 5, "reason": "会议决定"})
    r = c.post(reverse("plans:cap_policies"), data, follow=True)
    assert r.status_code == 200 and "变更已记入审计记录" in r.text and "频次上限 修改" in r.text


def test_plan_pages_create_draw_submit_file_publish(login, anna, rita, agency_b):
    """GIVEN agency A's admin WHEN they create a plan, draw 3 enterprises and submit it, and the reviewer files
    it from the queue and A publishes it THEN the public page lists it with its version."""
    for _i in range(6):
        EnterpriseFactory()
    c = login(anna)
    r = c.post(reverse("plans:plan_create"), {"year": YEAR, "title": "加油站联合检查", "member_agencies": [agency_b.pk],
                                              "months": ["05", "06"], "past": "1"})
    assert r.status_code == 302
    plan = AnnualPlan.objects.get(title="加油站联合检查")
    assert plan.months == [f"{YEAR}-05", f"{YEAR}-06"]
    r = c.post(reverse("plans:plan_draw", args=[plan.pk]), {"count": 3, "seed": "abc"}, follow=True)
    assert "随机种子 abc" in r.text and plan.targets.count() == 3
    r = c.post(reverse("plans:plan_action", args=[plan.pk, "submit"]), follow=True)
    assert "已报送区司法局备案" in r.text
    c = login(rita)
    assert "加油站联合检查" in c.get(reverse("plans:plan_review_queue")).text
    c.post(reverse("plans:plan_action", args=[plan.pk, "file"]), {"next": "queue"})
    c = login(anna)
    c.post(reverse("plans:plan_action", args=[plan.pk, "publish"]))
    c.logout()
    r = c.get(reverse("plans:public_plans"))
    assert r.status_code == 200 and "加油站联合检查" in r.text and "第1版" in r.text


def test_plan_targets_by_filter_and_remove(login, anna):
    EnterpriseFactory(town="erba", name="二坝甲店")
    EnterpriseFactory(town="erba", name="二坝乙店")
    EnterpriseFactory(town="wanli", name="湾里丙店")
    plan = plan_create(by=anna, year=YEAR, title="二坝镇计划", months=[f"{YEAR}-04"])
    c = login(anna)
    r = c.get(reverse("plans:plan_targets", args=[plan.pk]), {"town": "erba"})
    assert "符合条件 2 家" in r.text
    c.post(reverse("plans:plan_targets", args=[plan.pk]), {"op": "filter", "town": "erba"})
    assert sorted(plan.targets.values_list("enterprise__name", flat=True)) == ["二坝乙店", "二坝甲店"]
    uscc = plan.targets.first().enterprise.uscc
    c.post(reverse("plans:plan_targets", args=[plan.pk]), {"op": "remove", "uscc": uscc})
    assert plan.targets.count() == 1


def test_plan_list_page_query_count_and_scoping(login, rita, bert, agency_a, agency_b):
    AnnualPlanFactory(lead_agency=agency_a, title="A局草稿", targets=EnterpriseFactory.create_batch(2))
    c = login(rita)
    c.get(reverse("plans:plan_list"))
    with CaptureQueriesContext(connection) as few:
        c.get(reverse("plans:plan_list"))
    for _i in range(5):
        p = AnnualPlanFactory(lead_agency=agency_b, targets=EnterpriseFactory.create_batch(2))
        p.member_agencies.add(agency_a)
    with CaptureQueriesContext(connection) as many:
        c.get(reverse("plans:plan_list"))
    assert len(many) == len(few)
    assert "A局草稿" not in login(bert).get(reverse("plans:plan_list")).text


def test_public_page_needs_no_login_hides_drafts_and_downloads_excel(client, agency_a):
    AnnualPlanFactory(lead_agency=agency_a, title="已公布计划", status=AnnualPlan.Status.PUBLISHED, version=2,
                      targets=[EnterpriseFactory(pool=Pool.JOINT)])
    AnnualPlanFactory(lead_agency=agency_a, title="草稿计划")
    r = client.get(reverse("plans:public_plans"))
    assert r.status_code == 200 and "已公布计划" in r.text and "草稿计划" not in r.text and "第2版" in r.text
    r = client.get(reverse("plans:public_plans"), {"export": "xlsx"})
    rows = list(load_workbook(BytesIO(r.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[1][1] == "已公布计划" and rows[1][8] == "第2版"


def test_admin_lists_registry_read_only_and_files_plans_through_the_service(client, agency_a):
    from subjects.tests.factories import UserFactory

    admin_user = UserFactory(username="root", role="reviewer", is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    e = EnterpriseFactory()
    assert client.get(reverse("admin:plans_enterprise_changelist")).status_code == 200
    assert client.get(reverse("admin:plans_enterprise_change", args=[e.pk])).status_code == 200
    plan = AnnualPlanFactory(lead_agency=agency_a, status=AnnualPlan.Status.SUBMITTED)
    draft = AnnualPlanFactory(lead_agency=agency_a)
    r = client.post(reverse("admin:plans_annualplan_changelist"),
                    {"action": "file_plans", "_selected_action": [plan.pk, draft.pk]}, follow=True)
    assert r.status_code == 200 and "只有待备案的计划可以备案" in r.text
    plan.refresh_from_db()
    assert plan.status == "filed"


def test_enterprise_list_sorts_by_column(login, rita):
    EnterpriseFactory(name="乙公司", credit_class="D")
    EnterpriseFactory(name="甲公司", credit_class="A")
    page = login(rita).get(reverse("plans:enterprise_list"), {"sort": "credit_class"}).context["page"]
    assert [e.credit_class for e in page] == ["A", "D"]
