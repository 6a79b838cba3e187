"""检查码, its scans, inspection results, 企业评议 and 整改 (举措 8, 10, 13, 14)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiujiang_inspect.uploads import StoredFile


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
    # The matters' 检查标准 as they read when the result was recorded (a matter's standards may be edited
    # later): [{"matter", "matter_code", "matter_name", "standard", "item", "criterion", "verdict", "note"}],
    # verdict pass / fail / na (checkcode/services/results.py `result_record`).
    checklist = models.JSONField(_("检查标准核对"), default=list, blank=True)
    signer_name = models.CharField(_("企业签字人"), max_length=50, blank=True)
    signature_refused = models.BooleanField(_("企业拒签"), default=False)
    signature_refused_note = models.TextField(_("拒签情况"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    VERDICTS = {"pass": _("符合"), "fail": _("不符合"), "na": _("不适用")}

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")


class Evidence(StoredFile):
    """现场检查证据: photos and documents the inspector took, and the enterprise representative's signature
    drawn on screen, attached to the result. Checked, re-encoded and stored by jiujiang_inspect/uploads.py;
    served only to those who may see the inspection (`checkcode.views.staff.evidence_file`)."""

    UPLOAD_PREFIX = "evidence"

    class Kind(models.TextChoices):
        PHOTO = "photo", _("现场照片")
        DOCUMENT = "document", _("文件资料")
        SIGNATURE = "signature", _("企业签字")

    result = models.ForeignKey(InspectionResult, verbose_name=_("检查结果"), on_delete=models.PROTECT,
                               related_name="evidence")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("检查证据")
        verbose_name_plural = _("检查证据")
        ordering = ["result_id", "id"]

    def get_absolute_url(self):
        return reverse("checkcode:evidence_file", args=[self.pk])


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


class DocumentKind(models.Model):
    """One kind of the national 行政检查文书 (司法部《行政检查文书基本格式文本（试行）》, 2025) with the
    title it prints and the word of its number (鸠市监**检通**〔2026〕15号). Rows exist after `migrate`;
    the 司法局 reviewer edits `title` and `word` in the admin. docs/documents.md."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("行政检查审批表")
        NOTICE = "notice", _("行政检查通知书")
        ONSITE_RECORD = "onsite_record", _("现场检查笔录")
        INQUIRY_RECORD = "inquiry_record", _("询问笔录")
        SAMPLING_RECORD = "sampling_record", _("抽样取证（勘验）记录")
        RESULT_NOTICE = "result_notice", _("行政检查结果告知书")
        RECTIFICATION_ORDER = "rectification_order", _("责令改正通知书")
        RECHECK_OPINION = "recheck_opinion", _("整改复查意见书")
        SERVICE_RECEIPT = "service_receipt", _("送达回证")

    kind = models.CharField(_("文书种类"), max_length=24, choices=Kind.choices, unique=True)
    title = models.CharField(_("文书名称"), max_length=50)
    word = models.CharField(_("文号用字"), max_length=10)
    to_enterprise = models.BooleanField(_("送达企业"), default=True,
                                        help_text=_("企业可在检查码页面查看本类文书"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("文书种类")
        verbose_name_plural = _("文书种类")
        ordering = ["id"]

    def __str__(self):
        return self.title


class DocumentCounter(models.Model):
    """The last serial issued per (agency, kind, year): the row a number is taken from under
    `select_for_update`, in the transaction that stores the document (no gaps, no duplicates)."""

    agency = models.ForeignKey("subjects.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=DocumentKind.Kind.choices)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "kind", "year"], name="document_counter_unique")]


class IssuedDocument(models.Model):
    """A 行政检查文书 as issued: its number, the HTML and the PDF as served, and the PDF's SHA-256. Never
    changed once stored; a correction is a new version under the same number (`supersedes`). The
    number belongs to the initiating agency (the lead of a joint inspection). docs/documents.md."""

    inspection = models.ForeignKey("plans.Inspection", verbose_name=_("检查任务"), on_delete=models.PROTECT,
                                   related_name="documents")
    kind = models.CharField(_("文书种类"), max_length=24, choices=DocumentKind.Kind.choices, db_index=True)
    title = models.CharField(_("文书名称"), max_length=50)
    agency = models.ForeignKey("subjects.Agency", verbose_name=_("编号单位"), on_delete=models.PROTECT,
                               related_name="+")
    year = models.PositiveIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文书编号"), max_length=64, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    to_enterprise = models.BooleanField(_("送达企业"), default=True)
    html = models.TextField(_("文书正文（HTML）"))
    pdf = models.FileField(_("PDF"), upload_to="issued/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    supersedes = models.OneToOneField("self", verbose_name=_("更正前版本"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    correction_reason = models.TextField(_("更正原因"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(_("出具时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("行政检查文书")
        verbose_name_plural = _("行政检查文书")
        ordering = ["inspection_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "year", "serial", "version"], name="document_number_unique"),
            models.UniqueConstraint(fields=["inspection", "kind", "version"], name="document_version_unique"),
        ]

    def __str__(self):
        return f"{self.title} {self.number}" + (f"（更正第{self.version - 1}次）" if self.version > 1 else "")


class InquiryRecord(models.Model):
    """询问笔录 data entered by the inspector: who was asked, where, when, and the questions and
    answers `[{"q", "a"}]` (national text 询问笔录). The document is offered only once one exists."""

    inspection = models.ForeignKey("plans.Inspection", on_delete=models.PROTECT, related_name="inquiries")
    agency = models.ForeignKey("subjects.Agency", verbose_name=_("询问单位"), on_delete=models.PROTECT, related_name="+")
    interviewee = models.CharField(_("被询问人"), max_length=50)
    position = models.CharField(_("职务或与企业关系"), max_length=100, blank=True)
    place = models.CharField(_("询问地点"), max_length=200)
    started_at = models.DateTimeField(_("询问开始"))
    ended_at = models.DateTimeField(_("询问结束"), null=True, blank=True)
    qa = models.JSONField(_("问答"), default=list)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("询问笔录")
        verbose_name_plural = _("询问笔录")
        ordering = ["started_at", "id"]


class SamplingRecord(models.Model):
    """抽样取证 or 勘验 recorded by the inspector: place, time, items `[{"name", "spec", "quantity"}]` and
    a description. The 抽样取证（勘验）记录 is offered only once one exists."""

    class Kind(models.TextChoices):
        SAMPLING = "sampling", _("抽样取证")
        SURVEY = "survey", _("勘验")

    inspection = models.ForeignKey("plans.Inspection", on_delete=models.PROTECT, related_name="samplings")
    agency = models.ForeignKey("subjects.Agency", verbose_name=_("实施单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.SAMPLING)
    place = models.CharField(_("地点"), max_length=200)
    at = models.DateTimeField(_("时间"))
    items = models.JSONField(_("物品清单"), default=list, blank=True)
    description = models.TextField(_("情况描述"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("抽样取证（勘验）记录")
        verbose_name_plural = _("抽样取证（勘验）记录")
        ordering = ["at", "id"]


class RectificationPhoto(StoredFile):
    """A photo or PDF the enterprise attaches to its 整改 response (issue 15: "The rectification response
    takes photos"); the inspector sees them when doing the 复查."""

    UPLOAD_PREFIX = "rectification-responses"
    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="photos")

    class Meta(StoredFile.Meta):
        verbose_name = _("整改反馈附件")
        verbose_name_plural = _("整改反馈附件")
        ordering = ["rectification_id", "id"]


class EnterpriseVerification(models.Model):
    """One proof of an enterprise on a phone (issue 15, "Enterprise (no login)"): its 统一社会信用代码
    plus a one-time code sent by SMS to its registered contact phone. Only a keyed hash of the code is
    kept; a few attempts, a short life, used once. A verified row backs the signed cookie that keeps the
    phone recognised (checkcode/enterprise_access.py)."""

    enterprise = models.ForeignKey("plans.Enterprise", on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(_("发送号码"), max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    ip_prefix = models.CharField(max_length=45, blank=True)

    class Meta:
        verbose_name = _("企业短信验证")
        verbose_name_plural = _("企业短信验证")
        indexes = [models.Index(fields=["enterprise", "-created_at"], name="ent_verification_recent")]


class MisconductReport(models.Model):
    """企业反映 (举措 13, 负面清单): an enterprise reports how a crew behaved — typically a crew that
    arrived without a 检查码 — from its "我的检查" page, with or without a code. The 区司法局 sees it as
    an alert and may open a supervision case from it."""

    enterprise = models.ForeignKey("plans.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")
    agency = models.ForeignKey("subjects.Agency", verbose_name=_("涉及单位"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField(_("发生日期"))
    code_shown = models.BooleanField(_("出示了检查码"))
    code_text = models.CharField(_("检查码"), max_length=40, blank=True)
    description = models.TextField(_("情况说明"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("企业反映")
        verbose_name_plural = _("企业反映")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"企业反映 #{self.pk}"
