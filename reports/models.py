"""The pilot's summary report (举措 19 分析研判, 举措 21 总结提升): a snapshot of the figures of a period."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    """A generated summary report. `figures` is a JSON SNAPSHOT computed once by the background job:
    later data never change it. Regenerating the same period creates a new version; older versions
    stay readable."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已生成")
        FAILED = "failed", _("生成失败")

    title = models.CharField(_("报告名称"), max_length=200)
    period_start = models.DateField(_("统计期间起"))
    period_end = models.DateField(_("统计期间止"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    figures = models.JSONField(_("数据快照"), default=dict, blank=True)
    typical_cases = models.ManyToManyField("guidance.TypicalCase", verbose_name=_("选用典型案例"), blank=True,
                                           related_name="reports")
    note = models.TextField(_("报告说明"), blank=True, max_length=4000)
    job = models.ForeignKey("jiujiang_inspect.BackgroundJob", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("总结报告")
        verbose_name_plural = _("总结报告")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["period_start", "period_end", "version"], name="report_period_version"),
            models.CheckConstraint(name="report_period_ordered", condition=Q(period_end__gte=F("period_start"))),
        ]

    def __str__(self):
        return f"{self.title}（第{self.version}版）"

    @property
    def status_css(self):
        return {self.Status.QUEUED: "status-waiting", self.Status.RUNNING: "status-active",
                self.Status.DONE: "status-done", self.Status.FAILED: "status-refused"}.get(self.status)
