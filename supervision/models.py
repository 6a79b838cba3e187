"""Supervision by the 区司法局: job runs (frequency audit, sweeps), supervision cases and their
measures, 12345 hotline tickets, satisfaction surveys (举措 16–20)."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiujiang_inspect.uploads import StoredFile


class JobRun(models.Model):
    """One run of a periodic job for one period; unique per (kind, period) so a re-run replaces it."""

    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("任务"), max_length=32)
    period = models.CharField(_("期间"), max_length=10)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=1)
    triggered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = _("任务运行")
        verbose_name_plural = _("任务运行")
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "period"], name="job_run_kind_period")]


class HotlineTicket(models.Model):
    """12345 工单 from 智慧督 (idempotent on external_id) or an Excel upload; triaged by a reviewer."""

    class Status(models.TextChoices):
        NEW = "new", _("待分拣")
        CASE_OPENED = "case_opened", _("已立案")
        CLOSED = "closed", _("已办结")

    external_id = models.CharField(_("工单编号"), max_length=64, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    received_at = models.DateTimeField(_("受理时间"))
    enterprise_uscc = models.CharField(_("涉及企业"), max_length=18, blank=True)
    agency = models.ForeignKey("subjects.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)
    close_reason = models.TextField(_("办结说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("12345工单")
        verbose_name_plural = _("12345工单")
        ordering = ["-received_at", "-id"]


class SupervisionCase(models.Model):
    """监督案件 against an agency's inspection conduct; measures escalate 责令改正 → 公开约谈 →
    督办通报 → 移送纪检监察."""

    class Source(models.TextChoices):
        HOTLINE = "hotline", _("12345热线")
        SERVICE_PLATFORM = "service_platform", _("企业服务平台")
        CONTACT_POINT = "contact_point", _("行政执法监督联系点")
        EVALUATION = "evaluation", _("企业评议")
        AUDIT = "audit", _("频次监测")
        PLATFORM = "platform", _("智慧督")

    class Status(models.TextChoices):
        OPEN = "open", _("办理中")
        CLOSED = "closed", _("已办结")

    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    title = models.CharField(_("案件名称"), max_length=200)
    problem = models.TextField(_("问题描述"))
    agency = models.ForeignKey("subjects.Agency", verbose_name=_("被监督单位"), on_delete=models.PROTECT,
                               related_name="supervision_cases")
    inspections = models.ManyToManyField("plans.Inspection", verbose_name=_("涉及检查"), blank=True)
    # 案例指导 (issue 7): a typical case is linked to the supervision cases it concerns. The link lives
    # here because supervision may import guidance and never the reverse.
    typical_cases = models.ManyToManyField("guidance.TypicalCase", verbose_name=_("相关典型案例"), blank=True,
                                           related_name="supervision_cases")
    hotline_ticket = models.ForeignKey(HotlineTicket, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="cases")
    external_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    deadline = models.DateField(_("办理期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    outcome = models.TextField(_("办理结果"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("监督案件")
        verbose_name_plural = _("监督案件")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class CaseMeasure(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", _("责令改正")
        INTERVIEW = "interview", _("公开约谈")
        PUBLIC_NOTICE = "public_notice", _("督办通报")
        REFERRAL = "referral", _("移送纪检监察")

    case = models.ForeignKey(SupervisionCase, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("措施"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("日期"))
    deadline = models.DateField(_("期限"), null=True, blank=True)
    document = models.CharField(_("文书"), max_length=200, blank=True)
    outcome = models.TextField(_("结果"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["case_id", "date", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.date:%Y年%m月%d日}）"



class CorrectionReport(models.Model):
    """整改报告: the supervised agency's answer to a 责令改正 (举措 17): what it corrected, with its
    attachments. An agency may answer again (the 司法局 found the first insufficient); each answer is
    kept. The 司法局 reads them on the case and decides the next measure or closes the case."""

    measure = models.ForeignKey(CaseMeasure, verbose_name=_("责令改正"), on_delete=models.PROTECT,
                                related_name="reports")
    report = models.TextField(_("整改情况"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("整改报告")
        verbose_name_plural = _("整改报告")
        ordering = ["measure_id", "submitted_at", "id"]

    def __str__(self):
        return f"整改报告 #{self.pk}"


class CorrectionReportFile(StoredFile):
    """One attachment of a 整改报告 (photos of the corrected practice, a rectification document)."""

    UPLOAD_PREFIX = "correction-reports"
    report = models.ForeignKey(CorrectionReport, on_delete=models.CASCADE, related_name="files")

    class Meta(StoredFile.Meta):
        verbose_name = _("整改报告附件")
        verbose_name_plural = _("整改报告附件")
        ordering = ["report_id", "id"]

class Survey(models.Model):
    """满意度测评 campaign (举措 19): a period, a few questions scored 1–5, answered by enterprises
    through a public link with their 统一社会信用代码 as proof; results per agency, read together with
    the 企业评议 of the same period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    title = models.CharField(_("测评名称"), max_length=200)
    period_start = models.DateField(_("测评期间起"))
    period_end = models.DateField(_("测评期间止"))
    questions = models.JSONField(_("测评题目"), default=list,
                                 help_text=_("每题一行：[{\"key\": \"q1\", \"text\": \"……\"}]，每题按 1–5 分作答。"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["-period_start", "-id"]
        constraints = [models.CheckConstraint(name="survey_period_ordered",
                                              condition=models.Q(period_end__gte=models.F("period_start")))]

    def __str__(self):
        return self.title


class SurveyResponse(models.Model):
    """One enterprise's answer about one agency that inspected it during the survey period.
    Unique per (survey, enterprise, agency): a second answer replaces nothing and is refused."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    enterprise = models.ForeignKey("plans.Enterprise", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("subjects.Agency", verbose_name=_("被测评单位"), on_delete=models.PROTECT,
                               related_name="+")
    answers = models.JSONField(_("各题得分"), default=dict)
    score = models.DecimalField(_("平均分"), max_digits=3, decimal_places=2)
    comment = models.TextField(_("意见建议"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("测评答卷")
        verbose_name_plural = _("测评答卷")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["survey", "enterprise", "agency"],
                                               name="survey_response_unique")]


class RollupFigures(models.Model):
    """The figures the dashboard and /stats/overview/ add up (issue 13; supervision.services.rollups keeps
    them, supervision.selectors.stats reads them). Counts of counted inspections of one month and town,
    as plans.selectors.counting defines them."""

    month = models.DateField(_("月份（当月1日）"))
    town = models.CharField(_("镇（街道）"), max_length=16)
    total = models.PositiveIntegerField(default=0)
    onsite = models.PositiveIntegerField(default=0)
    joint = models.PositiveIntegerField(default=0)
    triggered = models.PositiveIntegerField(default=0)
    with_outcome = models.PositiveIntegerField(default=0)
    problems = models.PositiveIntegerField(default=0)
    # Σ (participating agencies − 1): visits avoided by joining.
    avoided = models.PositiveIntegerField(default=0)
    codes_issued = models.PositiveIntegerField(default=0)
    codes_shown = models.PositiveIntegerField(default=0)
    codes_late = models.PositiveIntegerField(default=0)
    evaluations = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    low_ratings = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class MonthlyRollup(RollupFigures):
    """Counted inspections per month × town (all agencies)."""

    class Meta:
        verbose_name = _("月度汇总")
        verbose_name_plural = _("月度汇总")
        constraints = [models.UniqueConstraint(fields=["month", "town"], name="monthly_rollup_unique")]


class AgencyMonthlyRollup(RollupFigures):
    """Counted inspections per participating agency × month × town (a joint visit counts for each agency)."""

    agency = models.ForeignKey("subjects.Agency", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("单位月度汇总")
        verbose_name_plural = _("单位月度汇总")
        constraints = [models.UniqueConstraint(fields=["agency", "month", "town"], name="agency_monthly_rollup_unique")]
        indexes = [models.Index(fields=["month", "agency"])]


class PoolRollup(models.Model):
    """Active enterprises per 对象库 × town."""

    pool = models.CharField(max_length=16)
    town = models.CharField(max_length=16)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "town"], name="pool_rollup_unique")]


class FilingRollup(models.Model):
    """Counted 触发式检查备案 (not withdrawn) per filing month × filing agency × source × town of the
    enterprise: the dashboard's "filings by source" without scanning the filings."""

    month = models.DateField(_("月份（当月1日）"))
    agency = models.ForeignKey("subjects.Agency", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=24)
    town = models.CharField(max_length=16)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "agency", "source", "town"],
                                               name="filing_rollup_unique")]
        indexes = [models.Index(fields=["month", "agency"])]


class RolledFiling(models.Model):
    """The month each counted filing was added up under (FilingRollup), so a refresh also corrects the
    month a filing left (withdrawn, or filed again for another month)."""

    filing_id = models.BigIntegerField(primary_key=True)
    month = models.DateField(db_index=True)


class RolledInspection(models.Model):
    """The month each counted inspection was added up under, so a refresh also corrects the month an
    inspection left (its date changed, it was sent back to draft or cancelled)."""

    inspection_id = models.BigIntegerField(primary_key=True)
    month = models.DateField(db_index=True)


class RollupState(models.Model):
    """The high-water mark of the rollups (one row, pk=1): rows changed after `high_water` (less a safety
    lag for transactions that committed late) are not yet added up."""

    high_water = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    months_refreshed = models.PositiveIntegerField(default=0)
