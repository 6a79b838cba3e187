"""检查对象 (enterprises), 对象库 (pools), 频次上限 (cap policies), 阻断 (blocks), 年度检查计划, 检查任务 with
their participations, 触发式检查备案 and 按月汇总 (举措 5, 6, 7, 10, 11)."""
import functools
import itertools
import re
import unicodedata

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin, pinyin
from pypinyin.seg.simpleseg import seg as pinyin_words


class Town(models.TextChoices):
    """The 9 units of 鸠江区: 5 streets and 4 towns."""

    SIHESHAN = "sihe_shan", _("四褐山街道")
    YUXIKOU = "yuxikou", _("裕溪口街道")
    GUANDOU = "guandou", _("官陡街道")
    WANLI = "wanli", _("湾里街道")
    QINGSHUI = "qingshui", _("清水街道")
    SHENXIANG = "shenxiang", _("沈巷镇")
    ERBA = "erba", _("二坝镇")
    TANGGOU = "tanggou", _("汤沟镇")
    BAIMAO = "baimao", _("白茆镇")

    @classmethod
    def from_text(cls, value) -> str | None:
        """A town by its code (`sihe_shan`) or, as other systems and files send it, its Chinese name
        (四褐山街道, spaces and full-width forms ignored); None if it names no town of 鸠江区."""
        text = "".join(unicodedata.normalize("NFKC", str(value or "")).split())
        return _town_names(get_language()).get(text)


@functools.cache
def _town_names(language) -> dict:
    """{code or name without spaces: code} of every town, per language (labels are translations):
    built once, not per row of a 100,000-row import (issue 13)."""
    return {**{"".join(str(label).split()): code for code, label in Town.choices}, **{c: c for c in Town.values}}


class Pool(models.TextChoices):
    JOINT = "joint", _("联合检查对象库")
    WHITELIST = "whitelist", _("白名单库")
    KEY = "key", _("重点监管对象库")
    NON_JOINT = "non_joint", _("非联合检查对象库")


INITIALS_VARIANTS = 8


_INITIALS_TOKENS = re.compile(r"[A-Za-z0-9]+|.", flags=re.S)


@functools.lru_cache(maxsize=50_000)
def _phrase_initials(word: str) -> str:
    """The first letters of one phrase as pypinyin reads it (重庆 → "cq")."""
    return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER, errors="default"))


@functools.lru_cache(maxsize=20_000)
def _char_initials(char: str) -> tuple[str, ...]:
    """The initials of every reading of one character, sorted (达 → ("d",); 盛 → ("c", "s"))."""
    readings = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(sorted({r[:1].lower() for r in (readings[0] if readings else []) if r[:1].isascii()
                         and r[:1].isalnum()}))


def name_initials(name: str) -> str:
    """The pinyin initials of a name, lower case, for finding an enterprise by typing them (issue 15:
    "芜湖鸠江食品有限公司" → "whjjspyxgs"); letters and digits in the name are kept as typed (lower case).
    pypinyin reads polyphones in common phrases (重庆 → cq); a character with several readings also gives
    the other initials people may type (达盛 → "dc", "ds"): the phrase reading first, then up to
    `INITIALS_VARIANTS` variants, separated by spaces, at most 200 characters. Set with the name
    (services, import, demo)."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    # pypinyin's own phrase segmentation, then each phrase's reading (cached: firm names repeat words;
    # a run of letters or digits is its own initials).
    phrase = "".join(word if word.isascii() else _phrase_initials(word) for word in pinyin_words(text))
    variants = ["".join(ch for ch in phrase.lower() if ch.isascii() and ch.isalnum())]
    options = []  # per character: the initials of each of its readings; a run of letters or digits as is
    for token in _INITIALS_TOKENS.findall(text):
        if token.isascii():
            if token.isalnum():
                options.append((token.lower(),))
            continue
        initials = _char_initials(token)
        if initials:
            options.append(initials)
    for combo in itertools.islice(itertools.product(*options), INITIALS_VARIANTS):
        variants.append("".join(combo))
    out = ""
    for v in dict.fromkeys(v for v in variants if v):
        if len(out) + len(v) + 1 > 200:
            break
        out = f"{out} {v}" if out else v
    return out


class Enterprise(models.Model):
    """检查对象, addressed by 统一社会信用代码 (GB 32100-2015). The row is also the lock that serialises
    competing 检查码 requests for the same enterprise (docs/style.md, "Where a rule lives")."""

    class Size(models.TextChoices):
        LARGE = "large", _("大型")
        MEDIUM = "medium", _("中型")
        SMALL = "small", _("小型")
        MICRO = "micro", _("微型")
        INDIVIDUAL = "individual", _("个体工商户")

    class CreditClass(models.TextChoices):
        A = "A", _("A类（低风险）")
        B = "B", _("B类（一般风险）")
        C = "C", _("C类（较高风险）")
        D = "D", _("D类（高风险）")

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    # Pinyin initials of `name` (name_initials), kept with it: search by 拼音首字母. Searched with
    # LIKE '%…%', which no btree serves: not indexed (each index slows the 100k-row import, issue 13).
    name_initials = models.CharField(_("名称拼音首字母"), max_length=200, blank=True)
    town = models.CharField(_("镇（街道）"), max_length=16, choices=Town.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    industry = models.ForeignKey("matters.Industry", verbose_name=_("行业"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="enterprises")
    size = models.CharField(_("规模"), max_length=16, choices=Size.choices, default=Size.SMALL)
    credit_class = models.CharField(_("信用风险分类"), max_length=1, choices=CreditClass.choices, default="B")
    joins_joint = models.BooleanField(_("愿意参加联合检查"), default=True)
    pool = models.CharField(_("对象库"), max_length=16, choices=Pool.choices, default=Pool.JOINT)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    checksum_warning_accepted = models.BooleanField(_("已确认校验位异常"), default=False)
    is_active = models.BooleanField(_("存续"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象")
        ordering = ["uscc"]
        # Plain btrees for the equality filters. db_index=True on a CharField also builds a LIKE
        # (varchar_pattern_ops) twin that no query here uses and every insert pays for (issue 13).
        indexes = [models.Index(fields=["town"], name="enterprise_town"),
                   models.Index(fields=["credit_class"], name="enterprise_credit_class"),
                   models.Index(fields=["pool"], name="enterprise_pool")]

    def __str__(self):
        return self.name


class PoolMembership(models.Model):
    """对象库 history: who moved the enterprise, from when to when, and why (举措 5)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="pool_history")
    pool = models.CharField(_("对象库"), max_length=16, choices=Pool.choices)
    valid_from = models.DateTimeField(_("起"), default=timezone.now)
    valid_to = models.DateTimeField(_("止"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        verbose_name = _("对象库记录")
        verbose_name_plural = _("对象库记录")
        ordering = ["enterprise_id", "-valid_from", "-id"]


class CapPolicy(models.Model):
    """Yearly on-site cap per enterprise, by pool. Data the 司法局 edits; every change audited."""

    pool = models.CharField(_("对象库"), max_length=16, choices=Pool.choices, unique=True)
    yearly_onsite_cap = models.PositiveIntegerField(_("年度现场检查上限（次）"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("频次上限")
        verbose_name_plural = _("频次上限")
        ordering = ["pool"]

    def __str__(self):
        return f"{self.get_pool_display()}：{self.yearly_onsite_cap}次/年"


class FrequencyPolicy(models.Model):
    """The district's frequency rules (docs/domain.md "Frequency rules"); a single row, pk=1."""

    per_agency_yearly_cap = models.PositiveIntegerField(_("同一单位对同一企业年度上限"), default=2)
    triggered_counts_toward_cap = models.BooleanField(_("触发式检查计入年度上限"), default=False)
    triggered_warn_per_day = models.PositiveIntegerField(_("触发式预警：每日超过"), default=1)
    triggered_warn_per_week = models.PositiveIntegerField(_("触发式预警：每周超过"), default=2)
    triggered_warn_per_month = models.PositiveIntegerField(_("触发式预警：每月超过"), default=3)
    triggered_block_per_month = models.PositiveIntegerField(_("触发式阻断：每月超过（全部单位）"), default=4)
    triggered_block_per_month_same_agency = models.PositiveIntegerField(_("触发式阻断：每月超过（同一单位）"), default=2)
    low_efficiency_consecutive = models.PositiveIntegerField(_("低效检查：连续无问题次数"), default=3)
    joint_team_warn_above = models.PositiveIntegerField(_("联合检查单位数提醒阈值"), default=3)
    joint_match_window_days = models.PositiveIntegerField(_("联合匹配时间窗（天）"), default=30)
    late_code_days = models.PositiveIntegerField(_("紧急检查补码期限（天）"), default=10)
    matter_unused_years = models.PositiveIntegerField(_("事项长期未使用清理年限"), default=2)
    require_training = models.BooleanField(_("未通过检查码测试不得参加现场检查"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("频次规则")
        verbose_name_plural = _("频次规则")

    def __str__(self):
        return str(_("频次规则"))

    @classmethod
    def current(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class Block(models.Model):
    """阻断: refuses new 检查码 for an enterprise (for all agencies, one agency, or one inspector) until
    a reviewer overrides it with a reason or its period ends."""

    class Rule(models.TextChoices):
        TRIGGERED_FREQUENCY = "triggered_frequency", _("触发式检查过频")
        LOW_EFFICIENCY = "low_efficiency", _("低效检查")
        YEARLY_CAP = "yearly_cap", _("超过年度上限")
        MANUAL = "manual", _("司法局决定")

    class Status(models.TextChoices):
        ACTIVE = "active", _("生效")
        OVERRIDDEN = "overridden", _("已解除")
        EXPIRED = "expired", _("已到期")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="blocks")
    agency = models.ForeignKey("subjects.Agency", verbose_name=_("限定单位"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="blocks")
    inspector = models.ForeignKey("subjects.Inspector", verbose_name=_("限定人员"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="blocks")
    rule = models.CharField(_("规则"), max_length=32, choices=Rule.choices)
    reason = models.TextField(_("原因"))
    starts_on = models.DateField(_("开始"))
    ends_on = models.DateField(_("结束"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    source = models.CharField(_("来源"), max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    overridden_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.TextField(_("解除原因"), blank=True)
    # The count that breached the rule when the block was opened, and the highest count the override
    # allows for the rest of the block's period (only a count above it breaches again).
    breach_count = models.PositiveIntegerField(_("触发时次数"), null=True, blank=True)
    allowed_count = models.PositiveIntegerField(_("解除时允许次数"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("阻断")
        verbose_name_plural = _("阻断")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "status"])]

    def __str__(self):
        return f"{self.enterprise} · {self.get_rule_display()}"


class AnnualPlan(models.Model):
    """年度检查计划 (举措 6): draft → filed with 司法局 (or returned) → published. A change after filing
    needs re-filing (back to draft, version + 1)."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("年度检查计划")
        SPECIAL = "special", _("专项检查计划")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待备案")
        FILED = "filed", _("已备案")
        RETURNED = "returned", _("已退回")
        PUBLISHED = "published", _("已公布")

    year = models.PositiveIntegerField(_("年度"), db_index=True)
    kind = models.CharField(_("计划类型"), max_length=16, choices=Kind.choices, default=Kind.ANNUAL, db_index=True)
    title = models.CharField(_("计划名称"), max_length=200)
    lead_agency = models.ForeignKey("subjects.Agency", verbose_name=_("牵头单位"), on_delete=models.PROTECT,
                                    related_name="led_plans")
    member_agencies = models.ManyToManyField("subjects.Agency", verbose_name=_("参与单位"), blank=True,
                                             related_name="member_plans")
    industry = models.ForeignKey("matters.Industry", verbose_name=_("行业"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="plans")
    joint_matter_list = models.ForeignKey("matters.JointMatterList", verbose_name=_("联查事项清单"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="plans")
    enterprises = models.ManyToManyField(Enterprise, verbose_name=_("检查对象"), through="PlanTarget",
                                         related_name="plans")
    months = models.JSONField(_("计划月份"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    status_reason = models.TextField(_("退回原因"), blank=True)
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    draw_params = models.JSONField(_("抽取参数"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    filed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("年度检查计划")
        verbose_name_plural = _("年度检查计划")
        ordering = ["-year", "lead_agency__code", "id"]

    def __str__(self):
        return f"{self.year}年 {self.title}"


class PlanTarget(models.Model):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="targets")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="plan_targets")
    month = models.CharField(_("计划月份"), max_length=7, blank=True)
    drawn = models.BooleanField(_("随机抽取"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "enterprise"], name="plan_target_unique")]
        ordering = ["plan_id", "id"]


class PlanInspectorDraw(models.Model):
    """Inspectors drawn at random per agency for a plan (双随机: random inspectors)."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="inspector_draws")
    agency = models.ForeignKey("subjects.Agency", on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey("subjects.Inspector", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "inspector"], name="plan_inspector_unique")]


class Inspection(models.Model):
    """检查任务: one event at one enterprise; joint when several agencies take part (Participation).

    The yearly-cap slot is recorded here (`slot_year`), taken when a 检查码 is issued and released when
    the code is revoked before its window, so quota reads need nothing from higher apps.
    """

    class Kind(models.TextChoices):
        PLANNED = "planned", _("日常（计划）检查")
        TRIGGERED = "triggered", _("触发式检查")
        SPECIAL = "special", _("专项检查")
        RECHECK = "recheck", _("整改复查")

    class Mode(models.TextChoices):
        ONSITE = "onsite", _("现场检查")
        REMOTE = "remote", _("远程检查")
        ONLINE_PATROL = "online_patrol", _("网络巡查")
        DOCUMENT = "document", _("书面核查")

    class TriggerSource(models.TextChoices):
        COMPLAINT = "complaint", _("投诉举报")
        REFERRAL = "referral", _("交办转办")
        DATA_MONITORING = "data_monitoring", _("数据监测")
        ENTERPRISE_REQUEST = "enterprise_request", _("企业申请")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        RETURNED = "returned", _("退回修改")
        APPROVED = "approved", _("已审批")
        CODE_ISSUED = "code_issued", _("已赋码")
        RESULT_RECORDED = "result_recorded", _("已录入结果")
        CLOSED = "closed", _("已办结")
        CANCELLED = "cancelled", _("已取消")
        MERGED = "merged", _("已合并")

    class Outcome(models.TextChoices):
        NO_ISSUE = "no_issue", _("未发现问题")
        RECTIFICATION = "rectification", _("责令整改")
        CASE_TRANSFERRED = "case_transferred", _("移交立案")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("检查对象"), on_delete=models.PROTECT,
                                   related_name="inspections")
    initiating_agency = models.ForeignKey("subjects.Agency", verbose_name=_("发起单位"), on_delete=models.PROTECT,
                                          related_name="initiated_inspections")
    kind = models.CharField(_("检查类型"), max_length=16, choices=Kind.choices)
    mode = models.CharField(_("检查方式"), max_length=16, choices=Mode.choices, default=Mode.ONSITE)
    date = models.DateField(_("计划检查日期"), db_index=True)
    plan = models.ForeignKey(AnnualPlan, verbose_name=_("年度计划"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="inspections")
    trigger_source = models.CharField(_("触发来源"), max_length=24, choices=TriggerSource.choices, blank=True)
    trigger_reference = models.CharField(_("来源编号"), max_length=100, blank=True)
    trigger_reason = models.TextField(_("触发原因"), blank=True)
    special_approval_ref = models.CharField(_("专项检查审批文号"), max_length=100, blank=True)
    rechecks = models.ForeignKey("self", verbose_name=_("复查的检查"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="rechecked_by")
    notified_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    notice_method = models.CharField(_("告知方式"), max_length=100, blank=True)
    notice_content = models.TextField(_("告知内容"), blank=True)
    notice_exempt_reason = models.TextField(_("免予告知理由"), blank=True)
    onsite_justification = models.TextField(_("现场检查必要性说明"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    outcome = models.CharField(_("检查结果"), max_length=20, choices=Outcome.choices, blank=True, db_index=True)
    return_comment = models.TextField(_("退回意见"), blank=True)
    is_emergency = models.BooleanField(_("紧急检查（先查后补码）"), default=False)
    emergency_reason = models.TextField(_("紧急原因"), blank=True)
    # Cap bookkeeping (see class docstring).
    slot_year = models.PositiveIntegerField(_("占用年度额度"), null=True, blank=True, db_index=True)
    counts_toward_cap = models.BooleanField(_("计入年度上限"), default=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("检查任务")
        verbose_name_plural = _("检查任务")
        ordering = ["-date", "-id"]
        # The monthly audit's predicates (issue 13): a year's slot holders grouped by enterprise, a month's
        # triggered inspections. The lists' filters and orderings: by enterprise, initiating agency or
        # status with the date, newest first; `updated_at` (sync) has its own index on the field.
        indexes = [models.Index(fields=["enterprise", "slot_year"]), models.Index(fields=["enterprise", "date"]),
                   models.Index(fields=["slot_year", "enterprise"], condition=models.Q(counts_toward_cap=True),
                                name="plans_insp_slot_holders"),
                   models.Index(fields=["date", "enterprise"], condition=models.Q(kind="triggered"),
                                name="plans_insp_triggered_date"),
                   models.Index(fields=["initiating_agency", "date"], name="inspection_agency_date"),
                   models.Index(fields=["status", "date"], name="inspection_status_date"),
                   models.Index(fields=["status", "id"], name="inspection_status_id")]

    def __str__(self):
        return f"{self.enterprise} {self.date:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def is_joint(self):
        """Participations of two or more distinct agencies (the one definition lives in
        plans.selectors.counting, with its queryset annotation)."""
        from .selectors.counting import inspection_is_joint

        return inspection_is_joint(self)


class Participation(models.Model):
    """One agency's part in an inspection: its own inspectors (at least two certified ones, 行政处罚法
    第42条) and its matters."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="participations")
    agency = models.ForeignKey("subjects.Agency", verbose_name=_("参与单位"), on_delete=models.PROTECT,
                               related_name="participations")
    inspectors = models.ManyToManyField("subjects.Inspector", verbose_name=_("检查人员"), related_name="participations")
    matters = models.ManyToManyField("matters.InspectionMatter", verbose_name=_("检查事项"),
                                     related_name="participations")
    is_lead = models.BooleanField(_("牵头"), default=False)

    class Meta:
        verbose_name = _("参与单位")
        verbose_name_plural = _("参与单位")
        constraints = [models.UniqueConstraint(fields=["inspection", "agency"], name="participation_unique")]
        # An agency's inspections (list filter, statistics): agency first, then the inspection.
        indexes = [models.Index(fields=["agency", "inspection"], name="participation_agency_insp")]
        ordering = ["inspection_id", "-is_lead", "id"]


class GateRefusal(models.Model):
    """A refused approval or 检查码 request: who, when, which rule (visible to reviewers)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="refusals")
    agency = models.ForeignKey("subjects.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("环节"), max_length=16)
    code = models.CharField(_("规则"), max_length=64, db_index=True)
    message = models.TextField(_("说明"))
    all_codes = models.JSONField(default=list)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("拒绝记录")
        verbose_name_plural = _("拒绝记录")
        ordering = ["-at", "-id"]


class TriggeredFilingQuerySet(models.QuerySet):
    def counted(self):
        """The filings that count (monthly summaries, statistics, the report): those not withdrawn."""
        return self.filter(status=TriggeredFiling.Status.FILED)


class TriggeredFiling(models.Model):
    """触发式检查备案 (举措 7): the record of a triggered inspection that took place, filed when its 检查码
    is issued or its late code registered, or when an off-site check's result is recorded; withdrawn
    (kept, visible) when the code is revoked before its window. Drafts are never filed (docs/domain.md)."""

    class Status(models.TextChoices):
        FILED = "filed", _("已备案")
        WITHDRAWN = "withdrawn", _("已撤回")

    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="triggered_filing")
    agency = models.ForeignKey("subjects.Agency", on_delete=models.PROTECT, related_name="triggered_filings")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="triggered_filings")
    source = models.CharField(_("触发来源"), max_length=24, choices=Inspection.TriggerSource.choices, db_index=True)
    reference = models.CharField(_("来源编号"), max_length=100, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    month = models.CharField(_("月份"), max_length=7, db_index=True)
    filed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.FILED, db_index=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = TriggeredFilingQuerySet.as_manager()

    class Meta:
        verbose_name = _("触发式检查备案")
        verbose_name_plural = _("触发式检查备案")
        ordering = ["-filed_at", "-id"]


class MonthlyFilingSummary(models.Model):
    """按月汇总 of triggered filings per agency per month; the agency admin confirms it."""

    agency = models.ForeignKey("subjects.Agency", on_delete=models.PROTECT, related_name="filing_summaries")
    month = models.CharField(_("月份"), max_length=7, db_index=True)
    counts_by_source = models.JSONField(default=dict)
    total = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    blocks = models.PositiveIntegerField(default=0)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("触发式检查月度汇总")
        verbose_name_plural = _("触发式检查月度汇总")
        ordering = ["-month", "agency__code"]
        constraints = [models.UniqueConstraint(fields=["agency", "month"], name="filing_summary_unique")]


class Invitation(models.Model):
    """邀约: a non-inspection visit (行政指导, 调研, 培训 …) the enterprise invited or accepted (举措 13)."""

    class Activity(models.TextChoices):
        GUIDANCE = "guidance", _("行政指导")
        RESEARCH = "research", _("调研")
        TRAINING = "training", _("培训")
        SERVICE = "service", _("政策宣传与服务")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待企业确认")
        ACCEPTED = "accepted", _("企业已同意")
        DECLINED = "declined", _("企业已拒绝")
        DONE = "done", _("已完成")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="invitations")
    agency = models.ForeignKey("subjects.Agency", on_delete=models.PROTECT, related_name="invitations")
    activity = models.CharField(_("活动类型"), max_length=16, choices=Activity.choices)
    date = models.DateField(_("日期"))
    invited_by_enterprise = models.BooleanField(_("企业主动邀约"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    purpose = models.TextField(_("事由"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("邀约")
        verbose_name_plural = _("邀约")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.enterprise} · {self.get_activity_display()} · {self.date:%Y-%m-%d}"


class JointProposal(models.Model):
    """A proposed 综合查一次 merge of `source` into `target` (decision g): made by staff of one agency from
    a match the rules offer; takes effect only when the admin of `consenting_agency` (the initiating
    agency of the other agency's inspection) accepts; can be declined or withdrawn."""

    class Direction(models.TextChoices):
        INTO = "into", _("本检查并入对方检查")
        FROM = "from", _("对方检查并入本检查")

    class Status(models.TextChoices):
        PENDING = "pending", _("待对方确认")
        ACCEPTED = "accepted", _("已同意并合并")
        DECLINED = "declined", _("对方已拒绝")
        WITHDRAWN = "withdrawn", _("已撤回")
        LAPSED = "lapsed", _("已失效")

    target = models.ForeignKey(Inspection, verbose_name=_("合并目标"), on_delete=models.CASCADE,
                               related_name="joint_proposals_in")
    source = models.ForeignKey(Inspection, verbose_name=_("被合并检查"), on_delete=models.CASCADE,
                               related_name="joint_proposals_out")
    proposing_agency = models.ForeignKey("subjects.Agency", verbose_name=_("申请单位"), on_delete=models.PROTECT,
                                         related_name="+")
    consenting_agency = models.ForeignKey("subjects.Agency", verbose_name=_("确认单位"), on_delete=models.PROTECT,
                                          related_name="joint_proposals_to_answer")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("申请说明"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("处理说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("联合检查合并申请")
        verbose_name_plural = _("联合检查合并申请")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["target", "source"], condition=models.Q(status="pending"),
                                               name="joint_proposal_one_pending")]
