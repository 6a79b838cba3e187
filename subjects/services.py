"""Writes to agencies, inspectors, certificates and accounts. Every change is audited."""
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record, model_changes, snapshot
from jiujiang_inspect.identifiers import normalize_code
from jiujiang_inspect.outbox import Outgoing, outbox_publish

from .exceptions import PermissionDeniedError, ValidationFailed
from .models import CERT_EXPIRING_DAYS, Agency, Certificate, Inspector, User
from .validators import id_number_error, id_number_normalise

AGENCY_FIELDS = ["code", "name", "short_name", "doc_abbreviation", "kind", "entrusting_agency_id", "uscc", "power_basis", "is_town",
                 "is_active"]
INSPECTOR_FIELDS = ["name", "id_number", "phone", "position", "is_helper", "is_active", "agency_id"]
CERT_FIELDS = ["number", "issuer", "field", "valid_from", "valid_until", "status"]


def _fail(field, message):
    raise ValidationFailed(detail={field: [str(message)]}, message=str(message))


def require_manager_of(by, agency):
    """Reviewers manage every agency; an agency admin only their own."""
    if roles.is_reviewer(by):
        return
    if roles.is_agency_admin(by) and by.agency_id == getattr(agency, "pk", None):
        return
    raise PermissionDeniedError(_("只能管理本单位的执法人员。"))


def _validate_agency(agency):
    if agency.kind == Agency.Kind.ENTRUSTED and not agency.entrusting_agency_id:
        _fail("entrusting_agency", _("受委托组织必须指定委托机关，并以委托机关名义实施检查。"))
    if agency.entrusting_agency_id and agency.entrusting_agency_id == agency.pk:
        _fail("entrusting_agency", _("委托机关不能是本单位。"))
    if agency.kind != Agency.Kind.ENTRUSTED:
        agency.entrusting_agency = None


@transaction.atomic
def agency_create(*, by, code: str, name: str, kind: str = Agency.Kind.STATUTORY, entrusting_agency=None,
                  uscc: str = "", power_basis: str = "", short_name: str = "", is_town: bool = False,
                  is_active: bool = True, doc_abbreviation: str = "") -> Agency:
    """Register a 行政检查主体 (举措 1). Entrusted organisations need their entrusting agency."""
    roles.require(by, roles.REVIEWER)
    code = normalize_code(code)
    if Agency.objects.filter(code__iexact=code).exists():  # `scjg` would be SCJG again
        _fail("code", _("单位代码已存在。"))
    if Agency.objects.filter(name=name).exists():
        _fail("name", _("单位名称已存在。"))
    agency = Agency(code=code, name=name, kind=kind, entrusting_agency=entrusting_agency, uscc=uscc,
                    power_basis=power_basis, short_name=short_name, is_town=is_town, is_active=is_active,
                    doc_abbreviation=doc_abbreviation)
    _validate_agency(agency)
    agency.save()
    audit_record(actor=by, action="agency.created", target=agency, changes=snapshot(agency, AGENCY_FIELDS))
    return agency


@transaction.atomic
def agency_update(*, agency: Agency, by, reason: str = "", **fields) -> Agency:
    roles.require(by, roles.REVIEWER)
    before = snapshot(agency, AGENCY_FIELDS)
    for key, value in fields.items():
        setattr(agency, key, value)
    _validate_agency(agency)
    for key in ("code", "name"):
        if Agency.objects.filter(**{key: getattr(agency, key)}).exclude(pk=agency.pk).exists():
            _fail(key, _("已被其他单位使用。"))
    agency.save()
    changes = model_changes(agency, AGENCY_FIELDS, before)
    if changes:
        audit_record(actor=by, action="agency.updated", target=agency, changes=changes, reason=reason)
    return agency


def _validate_inspector(inspector):
    if inspector.id_number:
        inspector.id_number = id_number_normalise(inspector.id_number)
        err = id_number_error(inspector.id_number)
        if err:
            _fail("id_number", err)
        clash = Inspector.objects.filter(id_number=inspector.id_number).exclude(pk=inspector.pk).exists()
        if clash:
            _fail("id_number", _("该身份证号已登记为其他执法人员。"))
    if not inspector.agency.is_active:
        _fail("agency", _("单位已停用，不能登记执法人员。"))


def _validate_certificate(cert):
    # Typed or pasted as people do (full-width digits, spaces, invisible characters): the number it spells,
    # whichever way it enters (form, API, import), so a duplicate is recognised (docs/api.md "Identifiers").
    cert.number = normalize_code(cert.number)
    if not cert.number:
        _fail("certificate_number", _("请填写执法证件号。"))
    if cert.valid_from and cert.valid_until and cert.valid_until < cert.valid_from:
        _fail("certificate_valid_until", _("有效期至不能早于有效期起。"))
    if Certificate.objects.filter(number=cert.number).exclude(pk=cert.pk).exists():
        _fail("certificate_number", _("该执法证件号已被登记。"))


@transaction.atomic
def inspector_create(*, by, agency: Agency, name: str, id_number: str = "", phone: str = "", position: str = "",
                     is_helper: bool = False, certificate: dict | None = None, is_active: bool = True) -> Inspector:
    """Register a 检查人员. Non-helpers need a 行政执法证件; helpers (辅助人员) may have none and
    never count toward the two-person minimum."""
    require_manager_of(by, agency)
    inspector = Inspector(agency=agency, name=name, id_number=id_number or "", phone=phone or "",
                          position=position or "", is_helper=is_helper, is_active=is_active)
    _validate_inspector(inspector)
    if not is_helper and not certificate:
        _fail("certificate_number", _("执法人员必须登记行政执法证件；没有证件的只能登记为辅助人员。"))
    inspector.save()
    changes = snapshot(inspector, ["name", "agency_id", "phone", "is_helper"])
    if certificate:
        cert = Certificate(inspector=inspector, **certificate)
        _validate_certificate(cert)
        cert.save()
        changes.update({f"certificate_{k}": v for k, v in snapshot(cert, CERT_FIELDS).items()})
    changes.pop("phone", None)  # personal data stays out of the audit trail
    audit_record(actor=by, action="inspector.created", target=inspector, changes=changes)
    return inspector


@transaction.atomic
def inspector_update(*, inspector: Inspector, by, reason: str = "", certificate: dict | None = None,
                     **fields) -> Inspector:
    require_manager_of(by, inspector.agency)
    if "agency" in fields:
        require_manager_of(by, fields["agency"])
    before = snapshot(inspector, INSPECTOR_FIELDS)
    for key, value in fields.items():
        setattr(inspector, key, value)
    _validate_inspector(inspector)
    inspector.save()
    changes = model_changes(inspector, INSPECTOR_FIELDS, before)
    for private in ("id_number", "phone"):
        if private in changes:
            changes[private] = ["（已修改）", "（已修改）"]
    if certificate:
        cert = getattr(inspector, "certificate", None)
        if cert is None:
            cert = Certificate(inspector=inspector, **certificate)
            cert_before = {}
        else:
            cert_before = snapshot(cert, CERT_FIELDS)
            for key, value in certificate.items():
                setattr(cert, key, value)
        _validate_certificate(cert)
        cert.save()
        changes.update({f"certificate_{k}": v for k, v in model_changes(cert, CERT_FIELDS, cert_before).items()})
    if changes:
        audit_record(actor=by, action="inspector.updated", target=inspector, changes=changes, reason=reason)
    return inspector


@transaction.atomic
def certificate_set_status(*, certificate: Certificate, by, status: str, reason: str) -> Certificate:
    """Suspend (暂扣), revoke (吊销) or reinstate a certificate. A revoked certificate stays revoked."""
    require_manager_of(by, certificate.inspector.agency)
    if status not in Certificate.Status.values:
        _fail("certificate_status", _("证件状态无效。"))
    if not reason:
        _fail("reason", _("请说明原因。"))
    if certificate.status == Certificate.Status.REVOKED and status != Certificate.Status.REVOKED:
        _fail("certificate_status", _("已吊销的证件不能恢复，请换发新证。"))
    before = snapshot(certificate, CERT_FIELDS)
    certificate.status = status
    certificate.save(update_fields=["status", "updated_at"])
    _touch_inspectors([certificate.inspector_id])
    audit_record(actor=by, action=f"certificate.{status}", target=certificate.inspector,
                 changes=model_changes(certificate, CERT_FIELDS, before), reason=reason)
    return certificate


@transaction.atomic
def certificate_renew(*, certificate: Certificate, by, number: str, valid_from: date, valid_until: date,
                      issuer: str = "", field: str = "", reason: str = "换发新证") -> Certificate:
    """换证: a new number and validity; the old values remain in the audit trail."""
    require_manager_of(by, certificate.inspector.agency)
    before = snapshot(certificate, CERT_FIELDS)
    certificate.number, certificate.valid_from, certificate.valid_until = number, valid_from, valid_until
    certificate.issuer = issuer or certificate.issuer
    certificate.field = field or certificate.field
    certificate.status = Certificate.Status.VALID
    _validate_certificate(certificate)
    certificate.save()
    _touch_inspectors([certificate.inspector_id])
    audit_record(actor=by, action="certificate.renewed", target=certificate.inspector,
                 changes=model_changes(certificate, CERT_FIELDS, before), reason=reason)
    return certificate


def _validate_user(user, password=None):
    if user.role in (roles.INSPECTOR, roles.AGENCY_ADMIN) and not user.agency_id:
        _fail("agency", _("执法人员和单位管理员必须指定所属单位。"))
    if user.inspector_id and user.inspector.agency_id != user.agency_id:
        _fail("inspector", _("对应执法人员不属于该单位。"))
    if password is not None:
        try:
            validate_password(password, user)
        except DjangoValidationError as e:
            raise ValidationFailed(detail={"password": list(e.messages)}, message=e.messages[0])


def may_manage_account(by, user: User) -> bool:
    """Reviewers (and superusers) manage every account; an agency admin manages the 执法人员 logins of its
    own agency (issue 15 "Accounts": ~170 inspectors must not wait for the 司法局 to type them)."""
    if roles.is_reviewer(by):
        return True
    return (roles.is_agency_admin(by) and user.role == roles.INSPECTOR and user.agency_id == by.agency_id
            and (user.inspector_id is None or user.inspector.agency_id == by.agency_id))


def _require_account_manager(by, user: User):
    if not may_manage_account(by, user):
        raise PermissionDeniedError(_("单位管理员只能管理本单位执法人员的账号。"))


@transaction.atomic
def user_create(*, by, username: str, password: str, role: str, agency: Agency | None = None,
                display_name: str = "", inspector: Inspector | None = None, is_active: bool = True) -> User:
    """Create an account with a role and agency: reviewers any, an agency admin its own inspectors'
    (may_manage_account). The password is the creator's choice, so the owner must change it at first
    login (`must_change_password`). Raises PermissionDeniedError, ValidationFailed (field errors)."""
    roles.require(by, roles.REVIEWER, roles.AGENCY_ADMIN)
    if role not in User.Role.values or role == roles.PLATFORM:
        _fail("role", _("角色无效。"))
    if User.objects.filter(username=username).exists():
        _fail("username", _("用户名已存在。"))
    user = User(username=username, role=role, agency=agency, display_name=display_name, inspector=inspector,
                is_active=is_active, must_change_password=True)
    _require_account_manager(by, user)
    _validate_user(user, password)
    user.set_password(password)
    try:
        user.save()
    except IntegrityError:
        _fail("username", _("用户名已存在。"))
    audit_record(actor=by, action="user.created", target=user,
                 changes={"username": username, "role": role, "agency": getattr(agency, "code", None)})
    return user


def user_create_with_sms(*, by, username: str, inspector: Inspector) -> User:
    """An inspector's login created for them (the roster import, issue 15 "Accounts"): a random initial
    password that nobody types or sees, sent by SMS to the inspector's own phone (outbox `sms`, event
    `user.initial_password`, whose text is not kept once delivered); they must change it at first login.
    Same rules as `user_create` (who may create it, username free). Raises what `user_create` raises, and
    ValidationFailed when the inspector has no phone."""
    phone = (inspector.phone or "").strip()
    if not phone:
        _fail("phone", _("创建登录账号须填写手机号：初始密码以短信发送给本人。"))
    password = get_random_string(12, "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") + "9a"
    user = user_create(by=by, username=username, password=password, role=roles.INSPECTOR, agency=inspector.agency,
                       display_name=inspector.name, inspector=inspector)
    link = (settings.PUBLIC_BASE_URL or "").rstrip("/") + "/accounts/login/"
    outbox_publish("user.initial_password", key=f"user:{user.pk}", data=None, extra=[Outgoing(
        channel="sms", recipient=phone, payload={"text": (
            f"【鸠江区综合查一次】{inspector.name}：已为您开通行政检查系统账号 {username}，初始密码 {password}，"
            f"首次登录须修改密码。登录地址 {link}")})])
    return user


@transaction.atomic
def user_update(*, user: User, by, password: str | None = None, reason: str = "", **fields) -> User:
    """Change an account (may_manage_account before and after the change: an agency admin cannot move a
    login to another agency or role). A password set here is someone else's choice: the owner must change
    it at the next login. Raises PermissionDeniedError, ValidationFailed."""
    roles.require(by, roles.REVIEWER, roles.AGENCY_ADMIN)
    _require_account_manager(by, user)
    tracked = ["role", "agency_id", "display_name", "is_active", "inspector_id"]
    before = snapshot(user, tracked)
    for key, value in fields.items():
        setattr(user, key, value)
    _require_account_manager(by, user)
    if user.role == roles.PLATFORM and before["role"] != roles.PLATFORM:
        _fail("role", _("平台接口账号只能通过令牌命令创建。"))
    _validate_user(user, password)
    if password:
        user.set_password(password)
        user.must_change_password = user.pk != getattr(by, "pk", None)
    user.save()
    changes = model_changes(user, tracked, before)
    if password:
        changes["password"] = ["（已重置）", "（已重置）"]
    if changes:
        audit_record(actor=by, action="user.updated", target=user, changes=changes, reason=reason)
    return user


@transaction.atomic
def user_password_changed(*, user: User) -> User:
    """The owner chose their own password (the password page): the first-login requirement is met."""
    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False
    audit_record(actor=user, action="user.password_changed", target=user)
    return user


def platform_client_create(*, name: str, scopes, by=None, days: int = 365):
    """A 智慧督-style client: a service account with role `platform` and one scoped token.
    Returns (token, secret); the secret is shown once."""
    from datetime import timedelta

    from jiujiang_inspect.models import ApiToken
    from jiujiang_inspect.tokens import api_token_create

    bad = [s for s in scopes if s not in ApiToken.Scope.values]
    if bad:
        _fail("scopes", _("未知的权限范围：") + "、".join(bad))
    username = f"platform-{name}"[:150]
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": roles.PLATFORM, "display_name": name})
        if created:
            user.set_unusable_password()
            user.save()
        return api_token_create(user=user, name=name, scopes=list(scopes), lifetime=timedelta(days=days),
                                created_by=by)


@transaction.atomic
def inspector_mark_checkcode_test_passed(*, inspector: Inspector, passed_at, source: str = "") -> Inspector:
    """Record that the inspector passed the 检查码 test (举措 9). Called by the training app."""
    if inspector.checkcode_test_passed_at is None or passed_at > inspector.checkcode_test_passed_at:
        inspector.checkcode_test_passed_at = passed_at
        inspector.save(update_fields=["checkcode_test_passed_at", "updated_at"])
        audit_record(actor=None, action="inspector.checkcode_test_passed", target=inspector,
                     changes={"checkcode_test_passed_at": passed_at}, reason=source)
    return inspector


def _touch_inspectors(ids) -> int:
    """An inspector's API row shows its certificate: a certificate change moves the inspector's
    `updated_at`, so `updated_since` syncs of /inspectors/ see it (issue 14 "sync that misses nothing")."""
    return Inspector.objects.filter(pk__in=ids).update(updated_at=timezone.now())


def certificates_touch_state_changes(*, today: date) -> int:
    """Daily: the inspectors whose certificate's computed `certificate_state` changes today (valid from
    today, expiring from today, expired from today) get a new `updated_at`: a syncing client reads
    the state, which changed without any write. Returns how many."""
    changes_today = (Q(valid_from=today) | Q(valid_until=today - timedelta(days=1))
                     | Q(valid_until=today + timedelta(days=CERT_EXPIRING_DAYS)))
    ids = Certificate.objects.filter(changes_today).values_list("inspector_id", flat=True)
    return _touch_inspectors(list(ids))
