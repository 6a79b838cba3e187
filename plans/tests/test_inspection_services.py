"""Drafting, approval, joint matching and merge, triggered filings, invitations."""
from datetime import date, timedelta

import pytest

from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError, ValidationFailed
from plans.exceptions import JointMatchNotOffered
from plans.models import Inspection, Invitation, TriggeredFiling
from plans.selectors.inspections import inspection_list_for_user, joint_match_candidates
from plans.services.inspections import (
    inspection_approve,
    inspection_create,
    inspection_update,
)
from plans.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_decline,
    invitation_done,
)
from plans.services.joint_proposals import joint_proposal_accept, joint_proposal_create
from plans.services.triggered_filings import monthly_summary_compute

from .factories import EnterpriseFactory, MatterFactory, admin_of, make_inspection, special_plan_for, team

pytestmark = pytest.mark.django_db


def _draft(user, agency, **kw):
    day = kw.pop("day", date.today() + timedelta(days=3))
    kind = kw.pop("kind", "special")
    if kind == "special":
        kw.setdefault("plan", special_plan_for(agency=agency, day=day))
    return inspection_create(
        by=user, enterprise=kw.pop("enterprise", None) or EnterpriseFactory(), kind=kind,
        mode="onsite", date=day,
        participations=[{"agency": agency, "inspectors": team(agency), "matters": [MatterFactory(agency=agency)]}],
        advance_notice={"notified_at": None, "method": "", "content": ""}, notice_exempt_reason="依法不予事先告知",
        **kw)


def test_triggered_draft_is_not_filed_until_it_takes_place(alice, agency_a):
    day = date(2025, 3, 14)
    insp = _draft(alice, agency_a, kind="triggered", day=day,
                  trigger={"source": "complaint", "reference": "12345-2025-0001", "reason": "噪音投诉"})
    assert not TriggeredFiling.objects.filter(inspection=insp).exists()
    assert monthly_summary_compute(month="2025-03") == []


def test_draft_refuses_only_malformed_input(alice, agency_a):
    with pytest.raises(ValidationFailed) as err:
        _draft(alice, agency_a, kind="triggered", trigger={"source": "complaint", "reference": "", "reason": ""})
    assert "trigger" in err.value.detail
    # A rule problem (one inspector only) is not a 400: the draft is saved and the gate refuses later.
    insp = inspection_create(by=alice, enterprise=EnterpriseFactory(), kind="special", mode="onsite",
                             date=date.today(), special_approval_ref="x",
                             participations=[{"agency": agency_a, "inspectors": team(agency_a, 1), "matters": []}])
    assert insp.status == "draft"


def test_cannot_draft_for_another_agency(bob, agency_a):
    with pytest.raises(PermissionDeniedError):
        _draft(bob, agency_a)


def test_approval_by_admin_of_initiating_agency_only(alice, anna, bert, agency_a):
    insp = _draft(alice, agency_a)
    with pytest.raises(PermissionDeniedError):
        inspection_approve(inspection=insp, by=bert)
    with pytest.raises(PermissionDeniedError):
        inspection_approve(inspection=insp, by=alice)
    insp = inspection_approve(inspection=insp, by=anna)
    assert insp.status == "approved"
    assert [h.action for h in audit_history(insp)][:2] == ["inspection.approved", "inspection.created"]
    with pytest.raises(InvalidState):
        inspection_approve(inspection=insp, by=anna)


def test_editing_an_approved_inspection_returns_it_to_draft(alice, anna, agency_a):
    insp = inspection_approve(inspection=_draft(alice, agency_a), by=anna)
    insp = inspection_update(inspection=insp, by=alice, onsite_justification="补充说明")
    assert insp.status == "draft"


def test_joint_match_offers_other_agencies_pending_inspections_within_window(agency_a, agency_b, bob):
    """GIVEN agency A's draft and agency B's approved inspection of the same enterprise 10 days apart
    THEN each sees the other as a candidate; WHEN B proposes merging its own into A's and A's admin
    accepts THEN one joint inspection with both agencies remains and B's is marked merged (audited on
    both)."""
    ent = EnterpriseFactory()
    day = date.today() + timedelta(days=5)
    mine = make_inspection(agency=agency_a, enterprise=ent, day=day)
    theirs = make_inspection(agency=agency_b, enterprise=ent, day=day + timedelta(days=10), status="approved")
    make_inspection(agency=agency_b, enterprise=ent, day=day + timedelta(days=45))  # outside 30 days
    make_inspection(agency=agency_b, enterprise=ent, day=day, status="closed")  # not pending
    assert list(joint_match_candidates(inspection=mine)) == [theirs]
    assert list(joint_match_candidates(inspection=theirs)) == [mine]
    proposal = joint_proposal_create(by=bob, inspection=theirs, other=mine, direction="into")
    joint = joint_proposal_accept(proposal=proposal, by=admin_of(agency_a)).target
    theirs.refresh_from_db()
    assert theirs.status == "merged" and theirs.merged_into == joint
    assert sorted(joint.participations.values_list("agency__code", flat=True)) == ["SCJG", "YJGL"]
    assert joint.is_joint
    assert "inspection.merged" in set(audit_history(theirs).values_list("action", flat=True))
    assert "inspection.merged_into" in set(audit_history(joint).values_list("action", flat=True))


def test_agency_staff_see_only_inspections_their_agency_takes_part_in(alice, bob, rita, agency_a, agency_b):
    a = make_inspection(agency=agency_a)
    b = make_inspection(agency=agency_b)
    joint = make_inspection(agency=agency_b, extra_agencies=[agency_a])
    assert set(inspection_list_for_user(user=alice)) == {a, joint}
    assert set(inspection_list_for_user(user=bob)) == {b, joint}
    assert set(inspection_list_for_user(user=rita)) == {a, b, joint}


def test_invitation_must_be_accepted_before_the_visit_is_registered(alice, agency_a):
    ent = EnterpriseFactory()
    inv = invitation_create(by=alice, enterprise=ent, agency=agency_a, activity="guidance",
                            date=date.today(), purpose="食品安全政策宣讲")
    assert inv.status == Invitation.Status.PROPOSED
    with pytest.raises(InvalidState):
        invitation_done(invitation=inv, by=alice)
    invitation_accept(invitation=inv)
    assert invitation_done(invitation=inv, by=alice).status == "done"
    other = invitation_create(by=alice, enterprise=ent, agency=agency_a, activity="research", date=date.today(),
                              purpose="调研")
    invitation_decline(invitation=other, reason="企业生产繁忙")
    with pytest.raises(InvalidState):
        invitation_done(invitation=other, by=alice)
    own = invitation_create(by=alice, enterprise=ent, agency=agency_a, activity="training", date=date.today(),
                            purpose="企业邀请培训", invited_by_enterprise=True)
    assert own.status == "accepted"


def test_merge_refuses_different_enterprises(agency_a, agency_b, bob):
    with pytest.raises(JointMatchNotOffered):
        joint_proposal_create(by=bob, inspection=make_inspection(agency=agency_b), other=make_inspection(agency=agency_a),
                              direction="into")
    assert Inspection.objects.filter(status="merged").count() == 0
