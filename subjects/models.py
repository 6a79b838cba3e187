"""行政检查主体 (agencies), accounts, 检查人员 (inspectors) and their 行政执法证件 (certificates)."""
from datetime import date, timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiujiang_inspect import roles

CERT_EXPIRING_DAYS = 30


class Agency(models.Model):
    """A 行政检查主体. Only statutory agencies, authorised organisations and entrusted organisations
    (acting in the entrusting agency's name) may inspect; 议事协调机构, third parties and 中介 may not
    (docs/domain.md, 举措 1). Towns and streets are agencies too (综合行政执法)."""

    class Kind(models.TextChoices):
        STATUTORY = "statutory", _("行政机关")
        AUTHORIZED = "authorized", _("法律法规授权组织")
        ENTRUSTED = "entrusted", _("受委托组织")

    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=200, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    # 机关代字 of its document numbers (鸠市监检通〔2026〕15号 → "鸠市监"), edited by the 司法局 reviewer;
    # docs/documents.md "Numbers".
    doc_abbreviation = models.CharField(_("文书代字"), max_length=20, blank=True)
    kind = models.CharField(_("主体类型"), max_length=16, choices=Kind.choices, default=Kind.STATUTORY)
    entrusting_agency = models.ForeignKey(
        "self", verbose_name=_("委托机关"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="entrusted_agencies",
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    power_basis = models.TextField(_("职权依据"), blank=True)
    is_town = models.BooleanField(_("镇（街道）"), default=False)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("执法主体")
        verbose_name_plural = _("执法主体")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="entrusted_needs_entrusting_agency",
                condition=~Q(kind="entrusted") | Q(entrusting_agency__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def label(self):
        """The short name pages show in tables (the full name when no short name is set)."""
        return self.short_name or self.name

    @property
    def doc_prefix(self):
        """The 机关代字 printed before a document number: `doc_abbreviation`, else the short name."""
        return self.doc_abbreviation or self.short_name or self.name

    @property
    def display_name(self):
        """Entrusted organisations act in the entrusting agency's name (行政处罚法 第20条)."""
        if self.kind == self.Kind.ENTRUSTED and self.entrusting_agency_id:
            return f"{self.entrusting_agency.name}（委托{self.name}）"
        return self.name


class User(AbstractUser):
    """An account. `role` decides what the user sees; `agency` scopes every list an inspector or
    agency admin can reach. Platform clients (智慧督) are service accounts with role `platform`."""

    class Role(models.TextChoices):
        INSPECTOR = roles.INSPECTOR, _("执法人员")
        AGENCY_ADMIN = roles.AGENCY_ADMIN, _("单位管理员")
        REVIEWER = roles.REVIEWER, _("司法局审核员")
        PLATFORM = roles.PLATFORM, _("平台接口")

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.INSPECTOR)
    agency = models.ForeignKey(
        Agency, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    inspector = models.OneToOneField(
        "Inspector", verbose_name=_("对应执法人员"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="user",
    )
    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    # Set when someone else chose the password (a new account, a reset); the owner must choose their own
    # before anything else (jiujiang_inspect.middleware.PasswordChangeRequiredMiddleware).
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="agency_roles_need_agency",
                condition=~Q(role__in=[roles.INSPECTOR, roles.AGENCY_ADMIN]) | Q(agency__isnull=False)
                | Q(is_superuser=True),
            ),
        ]

    def __str__(self):
        return self.display_name or self.username


class Inspector(models.Model):
    """检查人员. Helpers (辅助人员) may be recorded but never count toward the two-person minimum
    (行政处罚法 第42条). 身份证号 is stored for identity checks and never shown in full."""

    agency = models.ForeignKey(Agency, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="inspectors")
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    is_helper = models.BooleanField(_("辅助人员"), default=False)
    is_active = models.BooleanField(_("在岗"), default=True)
    # Set by the training app when the inspector passes the 检查码 test (举措 9); the optional
    # `inspector_not_trained` gate reads it here so plans need not import training.
    checkcode_test_passed_at = models.DateTimeField(_("通过检查码测试时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")
        ordering = ["agency__code", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=~Q(id_number=""), name="inspector_id_number_unique"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def id_number_masked(self):
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self):
        return mask_phone(self.phone)


def mask_phone(value: str) -> str:
    """A phone number as pages, the API and SMS notices show it: 13912345678 → 139****5678; a short
    value is all stars, nothing stays nothing. Inspectors, enterprise contacts and outbox recipients."""
    value = (value or "").strip()
    if not value:
        return ""
    return f"{value[:3]}****{value[-4:]}" if len(value) >= 7 else "****"


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}" if len(value) > 7 else "*" * len(value)


class Certificate(models.Model):
    """行政执法证件, the current one of an inspector. Renewal replaces the number and dates; the old
    values stay in the audit trail. `status` is set by people; expiry is computed from the dates."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        SUSPENDED = "suspended", _("暂扣")
        REVOKED = "revoked", _("吊销")

    class State(models.TextChoices):
        VALID = "valid", _("有效")
        EXPIRING = "expiring", _("即将到期")
        EXPIRED = "expired", _("已过期")
        NOT_YET_VALID = "not_yet_valid", _("未生效")
        SUSPENDED = "suspended", _("暂扣")
        REVOKED = "revoked", _("吊销")

    inspector = models.OneToOneField(
        Inspector, verbose_name=_("执法人员"), on_delete=models.CASCADE, related_name="certificate"
    )
    number = models.CharField(_("证件号"), max_length=40, unique=True)
    issuer = models.CharField(_("发证机关"), max_length=100, blank=True)
    field = models.CharField(_("执法领域"), max_length=100, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"))
    status = models.CharField(_("证件状态"), max_length=16, choices=Status.choices, default=Status.VALID)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("执法证件")
        verbose_name_plural = _("执法证件")
        constraints = [
            models.CheckConstraint(name="certificate_dates_ordered", condition=Q(valid_until__gte=models.F("valid_from"))),
        ]

    def __str__(self):
        return self.number

    def is_valid_on(self, day: date) -> bool:
        return self.status == self.Status.VALID and self.valid_from <= day <= self.valid_until

    def state_on(self, day: date | None = None) -> str:
        day = day or timezone.localdate()
        if self.status != self.Status.VALID:
            return self.status
        if day < self.valid_from:
            return self.State.NOT_YET_VALID
        if day > self.valid_until:
            return self.State.EXPIRED
        if self.valid_until <= day + timedelta(days=CERT_EXPIRING_DAYS):
            return self.State.EXPIRING
        return self.State.VALID

    @property
    def state(self):
        return self.state_on()

    @property
    def state_label(self):
        return self.State(self.state).label
