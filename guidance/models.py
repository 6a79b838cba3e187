"""培训 (举措 9), 在线测试 and 案例指导 (举措 17), 结果互认 (举措 12).

The app sits between `checkcode` and `supervision`: it reads inspections and their results, and
writes back only the inspector's "passed the 检查码 test" mark through a `subjects` service.
"""
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GuidancePolicy(models.Model):
    """Settings the 司法局 edits for this app; a single row, pk=1. Every change is audited."""

    recognition_window_days = models.PositiveIntegerField(
        _("结果互认期限（天）"), default=180,
        help_text=_("起草检查时，列出其他单位在此期限内对同一企业同一或等效事项作出的检查结果。"))
    checkcode_training_deadline = models.DateField(
        _("检查码培训完成期限"), default=date(2025, 4, 30),
        help_text=_("举措 9：全区执法人员在此日期前完成“检查码”操作培训。"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("培训与互认设置")
        verbose_name_plural = _("培训与互认设置")

    def __str__(self):
        return str(_("培训与互认设置"))

    @classmethod
    def current(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


# --- Training (举措 9, 17) -------------------------------------------------------------------------


class TrainingSession(models.Model):
    """One training session (e.g. 检查码操作培训). `is_checkcode` sessions count toward the district's
    goal that every active inspector is trained on the 检查码 by the deadline (举措 9)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        DONE = "done", _("已举办")
        CANCELLED = "cancelled", _("已取消")

    title = models.CharField(_("培训名称"), max_length=200)
    date = models.DateField(_("培训日期"), db_index=True)
    location = models.CharField(_("地点或方式"), max_length=200, blank=True)
    organiser = models.ForeignKey("subjects.Agency", verbose_name=_("主办单位"), on_delete=models.PROTECT,
                                  related_name="organised_trainings")
    invited_agencies = models.ManyToManyField("subjects.Agency", verbose_name=_("受邀单位"), blank=True,
                                              related_name="invited_trainings",
                                              help_text=_("不选表示面向全区所有执法单位。"))
    is_checkcode = models.BooleanField(_("检查码操作培训"), default=False)
    description = models.TextField(_("培训内容"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def status_css(self):
        return {self.Status.PLANNED: "status-waiting", self.Status.DONE: "status-done",
                self.Status.CANCELLED: "status-draft"}.get(self.status, "status-draft")


class TrainingMaterial(models.Model):
    """A document, slide deck or video of a session: an uploaded file or a link."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("文档")
        SLIDES = "slides", _("课件")
        VIDEO = "video", _("视频")

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=200)
    url = models.URLField(_("链接"), max_length=500, blank=True)
    file = models.FileField(_("文件"), upload_to="training/", blank=True)

    class Meta:
        verbose_name = _("培训资料")
        verbose_name_plural = _("培训资料")
        ordering = ["session_id", "id"]

    def __str__(self):
        return self.title


class TrainingAttendance(models.Model):
    """签到: one inspector attended one session, signed in by themselves on the day or recorded by
    the organiser (from a list or an Excel upload). Unique per (session, inspector)."""

    class Method(models.TextChoices):
        SELF = "self", _("本人签到")
        ORGANISER = "organiser", _("主办单位登记")
        IMPORT = "import", _("Excel导入")

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    inspector = models.ForeignKey("subjects.Inspector", verbose_name=_("执法人员"), on_delete=models.PROTECT,
                                  related_name="training_attendances")
    method = models.CharField(_("登记方式"), max_length=16, choices=Method.choices)
    signed_at = models.DateTimeField(_("签到时间"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("培训签到")
        verbose_name_plural = _("培训签到")
        ordering = ["session_id", "inspector__name", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "inspector"], name="attendance_unique")]


# --- Online tests (举措 17) -------------------------------------------------------------------------


class QuestionTag(models.Model):
    """A tag pooling questions (e.g. 检查码, 两人执法, 频次上限) for randomly assembled tests."""

    name = models.CharField(_("标签"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("题目标签")
        verbose_name_plural = _("题目标签")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Question(models.Model):
    """题库: one question, with the legal basis or measure it tests and an explanation shown in the
    review of mistakes. `answer` holds the indexes of the correct options; true/false questions have
    the options 正确 / 错误. `code` keeps Excel re-imports idempotent."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("单选题")
        MULTIPLE = "multiple", _("多选题")
        TRUE_FALSE = "true_false", _("判断题")

    TRUE_FALSE_OPTIONS = ["正确", "错误"]

    code = models.CharField(_("题目编号"), max_length=40, unique=True)
    kind = models.CharField(_("题型"), max_length=16, choices=Kind.choices)
    stem = models.TextField(_("题干"), max_length=2000)
    options = models.JSONField(_("选项"), default=list)
    answer = models.JSONField(_("正确答案"), default=list)
    basis = models.CharField(_("法律依据或改革举措"), max_length=300)
    explanation = models.TextField(_("解析"), max_length=4000)
    tags = models.ManyToManyField(QuestionTag, verbose_name=_("标签"), blank=True, related_name="questions")
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题库")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.stem[:30]}"


class OnlineTest(models.Model):
    """在线测试: fixed questions, or questions drawn at random per attempt from tagged pools; a pass
    mark (percent) and a time limit. The test flagged `is_checkcode_test` marks the inspector as
    trained on the 检查码 when passed (the optional `inspector_not_trained` gate reads that mark)."""

    class Mode(models.TextChoices):
        FIXED = "fixed", _("固定试题")
        RANDOM = "random", _("随机组卷")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        CLOSED = "closed", _("已关闭")

    title = models.CharField(_("测试名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    mode = models.CharField(_("组卷方式"), max_length=16, choices=Mode.choices, default=Mode.FIXED)
    questions = models.ManyToManyField(Question, verbose_name=_("固定试题"), blank=True, related_name="tests")
    pass_mark = models.PositiveSmallIntegerField(_("及格分（百分制）"), default=80)
    time_limit_minutes = models.PositiveSmallIntegerField(_("限时（分钟）"), default=30)
    max_attempts = models.PositiveSmallIntegerField(_("最多作答次数"), default=0, help_text=_("0 表示不限。"))
    is_checkcode_test = models.BooleanField(_("检查码测试"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("在线测试")
        verbose_name_plural = _("在线测试")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(name="test_pass_mark_percent", condition=Q(pass_mark__gte=1, pass_mark__lte=100)),
            models.CheckConstraint(name="test_time_limit_positive", condition=Q(time_limit_minutes__gte=1)),
        ]

    def __str__(self):
        return self.title

    @property
    def status_css(self):
        return {self.Status.DRAFT: "status-draft", self.Status.PUBLISHED: "status-active",
                self.Status.CLOSED: "status-done"}.get(self.status, "status-draft")


class TestPool(models.Model):
    """For a random test: draw `count` active questions tagged `tag` for each attempt."""

    __test__ = False  # not a pytest test class

    test = models.ForeignKey(OnlineTest, on_delete=models.CASCADE, related_name="pools")
    tag = models.ForeignKey(QuestionTag, verbose_name=_("标签"), on_delete=models.PROTECT, related_name="+")
    count = models.PositiveSmallIntegerField(_("抽题数"))

    class Meta:
        verbose_name = _("抽题规则")
        verbose_name_plural = _("抽题规则")
        ordering = ["test_id", "id"]
        constraints = [models.UniqueConstraint(fields=["test", "tag"], name="test_pool_tag_unique"),
                       models.CheckConstraint(name="test_pool_count_positive", condition=Q(count__gte=1))]


class TestAttempt(models.Model):
    """One sitting of a test by an inspector. `paper` is a snapshot of the questions as drawn (stem,
    options, answer, basis, explanation), so the review of mistakes stays true after the bank changes;
    the answer key is never sent to the inspector before submission."""

    __test__ = False  # not a pytest test class

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("作答中")
        SUBMITTED = "submitted", _("已交卷")
        EXPIRED = "expired", _("超时")

    test = models.ForeignKey(OnlineTest, verbose_name=_("测试"), on_delete=models.PROTECT, related_name="attempts")
    inspector = models.ForeignKey("subjects.Inspector", verbose_name=_("执法人员"), on_delete=models.PROTECT,
                                  related_name="test_attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    paper = models.JSONField(_("试卷"), default=list)
    answers = models.JSONField(_("作答"), default=dict, blank=True)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    deadline_at = models.DateTimeField(_("截止时间"))
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS,
                              db_index=True)
    correct_count = models.PositiveSmallIntegerField(_("答对题数"), default=0)
    total_count = models.PositiveSmallIntegerField(_("题数"), default=0)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("通过"), default=False)

    class Meta:
        verbose_name = _("测试记录")
        verbose_name_plural = _("测试记录")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["test", "inspector"])]

    def __str__(self):
        return f"{self.inspector} · {self.test}"

    @property
    def status_css(self):
        if self.status == self.Status.IN_PROGRESS:
            return "status-active"
        return "status-done" if self.passed else "status-refused"


# --- Case guidance (举措 17) ------------------------------------------------------------------------


class TypicalCase(models.Model):
    """案例指导: a typical case of good practice or of a violation (over-inspection, inspecting
    without a code, 吃拿卡要 …) with facts, the rule, the handling and the lesson; linked to the
    matters and negative-list items it concerns, so inspectors see the cases of their own matters."""

    class Kind(models.TextChoices):
        GOOD_PRACTICE = "good_practice", _("典型做法")
        VIOLATION = "violation", _("违规案例")

    class Category(models.TextChoices):
        OVER_INSPECTION = "over_inspection", _("过度检查、重复检查")
        NO_CODE = "no_code", _("未亮码检查")
        MISCONDUCT = "misconduct", _("吃拿卡要、违规收费")
        PROCEDURE = "procedure", _("程序违法（两人执法、告知等）")
        JOINT = "joint", _("综合查一次、联合检查")
        OFFSITE = "offsite", _("非现场监管")
        RECOGNITION = "recognition", _("结果互认")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    title = models.CharField(_("案例标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, default=Category.OTHER,
                                db_index=True)
    agency = models.ForeignKey("subjects.Agency", verbose_name=_("涉及单位"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="typical_cases")
    occurred_on = models.DateField(_("发生时间"), null=True, blank=True)
    facts = models.TextField(_("基本案情"), max_length=8000)
    rule = models.TextField(_("规则依据"), max_length=4000)
    handling = models.TextField(_("处理结果"), max_length=4000)
    lesson = models.TextField(_("指导意义"), max_length=4000)
    matters = models.ManyToManyField("matters.InspectionMatter", verbose_name=_("相关检查事项"), blank=True,
                                     related_name="typical_cases")
    negative_items = models.ManyToManyField("matters.NegativeListItem", verbose_name=_("相关负面清单事项"),
                                            blank=True, related_name="typical_cases")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        ordering = ["-occurred_on", "-id"]

    def __str__(self):
        return self.title

    @property
    def status_css(self):
        return "status-done" if self.status == self.Status.PUBLISHED else "status-draft"


# --- Result recognition (举措 12) -------------------------------------------------------------------


class MatterEquivalence(models.Model):
    """等效事项: two matters of different agencies whose results may stand for each other (举措 12,
    信息互通、结果互认). Stored once per pair with the lower id first; kept by reviewers."""

    matter_a = models.ForeignKey("matters.InspectionMatter", on_delete=models.PROTECT, related_name="+")
    matter_b = models.ForeignKey("matters.InspectionMatter", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=500, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("等效事项")
        verbose_name_plural = _("等效事项对照表")
        ordering = ["matter_a_id", "matter_b_id"]
        constraints = [
            models.UniqueConstraint(fields=["matter_a", "matter_b"], name="matter_equivalence_pair_unique"),
            models.CheckConstraint(name="matter_equivalence_ordered", condition=Q(matter_a__lt=F("matter_b"))),
        ]

    def __str__(self):
        return f"{self.matter_a} ⇄ {self.matter_b}"


class ResultRecognition(models.Model):
    """结果互认: an agency recognised another agency's recent result instead of inspecting. Its draft
    inspection is cancelled, no 检查码 is issued, the enterprise is not visited, and the dashboard
    counts one inspection avoided."""

    inspection = models.OneToOneField("plans.Inspection", verbose_name=_("被替代的检查"), on_delete=models.PROTECT,
                                      related_name="recognition")
    result = models.ForeignKey("checkcode.InspectionResult", verbose_name=_("互认的检查结果"),
                               on_delete=models.PROTECT, related_name="recognitions")
    agency = models.ForeignKey("subjects.Agency", verbose_name=_("互认单位"), on_delete=models.PROTECT,
                               related_name="recognitions")
    enterprise = models.ForeignKey("plans.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="recognitions")
    reason = models.TextField(_("互认理由"), max_length=2000)
    recognised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("互认时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("结果互认")
        verbose_name_plural = _("结果互认")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.agency} 互认 {self.enterprise}"
