"""检查码, its scans, inspection results, 企业评议 and 整改 (举措 8, 10, 13, 14)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CheckCode(models.Model):
    """检查码 of an approved inspection: no code, no on-site inspection (举措 8).

    `code` carries ≥80 random bits in a human-readable form with a check character. At most one
    code per inspection is live (issued/shown/completed) at a time.
    """

    class Status(models.TextChoices):
        ISSUED = "issued", _("已赋码")
        SHOWN = "shown", _("已亮码")
        COMPLETED = "completed", _("已完成")
        CLOSED = "closed", _("已办结")
        EXPIRED = "expired", _("已过期")
        REVOKED = "revoked", _("已撤销")

    LIVE = (Status.ISSUED, Status.SHOWN, Status.COMPLETED)

    inspection = models.ForeignKey("plans.Inspection", verbose_name=_("检查任务"), on_delete=models.PROTECT,
                                   related_name="check_codes")
    code = models.CharField(_("检查码"), max_length=32, unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ISSUED, db_index=True)
    valid_from = models.DateTimeField(_("有效期起"))
    valid_until = models.DateTimeField(_("有效期至"), db_index=True)
    is_late = models.BooleanField(_("事后补码"), default=False)
    late_reason = models.TextField(_("补码原因"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("赋码时间"), default=timezone.now, db_index=True)
    first_shown_at = models.DateTimeField(_("首次亮码"), null=True, blank=True)
    revoked_reason = models.TextField(_("撤销原因"), blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("检查码")
        verbose_name_plural = _("检查码")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection"], condition=Q(status__in=["issued", "shown", "completed"]),
                name="one_live_code_per_inspection",
            ),
        ]

    def __str__(self):
        return self.code


class CodeScan(models.Model):
    """Every view of the public verification page (time and coarse client info only)."""

    check_code = models.ForeignKey(CheckCode, on_delete=models.CASCADE, related_name="scans")
    at = models.DateTimeField(default=timezone.now)
    client = models.CharField(max_length=120, blank=True)
    ip_prefix = models.CharField(max_length=45, blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class InspectionResult(models.Model):
    """现场检查结果 recorded by the inspector; visible to the enterprise through its code."""

    inspection = models.OneToOneField("plans.Inspection", on_delete=models.PROTECT, related_name="result")
    outcome = models.CharField(_("结果"), max_length=20, choices=[
        ("no_issue", _("未发现问题")), ("rectification", _("责令整改")), ("case_transferred", _("移交立案")),
    ])
    findings = models.TextField(_("检查情况"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")


class Rectification(models.Model):
    """整改: items and deadline → enterprise response → 复查 (does not count toward caps) → closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        RESPONDED = "responded", _("企业已反馈")
        VERIFIED = "verified", _("复查通过")
        REJECTED = "rejected", _("复查未通过")
        CLOSED = "closed", _("已办结")

    result = models.OneToOneField(InspectionResult, on_delete=models.CASCADE, related_name="rectification")
    items = models.JSONField(_("整改事项"), default=list)
    deadline = models.DateField(_("整改期限"), db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    enterprise_response = models.TextField(_("企业反馈"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_note = models.TextField(_("复查意见"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("整改")
        verbose_name_plural = _("整改")
        ordering = ["deadline", "id"]


class Evaluation(models.Model):
    """企业评议: anonymous to the inspecting agency (aggregates over ≥5 only), full for 司法局."""

    check_code = models.OneToOneField(CheckCode, on_delete=models.PROTECT, related_name="evaluation")
    rating = models.PositiveSmallIntegerField(_("评分"))
    code_shown = models.BooleanField(_("检查人员出示了检查码"))
    notified_in_advance = models.BooleanField(_("事先收到检查通知"))
    negative_items = models.ManyToManyField("matters.NegativeListItem", verbose_name=_("负面清单行为"), blank=True)
    comment = models.TextField(_("意见建议"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("企业评议")
        verbose_name_plural = _("企业评议")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(name="rating_1_to_5", condition=Q(rating__gte=1, rating__lte=5))]
