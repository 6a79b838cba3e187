"""Inspection pages: list (pinned queries), draft form, detail actions, merge, filings, refusals."""
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import GateRefusal, Inspection

from .factories import EnterpriseFactory, MatterFactory, make_inspection, special_plan_for, team

pytestmark = pytest.mark.django_db

LIST_PAGE_QUERIES = 8  # pinned (issue 13): session, user, count, page, participations, inspectors, matters, codes


def test_list_page_queries_are_pinned_and_do_not_grow(client, alice, agency_a, agency_b):
    client.force_login(alice)
    make_inspection(agency=agency_a, extra_agencies=[agency_b])
    client.get(reverse("plans:inspection_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("plans:inspection_list"))
    for _ in range(5):
        make_inspection(agency=agency_a, extra_agencies=[agency_b])
    with CaptureQueriesContext(connection) as many:
        res = client.get(reverse("plans:inspection_list"))
    assert res.content.decode().count("区应急管理局") >= 6
    assert len(many) == len(few) == LIST_PAGE_QUERIES, "\n".join(q["sql"][:120] for q in many.captured_queries)


def test_draft_form_creates_then_admin_approves(client, alice, anna, agency_a):
    """GIVEN alice fills the draft form WHEN anna approves on the detail page THEN it is approved."""
    ent = EnterpriseFactory()
    people = team(agency_a)
    matter = MatterFactory(agency=agency_a)
    client.force_login(alice)
    res = client.post(reverse("plans:inspection_create"), {
        "enterprise": ent.uscc.lower(), "kind": "special", "mode": "onsite",
        "date": str(date.today() + timedelta(days=2)),
        "special_plan": special_plan_for(agency=agency_a, day=date.today() + timedelta(days=2)).pk,
        "inspectors": [p.pk for p in people], "matters": [matter.pk], "notice_exempt_reason": "上级要求不能事先通知"})
    assert res.status_code == 302, res.content.decode()[:3000]
    insp = Inspection.objects.get(enterprise=ent)
    client.force_login(anna)
    page = client.get(res.url).content.decode()
    assert "审批通过" in page and "各项规则均已满足" in page
    client.post(reverse("plans:inspection_approve", args=[insp.pk]))
    insp.refresh_from_db()
    assert insp.status == "approved"


def test_refused_approval_shows_the_rule_and_reviewer_sees_it(client, anna, rita, agency_a):
    insp = make_inspection(agency=agency_a, inspectors=team(agency_a, 1))
    client.force_login(anna)
    res = client.post(reverse("plans:inspection_approve", args=[insp.pk]), follow=True)
    assert "至少需要两名" in res.content.decode()
    assert GateRefusal.objects.filter(inspection=insp).count() == 1
    client.force_login(rita)
    page = client.get(reverse("plans:gate_refusal_list")).content.decode()
    assert "两名持证执法人员" in page and insp.enterprise.name in page
    client.force_login(anna)
    assert client.get(reverse("plans:gate_refusal_list")).status_code == 403


def test_merge_from_the_detail_page_is_a_proposal_to_the_other_agency(client, bob, agency_a, agency_b):
    ent = EnterpriseFactory()
    theirs = make_inspection(agency=agency_a, enterprise=ent)
    mine = make_inspection(agency=agency_b, enterprise=ent, day=theirs.date + timedelta(days=3))
    client.force_login(bob)
    page = client.get(reverse("plans:inspection_detail", args=[mine.pk])).content.decode()
    assert "可合并的联合检查" in page and "申请并入该检查" in page
    res = client.post(reverse("plans:inspection_merge", args=[mine.pk]), {"other": theirs.pk, "direction": "into"})
    assert res.status_code == 302 and res.url == reverse("plans:inspection_detail", args=[mine.pk])
    assert Inspection.objects.get(pk=mine.pk).status == "draft"  # until agency A's admin accepts
    page = client.get(res.url).content.decode()
    assert "待对方确认" in page and "撤回申请" in page


def test_triggered_filing_list(client, anna, agency_a):
    insp = make_inspection(agency=agency_a, kind="triggered")
    from plans.services.triggered_filings import triggered_filing_record

    triggered_filing_record(inspection=insp)
    client.force_login(anna)
    page = client.get(reverse("plans:triggered_filing_list")).content.decode()
    assert insp.enterprise.name in page and "投诉举报" in page


def test_draft_links_to_recognisable_results_only_while_a_draft(client, alice, bob, rita, agency_a, agency_b):
    """GIVEN a joint draft started by agency A WHEN its staff or a reviewer open it THEN it links to
    the 结果互认 candidates (which open); agency B (not the initiator) and an approved one don't."""
    insp = make_inspection(agency=agency_a, extra_agencies=[agency_b])
    link = reverse("guidance:recognition_candidates", args=[insp.pk])
    for who in (alice, rita):
        client.force_login(who)
        page = client.get(reverse("plans:inspection_detail", args=[insp.pk])).content.decode()
        assert "查看可互认的检查结果" in page and link in page
        assert client.get(link).status_code == 200
    client.force_login(bob)
    assert "查看可互认的检查结果" not in client.get(reverse("plans:inspection_detail", args=[insp.pk])).content.decode()
    Inspection.objects.filter(pk=insp.pk).update(status="approved")
    client.force_login(alice)
    assert "查看可互认的检查结果" not in client.get(reverse("plans:inspection_detail", args=[insp.pk])).content.decode()
