"""Plumbing records every app uses: the audit trail, API tokens and alerts."""
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change to a regulated record: who, when, what changed, why. Append-only.

    Never updated or deleted through the app or admin; on PostgreSQL a trigger refuses UPDATE and
    DELETE (migration 0002), so even a bug or a shell cannot rewrite history.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    agency_code = models.CharField(_("所属单位代码"), max_length=32, blank=True, db_index=True)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(_("对象"), max_length=255, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        # Append-only at the ORM level too: an existing row is never saved again.
        if self.pk and not kwargs.pop("_allow_update", False):
            raise RuntimeError("AuditEntry is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("AuditEntry is append-only")

    @property
    def change_items(self):
        """(field, value) pairs for templates: `changes.items` would break on a field named "items"."""
        return list(self.changes.items()) if isinstance(self.changes, dict) else []


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 hash is stored; the secret is shown once at creation."""

    class Scope(models.TextChoices):
        READ = "read", _("只读")
        HOTLINE_WRITE = "hotline:write", _("写入12345工单")
        CASES_WRITE = "cases:write", _("写入监督案件")

    name = models.CharField(_("名称"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("权限范围"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    def has_scope(self, scope):
        return scope in self.scopes


class Alert(models.Model):
    """提醒预警: raised by any app through `alert_raise`, handled by 司法局 in supervision.

    `dedupe_key` makes raising idempotent: a job that runs twice raises each alert once.
    """

    class Severity(models.TextChoices):
        INFO = "info", _("提醒")
        WARNING = "warning", _("预警")
        BLOCK = "block", _("阻断")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ACKNOWLEDGED = "acknowledged", _("已知悉")
        RESOLVED = "resolved", _("已处理")

    kind = models.CharField(_("类型"), max_length=64, db_index=True)
    severity = models.CharField(_("级别"), max_length=16, choices=Severity.choices, default=Severity.WARNING)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    message = models.TextField(_("说明"), blank=True)
    agency = models.ForeignKey(
        "subjects.Agency", verbose_name=_("相关单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="alerts",
    )
    enterprise_uscc = models.CharField(_("相关企业"), max_length=18, blank=True, db_index=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    source = models.CharField(_("来源"), max_length=64, blank=True, db_index=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("产生时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handling_note = models.TextField(_("处理说明"), blank=True)

    class Meta:
        verbose_name = _("提醒预警")
        verbose_name_plural = _("提醒预警")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class BackgroundJob(models.Model):
    """Long work (imports, reports) run by Celery; the page polls it for a progress bar.

    The row, not the broker message, is the source of truth (jiujiang_inspect.jobs): a job is claimed
    by an atomic UPDATE (queued, or running with a stale heartbeat), a running job beats every few
    seconds, and the reaper re-sends queued jobs whose message was lost and re-queues or fails running
    jobs whose worker died. `attempts` counts claims; the finish is written only by the current claim.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    class Phase(models.TextChoices):
        NONE = "", _("—")
        READING = "reading", _("正在读取文件")
        CHECKING = "checking", _("正在校验数据")
        WRITING = "writing", _("正在写入数据")

    kind = models.CharField(_("类型"), max_length=64)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(_("阶段"), max_length=16, choices=Phase.choices, default=Phase.NONE, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    file = models.FileField(upload_to="jobs/", blank=True)
    file_name = models.CharField(_("上传文件名"), max_length=255, blank=True)
    params = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(_("逐行错误"), default=list, blank=True)
    message = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(_("执行次数"), default=0)
    retryable = models.BooleanField(_("可重新执行"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("最近投递"), null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat")]

    @property
    def percent(self):
        if self.status == self.Status.SUCCEEDED:
            return 100
        return min(100, int(self.done * 100 / self.total)) if self.total else 0

    @property
    def is_active(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class WebhookSubscription(models.Model):
    """A receiver of outbound events (智慧督 or any subscriber), managed by 司法局 reviewers.

    The secret signs every delivery (HMAC-SHA256, jiujiang_inspect.channels.sign); it is kept in the
    clear because signing needs it, and the API and pages show it once, at creation and on rotation."""

    name = models.CharField(_("名称"), max_length=200)
    url = models.URLField(_("接收地址"), max_length=500)
    events = models.JSONField(_("订阅事件"), default=list, blank=True)
    secret = models.CharField(max_length=64)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("事件订阅")
        verbose_name_plural = _("事件订阅")
        ordering = ["-id"]

    def __str__(self):
        return self.name

    def wants(self, event: str) -> bool:
        return "*" in self.events or event in self.events


class OutboundMessage(models.Model):
    """One message leaving the system (the outbox): written in the transaction of the change it reports,
    delivered by Celery (jiujiang_inspect.outbox). The row, not the broker message, is the truth."""

    class Channel(models.TextChoices):
        WEBHOOK = "webhook", _("事件推送（智慧督等订阅方）")
        CITY_CHECKCODE = "city_checkcode", _("市检查码系统")
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")
        HOTLINE = "hotline", _("12345 热线")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("发送失败")
        NOT_SENT = "not_sent", _("未发送（渠道未配置或无接收方）")

    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, db_index=True)
    event = models.CharField(_("事件"), max_length=64, db_index=True)
    object_key = models.CharField(_("对象"), max_length=100)
    recipient = models.CharField(_("接收方"), max_length=255, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    progress = models.JSONField(default=dict, blank=True)  # webhook: {subscription id: delivered at}
    created_at = models.DateTimeField(_("产生时间"), default=timezone.now, db_index=True)
    retry_from = models.DateTimeField(default=timezone.now)  # the retry horizon counts from here (a replay resets it)
    next_attempt_at = models.DateTimeField(_("下次发送"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("外发消息")
        verbose_name_plural = _("外发消息")
        ordering = ["-id"]
        indexes = [models.Index(fields=["channel", "object_key", "id"], name="outbox_object_order"),
                   models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.get_channel_display()} {self.event} #{self.pk}"
