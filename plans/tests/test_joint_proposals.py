"""Decision g (docs/domain.md "Joint matching with consent"): agency B can only *propose* to merge with
agency A's inspection, from the matches the rules offer; nothing of A's inspection changes until A's
admin accepts (audited on both sides); a proposal can be declined or withdrawn; enterprises in the
non-joint pool are never offered merges. Agency A: alice (inspector), anna (admin); B: bob, bert."""
from datetime import date, timedelta

import pytest
from django.urls import reverse

from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError
from plans.exceptions import JointMatchNotOffered
from plans.models import Inspection, JointProposal, Pool
from plans.selectors.inspections import inspection_list_for_user, joint_match_candidates
from plans.services.inspections import inspection_cancel
from plans.services.joint_proposals import (
    joint_proposal_accept,
    joint_proposal_create,
    joint_proposal_decline,
    joint_proposal_withdraw,
)

from .factories import EnterpriseFactory, make_inspection

pytestmark = pytest.mark.django_db

DAY = date.today() + timedelta(days=10)


def _pair(agency_a, agency_b, *, a_status="draft", a_day=DAY, **ent):
    enterprise = EnterpriseFactory(**ent)
    theirs = make_inspection(agency=agency_a, enterprise=enterprise, day=a_day, status=a_status)
    mine = make_inspection(agency=agency_b, enterprise=enterprise, day=DAY + timedelta(days=3))
    return theirs, mine


def _unchanged(insp, *, status, day):
    insp.refresh_from_db()
    assert (insp.status, insp.date, insp.merged_into_id) == (status, day, None)
    assert list(insp.participations.values_list("agency__code", flat=True)) == [insp.initiating_agency.code]


def test_b_cannot_merge_a_draft_into_its_own_without_a_consent(bob, alice, agency_a, agency_b):
    theirs, mine = _pair(agency_a, agency_b)
    proposal = joint_proposal_create(by=bob, inspection=mine, other=theirs, direction="from")
    assert (proposal.status, proposal.target, proposal.source, proposal.consenting_agency) == (
        "pending", mine, theirs, agency_a)
    _unchanged(theirs, status="draft", day=DAY)  # not moved to B's date, not merged
    assert theirs in inspection_list_for_user(user=alice)  # still in A's view


def test_a_proposal_into_a_approved_inspection_does_not_reset_it_to_draft(bob, agency_a, agency_b):
    theirs, mine = _pair(agency_a, agency_b, a_status="approved")
    joint_proposal_create(by=bob, inspection=mine, other=theirs, direction="into")
    _unchanged(theirs, status="approved", day=DAY)
    _unchanged(mine, status="draft", day=DAY + timedelta(days=3))


def test_an_inspection_six_months_away_never_offered_cannot_be_proposed(api, bob, agency_a, agency_b):
    theirs, mine = _pair(agency_a, agency_b, a_day=DAY + timedelta(days=183))
    assert list(joint_match_candidates(inspection=mine)) == []
    with pytest.raises(JointMatchNotOffered):
        joint_proposal_create(by=bob, inspection=mine, other=theirs, direction="from")
    res = api(bob).post(f"/api/v1/inspections/{mine.pk}/merge/", {"source": theirs.pk}, format="json")
    assert res.status_code == 409 and res.json()["code"] == "joint_match_not_offered"
    _unchanged(theirs, status="draft", day=DAY + timedelta(days=183))
    assert not JointProposal.objects.exists()


@pytest.mark.parametrize("enterprise", [{"pool": Pool.NON_JOINT}, {"joins_joint": False, "pool": Pool.WHITELIST}])
def test_non_joint_enterprises_are_never_offered_merges(api, bob, agency_a, agency_b, enterprise):
    theirs, mine = _pair(agency_a, agency_b, **enterprise)
    assert list(joint_match_candidates(inspection=mine)) == []
    assert api(bob).get(f"/api/v1/inspections/{mine.pk}/joint-matches/").json() == []
    res = api(bob).post(f"/api/v1/inspections/{mine.pk}/merge/", {"target": theirs.pk}, format="json")
    assert res.status_code == 409 and res.json()["code"] == "joint_match_not_offered"


def test_the_merge_takes_effect_only_when_the_other_agency_admin_accepts_audited_on_both_sides(
        alice, anna, bob, bert, agency_a, agency_b):
    theirs, mine = _pair(agency_a, agency_b, a_status="approved")
    proposal = joint_proposal_create(by=bob, inspection=mine, other=theirs, direction="into", note="同一周，合并检查")
    for not_allowed in (bob, bert, alice):  # the proposer, its own admin, A's inspector
        with pytest.raises(PermissionDeniedError):
            joint_proposal_accept(proposal=proposal, by=not_allowed)
    _unchanged(mine, status="draft", day=DAY + timedelta(days=3))
    accepted = joint_proposal_accept(proposal=proposal, by=anna, reason="同意合并")
    assert (accepted.status, accepted.decided_by) == ("accepted", anna)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == "merged" and mine.merged_into == theirs
    assert sorted(theirs.participations.values_list("agency__code", flat=True)) == ["SCJG", "YJGL"]
    assert theirs.status == "draft"  # approved for one agency: approved again with all gates
    for insp in (theirs, mine):
        actions = set(audit_history(insp).values_list("action", flat=True))
        assert {"inspection.joint_proposal_proposed", "inspection.joint_proposal_accepted"} <= actions
    assert "inspection.merged_into" in set(audit_history(theirs).values_list("action", flat=True))
    assert "inspection.merged" in set(audit_history(mine).values_list("action", flat=True))
    assert mine in inspection_list_for_user(user=bob)  # B still sees its merged inspection
    with pytest.raises(InvalidState):
        joint_proposal_accept(proposal=proposal, by=anna)


def test_a_participant_cannot_propose_for_a_third_agency_inspection(bob, agency_a, agency_b):
    from subjects.tests.factories import AgencyFactory

    agency_c = AgencyFactory(code="ZJJ", name="鸠江区住房和城乡建设局")
    theirs, _mine = _pair(agency_a, agency_b)
    c_led = make_inspection(agency=agency_c, enterprise=theirs.enterprise, day=DAY, extra_agencies=[agency_b])
    with pytest.raises(PermissionDeniedError):  # B takes part in C's inspection but did not initiate it
        joint_proposal_create(by=bob, inspection=c_led, other=theirs, direction="from")
    assert not JointProposal.objects.exists()


def test_declined_or_withdrawn_proposals_change_nothing(anna, bob, bert, alice, agency_a, agency_b):
    theirs, mine = _pair(agency_a, agency_b)
    first = joint_proposal_create(by=bob, inspection=mine, other=theirs, direction="from")
    with pytest.raises(InvalidState):  # one pending proposal per pair
        joint_proposal_create(by=bob, inspection=mine, other=theirs, direction="into")
    with pytest.raises(PermissionDeniedError):
        joint_proposal_withdraw(proposal=first, by=alice)  # only the proposing agency withdraws
    assert joint_proposal_decline(proposal=first, by=anna, reason="我局已另行安排").status == "declined"
    second = joint_proposal_create(by=bob, inspection=mine, other=theirs, direction="from")
    assert joint_proposal_withdraw(proposal=second, by=bert).status == "withdrawn"
    _unchanged(theirs, status="draft", day=DAY)
    _unchanged(mine, status="draft", day=DAY + timedelta(days=3))
    actions = set(audit_history(theirs).values_list("action", flat=True))
    assert {"inspection.joint_proposal_declined", "inspection.joint_proposal_withdrawn"} <= actions


def test_accept_refuses_a_match_that_no_longer_holds_and_cancellation_lapses_the_proposal(
        anna, alice, bob, agency_a, agency_b):
    theirs, mine = _pair(agency_a, agency_b)
    moved = joint_proposal_create(by=bob, inspection=mine, other=theirs, direction="from")
    Inspection.objects.filter(pk=theirs.pk).update(date=DAY + timedelta(days=120))  # rescheduled by A
    with pytest.raises(JointMatchNotOffered):
        joint_proposal_accept(proposal=moved, by=anna)
    _unchanged(theirs, status="draft", day=DAY + timedelta(days=120))
    inspection_cancel(inspection=theirs, by=alice, reason="企业停业")
    moved.refresh_from_db()
    assert moved.status == "lapsed"


def test_api_proposes_and_the_other_admin_accepts(api, anna, bob, agency_a, agency_b):
    theirs, mine = _pair(agency_a, agency_b)
    res = api(bob).post(f"/api/v1/inspections/{mine.pk}/merge/", {"source": theirs.pk, "note": "同月检查"},
                        format="json")
    assert res.status_code == 201, res.json()
    body = res.json()
    assert (body["status"], body["target"], body["source"], body["consenting_agency"]) == (
        "pending", mine.pk, theirs.pk, "SCJG")
    assert Inspection.objects.get(pk=theirs.pk).status == "draft"
    assert api(bob).post(f"/api/v1/joint-proposals/{body['id']}/accept/", {}, format="json").status_code == 403
    pending = api(anna).get("/api/v1/joint-proposals/?status=pending").json()["results"]
    assert [p["id"] for p in pending] == [body["id"]]
    res = api(anna).post(f"/api/v1/joint-proposals/{body['id']}/accept/", {"reason": "同意"}, format="json")
    assert res.status_code == 200 and res.json()["status"] == "accepted"
    assert Inspection.objects.get(pk=theirs.pk).status == "merged"
    again = api(anna).post(f"/api/v1/joint-proposals/{body['id']}/decline/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"


def test_admin_home_lists_pending_proposals_and_accepts_them_in_place(client, anna, bob, agency_a, agency_b):
    theirs, mine = _pair(agency_a, agency_b)
    client.force_login(bob)
    page = client.get(reverse("plans:inspection_detail", args=[mine.pk])).content.decode()
    assert "可合并的联合检查" in page and "申请并入该检查" in page and "申请将其并入本检查" in page
    res = client.post(reverse("plans:inspection_merge", args=[mine.pk]), {"other": theirs.pk, "direction": "from"})
    assert res.status_code == 302 and res.url == reverse("plans:inspection_detail", args=[mine.pk])
    assert "对方单位管理员同意后生效" in client.get(res.url).content.decode()
    assert Inspection.objects.get(pk=theirs.pk).status == "draft"
    proposal = JointProposal.objects.get()
    client.force_login(anna)
    home = client.get("/").content.decode()
    assert "待确认的联合检查合并申请" in home and "同意合并" in home and "区应急管理局" in home
    row = client.post(reverse("plans:joint_proposal_action", args=[proposal.pk, "accept"]), HTTP_HX_REQUEST="true")
    html = row.content.decode()
    assert row.status_code == 200 and html.startswith(f'<li id="proposal-{proposal.pk}"') and "已同意并合并" in html
    assert Inspection.objects.get(pk=theirs.pk).status == "merged"
    assert "待确认的联合检查合并申请" not in client.get("/").content.decode()
