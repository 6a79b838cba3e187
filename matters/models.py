"""法定依据, 检查事项 with 检查标准 and 常见问题, 行业 (GB/T 4754-2017), 联查事项清单, published documents
and the 负面清单 (举措 2, 3, 4, 15)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.Model):
    """GB/T 4754-2017: 门类 (letter), 大类 (2 digits), 中类 (3), 小类 (4). `is_key` marks 重点行业."""

    class Level(models.TextChoices):
        SECTION = "section", _("门类")
        DIVISION = "division", _("大类")
        GROUP = "group", _("中类")
        CLASS = "class", _("小类")

    code = models.CharField(_("行业代码"), max_length=5, unique=True)
    name = models.CharField(_("行业名称"), max_length=200)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_key = models.BooleanField(_("重点行业"), default=False)
    key_label = models.CharField(_("重点行业名称"), max_length=50, blank=True,
                                 help_text=_("如“餐饮”“加油站”，用于联查清单"))

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.key_label or self.name}"


class LegalBasis(models.Model):
    """法定依据. When amended or repealed, every matter relying on it becomes 需调整 (举措 2)."""

    class Level(models.TextChoices):
        LAW = "law", _("法律")
        ADMIN_REGULATION = "administrative_regulation", _("行政法规")
        LOCAL_REGULATION = "local_regulation", _("地方性法规")
        DEPARTMENT_RULE = "department_rule", _("部门规章")
        LOCAL_GOV_RULE = "local_government_rule", _("地方政府规章")
        STATE_COUNCIL_DECISION = "state_council_decision", _("国务院决定")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("现行有效")
        AMENDED = "amended", _("已修改")
        REPEALED = "repealed", _("已废止")

    title = models.CharField(_("名称"), max_length=200)
    level = models.CharField(_("效力层级"), max_length=32, choices=Level.choices)
    article = models.CharField(_("条款"), max_length=200, blank=True)
    article_text = models.TextField(_("条文内容"), blank=True)
    effective_date = models.DateField(_("施行日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.IN_FORCE, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("法定依据")
        verbose_name_plural = _("法定依据")
        ordering = ["title", "article", "id"]
        constraints = [models.UniqueConstraint(fields=["title", "article"], name="legal_basis_title_article_unique")]

    def __str__(self):
        return f"《{self.title}》{self.article}"

    @property
    def status_css(self):
        return {self.Status.IN_FORCE: "status-done", self.Status.AMENDED: "status-waiting",
                self.Status.REPEALED: "status-refused"}.get(self.status, "status-draft")


class InspectionMatter(models.Model):
    """检查事项. Lifecycle draft → submitted → filed (备案, by 司法局) → published; or rejected with a
    reason; later needs_adjustment (basis changed) or cancelled. Only published matters with every
    basis in force may be inspected (举措 2, 3)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待备案")
        FILED = "filed", _("已备案")
        REJECTED = "rejected", _("已退回")
        PUBLISHED = "published", _("已公布")
        NEEDS_ADJUSTMENT = "needs_adjustment", _("需调整")
        CANCELLED = "cancelled", _("已取消")

    code = models.CharField(_("事项编码"), max_length=40, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    agency = models.ForeignKey("subjects.Agency", verbose_name=_("实施主体"), on_delete=models.PROTECT,
                               related_name="matters")
    legal_bases = models.ManyToManyField(LegalBasis, verbose_name=_("法定依据"), related_name="matters")
    industries = models.ManyToManyField(Industry, verbose_name=_("适用行业"), blank=True, related_name="matters")
    object_scope = models.TextField(_("检查对象范围"), blank=True)
    method = models.CharField(_("检查方式"), max_length=200, blank=True)
    offsite_capable = models.BooleanField(_("可非现场检查"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    status_reason = models.TextField(_("退回或调整原因"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    filed_snapshot = models.JSONField(_("上次备案内容"), default=dict, blank=True)
    last_used_on = models.DateField(_("最近使用"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("备案人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("检查事项")
        verbose_name_plural = _("检查事项")
        ordering = ["agency__code", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def status_css(self):
        """One colour per status (docs/ui.md): draft grey, waiting amber, active blue, done green, refused red."""
        return {
            self.Status.DRAFT: "status-draft", self.Status.SUBMITTED: "status-waiting",
            self.Status.FILED: "status-active", self.Status.PUBLISHED: "status-done",
            self.Status.REJECTED: "status-refused", self.Status.NEEDS_ADJUSTMENT: "status-refused",
            self.Status.CANCELLED: "status-draft",
        }.get(self.status, "status-draft")


class CheckStandard(models.Model):
    """检查标准清单: one item and its pass criterion (举措 3)."""

    matter = models.ForeignKey(InspectionMatter, on_delete=models.CASCADE, related_name="check_standards")
    order = models.PositiveIntegerField(default=0)
    item = models.CharField(_("检查内容"), max_length=500)
    criterion = models.TextField(_("合格标准"), blank=True)

    class Meta:
        verbose_name = _("检查标准")
        verbose_name_plural = _("检查标准")
        ordering = ["matter_id", "order", "id"]

    def __str__(self):
        return self.item


class CommonProblem(models.Model):
    """常见问题清单 with self-correction guidance for 自查自纠 (举措 15)."""

    matter = models.ForeignKey(InspectionMatter, on_delete=models.CASCADE, related_name="common_problems")
    order = models.PositiveIntegerField(default=0)
    problem = models.CharField(_("常见问题"), max_length=500)
    guidance = models.TextField(_("整改指引"), blank=True)

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        ordering = ["matter_id", "order", "id"]

    def __str__(self):
        return self.problem


class JointMatterList(models.Model):
    """综合查一次 重点行业联查事项清单: per key industry, a lead agency, member agencies and matters of
    several agencies; versioned, published in batches ("成熟一批、公布一批", 举措 4)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已公布")
        SUPERSEDED = "superseded", _("已被新版本替代")

    industry = models.ForeignKey(Industry, verbose_name=_("行业"), on_delete=models.PROTECT, related_name="joint_lists")
    title = models.CharField(_("清单名称"), max_length=200)
    version = models.PositiveIntegerField(_("版本"), default=1)
    lead_agency = models.ForeignKey("subjects.Agency", verbose_name=_("牵头单位"), on_delete=models.PROTECT,
                                    related_name="led_joint_lists")
    member_agencies = models.ManyToManyField("subjects.Agency", verbose_name=_("参与单位"), blank=True,
                                             related_name="joint_lists")
    matters = models.ManyToManyField(InspectionMatter, verbose_name=_("联查事项"), related_name="joint_lists")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("联查事项清单")
        verbose_name_plural = _("联查事项清单")
        ordering = ["industry__code", "-version"]
        constraints = [models.UniqueConstraint(fields=["industry", "version"], name="joint_list_industry_version")]

    def __str__(self):
        return f"{self.title}（第{self.version}版）"

    @property
    def status_css(self):
        return {self.Status.DRAFT: "status-draft", self.Status.PUBLISHED: "status-done",
                self.Status.SUPERSEDED: "status-draft"}.get(self.status, "status-draft")


class NegativeListItem(models.Model):
    """负面清单: behaviours inspectors must not show (吃拿卡要, 未亮码检查 …); enterprises report them."""

    code = models.CharField(_("编号"), max_length=20, unique=True)
    title = models.CharField(_("行为"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("负面清单事项")
        verbose_name_plural = _("负面清单")
        ordering = ["code"]

    def __str__(self):
        return self.title


class PublicDocument(models.Model):
    """A published document in the public area: 负面清单 text, 工作指引, 二十项措施, 手册."""

    class Kind(models.TextChoices):
        NEGATIVE_LIST = "negative_list", _("负面清单")
        GUIDE = "guide", _("工作指引")
        MEASURES = "measures", _("改革措施")
        HANDBOOK = "handbook", _("手册")

    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    issuer = models.CharField(_("发布单位"), max_length=200)
    issued_on = models.DateField(_("发布日期"))
    body = models.TextField(_("正文"), blank=True)
    attachment = models.FileField(_("附件"), upload_to="documents/", blank=True)
    is_published = models.BooleanField(_("已公开"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("公开文件")
        verbose_name_plural = _("公开文件")
        ordering = ["-issued_on", "id"]

    def __str__(self):
        return self.title
