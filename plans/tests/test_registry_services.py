import pytest
from django.contrib.contenttypes.models import ContentType

from jiujiang_inspect.exceptions import PermissionDeniedError, ValidationFailed
from jiujiang_inspect.models import AuditEntry
from plans.exceptions import EnterpriseNotJoint, InvalidUscc, UsccChecksumMismatch
from plans.models import CapPolicy, Enterprise, FrequencyPolicy, Pool, PoolMembership
from plans.services.caps import cap_policy_update, frequency_policy_update
from plans.services.enterprises import enterprise_create, enterprise_update
from plans.services.pools import enterprise_pool_move
from plans.tests.factories import EnterpriseFactory, bad_checksum, uscc_for

pytestmark = pytest.mark.django_db


def _entries(action):
    return AuditEntry.objects.filter(action=action)


def test_create_refuses_bad_shape_with_invalid_uscc(rita):
    with pytest.raises(InvalidUscc) as exc:
        enterprise_create(by=rita, uscc="91340207-BAD", name="芜湖坏码公司", town="wanli")
    assert exc.value.code == "invalid_uscc" and exc.value.status_code == 400


def test_create_refuses_checksum_mismatch_unless_reviewer_accepts_it_and_audits_acceptance(rita, anna):
    code = bad_checksum(uscc_for(7))
    with pytest.raises(UsccChecksumMismatch) as exc:
        enterprise_create(by=anna, uscc=code, name="芜湖早期赋码厂", town="wanli")
    assert exc.value.code == "uscc_checksum_mismatch" and exc.value.detail["expected_check_char"] == uscc_for(7)[17]
    with pytest.raises(UsccChecksumMismatch):  # an agency admin cannot accept it
        enterprise_create(by=anna, uscc=code, name="芜湖早期赋码厂", town="wanli", accept_checksum_warning=True)
    e = enterprise_create(by=rita, uscc=code.lower(), name="芜湖早期赋码厂", town="wanli", accept_checksum_warning=True,
                          reason="工商登记档案核实")
    assert e.uscc == code and e.checksum_warning_accepted
    entry = _entries("enterprise.checksum_warning_accepted").get()
    assert entry.actor == rita and entry.reason == "工商登记档案核实" and entry.target_id == str(e.pk)


def test_create_opens_pool_history_in_joint_or_non_joint(anna):
    joint = enterprise_create(by=anna, uscc=uscc_for(1), name="芜湖甲公司", town="wanli")
    opted_out = enterprise_create(by=anna, uscc=uscc_for(2), name="芜湖乙公司", town="erba", joins_joint=False)
    assert joint.pool == Pool.JOINT and opted_out.pool == Pool.NON_JOINT
    assert PoolMembership.objects.get(enterprise=opted_out).pool == Pool.NON_JOINT
    assert _entries("enterprise.created").count() == 2


def test_inspector_cannot_edit_registry(alice):
    with pytest.raises(PermissionDeniedError):
        enterprise_create(by=alice, uscc=uscc_for(3), name="芜湖丙公司", town="wanli")


def test_pool_move_closes_open_membership_and_audits_from_to(rita):
    e = EnterpriseFactory()
    enterprise_pool_move(enterprise=e, pool=Pool.WHITELIST, reason="A级信用，连续三年无违法", by=rita)
    history = list(PoolMembership.objects.filter(enterprise=e).order_by("valid_from", "id"))
    assert [h.pool for h in history] == [Pool.JOINT, Pool.WHITELIST]
    assert history[0].valid_to is not None and history[1].valid_to is None and history[1].decided_by == rita
    entry = _entries("enterprise.pool_moved").get()
    assert entry.changes == {"pool": ["joint", "whitelist"]} and entry.reason.startswith("A级信用")
    assert Enterprise.objects.get(pk=e.pk).pool == Pool.WHITELIST


def test_pool_move_is_reviewer_only_needs_reason_and_keeps_opted_out_firms_out_of_joint(rita, anna):
    e = EnterpriseFactory(joins_joint=False, pool=Pool.NON_JOINT)
    with pytest.raises(PermissionDeniedError):
        enterprise_pool_move(enterprise=e, pool=Pool.KEY, reason="风险高", by=anna)
    with pytest.raises(Exception) as exc:
        enterprise_pool_move(enterprise=e, pool=Pool.KEY, reason="  ", by=rita)
    assert exc.value.code == "invalid"
    with pytest.raises(EnterpriseNotJoint):
        enterprise_pool_move(enterprise=e, pool=Pool.JOINT, reason="调回", by=rita)


def test_withdrawing_from_joint_inspections_moves_enterprise_to_non_joint(anna):
    e = EnterpriseFactory()
    enterprise_update(enterprise=e, by=anna, joins_joint=False, reason="企业书面申请")
    e.refresh_from_db()
    assert e.pool == Pool.NON_JOINT
    assert PoolMembership.objects.filter(enterprise=e, valid_to__isnull=True).get().pool == Pool.NON_JOINT


def test_update_cannot_change_uscc(anna):
    e = EnterpriseFactory()
    with pytest.raises(Exception) as exc:
        enterprise_update(enterprise=e, by=anna, uscc=uscc_for(99))
    assert "uscc" in exc.value.detail


def test_cap_and_frequency_changes_are_reviewer_only_and_audited_field_by_field(rita, anna):
    with pytest.raises(PermissionDeniedError):
        cap_policy_update(by=anna, caps={"joint": 3})
    cap_policy_update(by=rita, caps={"joint": 3, "whitelist": 1}, reason="试点调整")
    assert CapPolicy.objects.get(pool="joint").yearly_onsite_cap == 3
    entries = _entries("cap_policy.updated")
    assert entries.count() == 1  # whitelist was already 1
    assert entries.get().changes == {"pool": "joint", "yearly_onsite_cap": [2, 3]}
    frequency_policy_update(by=rita, per_agency_yearly_cap=3, triggered_counts_toward_cap=True, late_code_days=10,
                            reason="司法局会议决定")
    changes = sorted(list(e.changes) for e in _entries("frequency_policy.updated"))
    assert changes == [["per_agency_yearly_cap"], ["triggered_counts_toward_cap"]]
    fp = FrequencyPolicy.current()
    assert fp.per_agency_yearly_cap == 3 and fp.triggered_counts_toward_cap is True
    ct = ContentType.objects.get_for_model(FrequencyPolicy)
    assert _entries("frequency_policy.updated").filter(target_type=ct, target_id="1").count() == 2


def test_cap_update_refuses_negative_or_unknown(rita):
    with pytest.raises(Exception) as exc:
        cap_policy_update(by=rita, caps={"joint": -1})
    assert exc.value.code == "invalid"
    with pytest.raises(ValidationFailed):
        frequency_policy_update(by=rita, nonsense=1)
