from datetime import date, timedelta

import pytest

from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.models import AuditEntry
from subjects import selectors, services
from subjects.models import Agency, Certificate
from subjects.tests.factories import AgencyFactory, CertificateFactory, InspectorFactory
from subjects.validators import id_number_error, id_number_with_check, uscc_check_char, uscc_checksum_ok

pytestmark = pytest.mark.django_db

CERT = {"number": "皖340207999001", "issuer": "芜湖市人民政府", "field": "市场监管",
        "valid_from": date(2024, 1, 1), "valid_until": date(2030, 12, 31)}


def test_id_number_checksum_is_enforced():
    good = id_number_with_check("34020719850312123")
    assert id_number_error(good) is None
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert "校验位" in id_number_error(bad)
    assert "出生日期" in id_number_error(id_number_with_check("34020719851332123"))


def test_uscc_checksum_matches_gb32100_example():
    # 91340200MA2N0XXXXX-style codes: the check char is computed from the first 17.
    code = "91340207MA2TQ1234"
    assert uscc_checksum_ok(code + uscc_check_char(code))
    assert not uscc_checksum_ok(code + ("0" if uscc_check_char(code) != "0" else "1"))


def test_entrusted_agency_needs_an_entrusting_agency(rita):
    with pytest.raises(ApplicationError) as e:
        services.agency_create(by=rita, code="WT1", name="某受委托组织", kind=Agency.Kind.ENTRUSTED)
    assert "entrusting_agency" in e.value.detail
    parent = AgencyFactory(code="WSJK")
    agency = services.agency_create(by=rita, code="WT1", name="某受委托组织", kind=Agency.Kind.ENTRUSTED,
                                    entrusting_agency=parent)
    assert agency.display_name.startswith(parent.name)
    assert AuditEntry.objects.filter(action="agency.created", target_id=str(agency.pk)).exists()


def test_agency_admin_cannot_create_agencies(anna):
    with pytest.raises(ApplicationError) as e:
        services.agency_create(by=anna, code="X1", name="不该建的单位")
    assert e.value.code == "permission_denied"


def test_inspector_needs_certificate_unless_helper(anna, agency_a):
    with pytest.raises(ApplicationError) as e:
        services.inspector_create(by=anna, agency=agency_a, name="张三", id_number=id_number_with_check("34020719900101001"))
    assert "certificate_number" in e.value.detail
    helper = services.inspector_create(by=anna, agency=agency_a, name="辅助李四", is_helper=True)
    assert helper.is_helper and not hasattr(helper, "certificate")


def test_inspector_create_rejects_bad_id_number_and_records_audit_without_personal_data(anna, agency_a):
    idn = id_number_with_check("34020719900101001")
    wrong_check = idn[:-1] + ("1" if idn[-1] != "1" else "2")
    with pytest.raises(ApplicationError) as e:
        services.inspector_create(by=anna, agency=agency_a, name="张三", id_number=wrong_check, certificate=CERT)
    assert "id_number" in e.value.detail
    inspector = services.inspector_create(by=anna, agency=agency_a, name="张三", id_number=idn, phone="13900000000",
                                          certificate=CERT)
    entry = AuditEntry.objects.get(action="inspector.created", target_id=str(inspector.pk))
    assert entry.actor == anna and entry.agency_code == "SCJG"
    assert idn not in str(entry.changes) and "13900000000" not in str(entry.changes)
    assert entry.changes["certificate_number"] == CERT["number"]


def test_admin_of_another_agency_cannot_register_inspectors_here(bert, agency_a):
    with pytest.raises(ApplicationError) as e:
        services.inspector_create(by=bert, agency=agency_a, name="越权", certificate=CERT)
    assert e.value.code == "permission_denied"


def test_revoked_certificate_cannot_be_reinstated(anna, agency_a):
    cert = CertificateFactory(inspector=InspectorFactory(agency=agency_a, certificate=None))
    services.certificate_set_status(certificate=cert, by=anna, status="revoked", reason="违法违纪")
    with pytest.raises(ApplicationError):
        services.certificate_set_status(certificate=cert, by=anna, status="valid", reason="恢复")
    entry = AuditEntry.objects.get(action="certificate.revoked")
    assert entry.reason == "违法违纪" and entry.changes["status"] == ["valid", "revoked"]


def test_renewal_keeps_old_number_in_audit_trail(anna, agency_a):
    cert = CertificateFactory(inspector=InspectorFactory(agency=agency_a, certificate=None), number="皖OLD001")
    services.certificate_renew(certificate=cert, by=anna, number="皖NEW001", valid_from=date(2026, 1, 1),
                               valid_until=date(2031, 1, 1))
    entry = AuditEntry.objects.get(action="certificate.renewed")
    assert entry.changes["number"] == ["皖OLD001", "皖NEW001"]


def test_eligible_inspectors_exclude_helpers_expired_suspended_and_inactive(agency_a):
    day = date(2026, 6, 1)
    ok = InspectorFactory(agency=agency_a, certificate=None)
    CertificateFactory(inspector=ok, valid_from=date(2025, 1, 1), valid_until=day)
    expired = InspectorFactory(agency=agency_a, certificate=None)
    CertificateFactory(inspector=expired, valid_from=date(2020, 1, 1), valid_until=day - timedelta(days=1))
    suspended = InspectorFactory(agency=agency_a, certificate=None)
    CertificateFactory(inspector=suspended, status=Certificate.Status.SUSPENDED, valid_from=date(2025, 1, 1),
                       valid_until=date(2030, 1, 1))
    InspectorFactory(agency=agency_a, is_helper=True)
    InspectorFactory(agency=agency_a, is_active=False)
    assert list(selectors.inspectors_eligible(agency=agency_a, on_date=day)) == [ok]
    agency_a.is_active = False
    agency_a.save()
    assert not selectors.inspectors_eligible(agency=agency_a, on_date=day).exists()


def test_user_create_validates_password_and_agency(rita, agency_a):
    with pytest.raises(ApplicationError) as e:
        services.user_create(by=rita, username="u1", password="123", role="inspector", agency=agency_a)
    assert "password" in e.value.detail
    with pytest.raises(ApplicationError) as e:
        services.user_create(by=rita, username="u1", password="Strong!pass2026", role="inspector")
    assert "agency" in e.value.detail
    user = services.user_create(by=rita, username="u1", password="Strong!pass2026", role="inspector", agency=agency_a)
    assert user.check_password("Strong!pass2026")
    services.user_update(user=user, by=rita, is_active=False, reason="调离")
    assert AuditEntry.objects.filter(action="user.updated", reason="调离").exists()
