"""Issue 11 decision k: a refused draft is not a dead end. The initiating agency edits a draft or a
returned inspection; its admin returns it with a comment (audited); the inspector's home shows 退回修改
with the refusal in Chinese (the rule's name and what to change). No English rule code on any page."""
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from jiujiang_inspect.models import AuditEntry
from plans.exceptions import RULE_NAMES
from plans.models import Inspection
from subjects.tests.factories import InspectorFactory

from .factories import EnterpriseFactory, MatterFactory, make_inspection, team

pytestmark = pytest.mark.django_db

#: Every rule code a page could leak (gate codes and the stage codes of refusals).
CODES = [*RULE_NAMES, "late_code"]


def _visible(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _assert_no_rule_code(res):
    assert res.status_code == 200, res.status_code
    text = _visible(res.content.decode())
    leaked = [c for c in CODES if c in text]
    assert not leaked, (res.request["PATH_INFO"], leaked)
    return text


def _form(people, matter, **kw):
    day = date.today() + timedelta(days=3)
    return {"kind": "triggered", "mode": "onsite", "date": str(day), "trigger_source": "complaint",
            "trigger_reason": "12345 投诉：后厨卫生",
            "inspectors": [p.pk for p in people], "matters": [matter.pk], "notice_method": "电话",
            "notified_at": f"{date.today() - timedelta(days=1)}T09:00", **kw}


def test_refused_draft_is_returned_with_a_comment_shown_on_the_inspector_home_then_fixed(client, alice, anna, rita,
                                                                                        agency_a):
    helper = InspectorFactory(agency=agency_a, name="雷晓东", is_helper=True)
    colleague = InspectorFactory(agency=agency_a, name="刘强")
    matter = MatterFactory(agency=agency_a)
    ent = EnterpriseFactory(name="鸠江放心超市")
    pages = []  # every page the flow visits, scanned for English rule codes at the end

    # alice drafts with herself and a helper: one certified inspector only
    client.force_login(alice)
    res = client.post(reverse("plans:inspection_create"), {"enterprise": ent.uscc,
                                                           **_form([alice.inspector, helper], matter)})
    assert res.status_code == 302, res.content.decode()[:2000]
    insp = Inspection.objects.get(enterprise=ent)
    detail = reverse("plans:inspection_detail", args=[insp.pk])

    # anna's approval is refused; the page says which rule and what to change, in Chinese
    client.force_login(anna)
    res = client.post(reverse("plans:inspection_approve", args=[insp.pk]), follow=True)
    text = _assert_no_rule_code(res)
    assert "雷晓东是辅助人员，不计入两名持证人员" in text and "两名持证执法人员" in text
    pages.append(client.get("/"))

    # anna returns it with a comment: audited, status 退回修改
    res = client.post(reverse("plans:inspection_return", args=[insp.pk]), {"comment": "请增加一名本单位持证执法人员"},
                      follow=True)
    pages.append(res)
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.RETURNED and insp.get_status_display() == "退回修改"
    entry = AuditEntry.objects.get(action="inspection.returned", target_id=str(insp.pk))
    assert entry.reason == "请增加一名本单位持证执法人员" and entry.actor == anna

    # alice's home shows it: 退回修改, the comment, the rule's name and what to change
    client.force_login(alice)
    home = client.get("/")
    pages.append(home)
    text = _visible(home.content.decode())
    assert "退回修改" in text and "请增加一名本单位持证执法人员" in text
    assert "两名持证执法人员" in text and "雷晓东是辅助人员，不计入两名持证人员" in text
    pages.append(client.get(detail))

    # alice edits it: adds a certified colleague; it goes back to draft for anna
    edit = reverse("plans:inspection_edit", args=[insp.pk])
    page = client.get(edit)
    pages.append(page)
    assert page.context["form"].initial["inspectors"] == [alice.inspector.pk, helper.pk] or set(
        page.context["form"].initial["inspectors"]) == {alice.inspector.pk, helper.pk}
    res = client.post(edit, _form([alice.inspector, helper, colleague], matter))
    assert res.status_code == 302, res.content.decode()[:3000]
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.DRAFT and insp.enterprise == ent
    assert set(insp.participations.get().inspectors.values_list("name", flat=True)) == {"王丽", "雷晓东", "刘强"}
    assert "退回修改" not in _visible(client.get("/").content.decode())

    client.force_login(anna)
    res = client.post(reverse("plans:inspection_approve", args=[insp.pk]), follow=True)
    pages.append(res)
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.APPROVED

    client.force_login(rita)
    pages += [client.get(detail), client.get(reverse("plans:gate_refusal_list"))]
    for page in pages:
        _assert_no_rule_code(page)


def test_only_the_initiating_admin_returns_and_a_comment_is_required(api, alice, anna, bob, rita, agency_a, agency_b):
    insp = make_inspection(agency=agency_a, extra_agencies=[agency_b])
    for who in (alice, rita):
        assert api(who).post(f"/api/v1/inspections/{insp.pk}/return/", {"comment": "x"}, format="json").status_code == 403
    assert api(anna).post(f"/api/v1/inspections/{insp.pk}/return/", {"comment": " "}, format="json").status_code == 400
    res = api(anna).post(f"/api/v1/inspections/{insp.pk}/return/", {"comment": "日期与计划不符，请改到下周"}, format="json")
    assert res.status_code == 200
    assert res.json()["status"] == "returned" and res.json()["return_comment"] == "日期与计划不符，请改到下周"
    # the other participating agency does not edit it; the initiating agency does, back to draft
    assert api(bob).patch(f"/api/v1/inspections/{insp.pk}/", {"date": str(date.today() + timedelta(days=8))},
                          format="json").status_code == 403
    res = api(alice).patch(f"/api/v1/inspections/{insp.pk}/", {"date": str(date.today() + timedelta(days=8))},
                           format="json")
    assert res.status_code == 200 and res.json()["status"] == "draft"


def test_returned_inspection_shows_an_edit_button_only_to_the_initiating_agency(client, alice, anna, bob, agency_a,
                                                                                agency_b):
    insp = make_inspection(agency=agency_a, extra_agencies=[agency_b], inspectors=team(agency_a, 1),
                           status=Inspection.Status.RETURNED, return_comment="请补充执法人员")
    edit = reverse("plans:inspection_edit", args=[insp.pk])
    client.force_login(alice)
    assert f'href="{edit}"' in client.get(reverse("plans:inspection_detail", args=[insp.pk])).content.decode()
    client.force_login(bob)
    assert f'href="{edit}"' not in client.get(reverse("plans:inspection_detail", args=[insp.pk])).content.decode()
    assert client.get(edit).status_code == 403
    client.force_login(anna)
    page = client.get(reverse("plans:inspection_detail", args=[insp.pk])).content.decode()
    assert "请补充执法人员" in page and "审批通过" not in page  # returned: the drafters act first
