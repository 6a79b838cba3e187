"""FilterSets shared by the HTML list pages and the API: enterprises and annual plans, inspections and
triggered filings, 邀约."""
import django_filters
from django.db.models import Exists, OuterRef, Q

from jiujiang_inspect.api import UpdatedSinceFilter
from jiujiang_inspect.filters import CodeFilter, FilterSet, MonthFilter, YearFilter
from jiujiang_inspect.identifiers import normalize_code
from subjects.filters import UsccFilter

from .exceptions import RULE_NAMES, STAGE_NAMES
from .models import (
    AnnualPlan,
    Enterprise,
    GateRefusal,
    Inspection,
    Invitation,
    Participation,
    Pool,
    Town,
    TriggeredFiling,
)
from .selectors.enterprises import enterprise_search


class TownField(django_filters.fields.ChoiceField):
    """A town by its code (`sihe_shan`) or, as other systems send it, its Chinese name (四褐山街道)."""

    def to_python(self, value):
        value = super().to_python(value)
        return (Town.from_text(value) or value) if value else value

    def valid_value(self, value):
        return super().valid_value(value) or Town.from_text(value) is not None


class TownFilter(django_filters.ChoiceFilter):
    field_class = TownField


class EnterpriseFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label="名称、拼音首字母或信用代码")
    uscc = UsccFilter(field_name="uscc", label="统一社会信用代码")  # exactly this firm; `q` is fuzzy
    town = TownFilter(choices=Town.choices, label="镇（街道）", empty_label="全部")
    industry = django_filters.CharFilter(method="filter_industry", label="行业代码")
    pool = django_filters.ChoiceFilter(choices=Pool.choices, label="对象库", empty_label="全部")
    credit_class = django_filters.ChoiceFilter(choices=Enterprise.CreditClass.choices, label="信用风险分类", empty_label="全部")
    size = django_filters.ChoiceFilter(choices=Enterprise.Size.choices, label="规模", empty_label="全部")
    joins_joint = django_filters.BooleanFilter(label="愿意参加联合检查")
    is_active = django_filters.BooleanFilter(label="存续")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Enterprise
        fields = ["town", "pool", "credit_class", "size", "joins_joint", "is_active"]

    def search(self, qs, name, value):
        return enterprise_search(qs, value)

    def filter_industry(self, qs, name, value):
        # GB/T 4754 numeric codes nest by prefix (62 → 621 → 6210); a 门类 letter matches its own rows.
        value = value.strip()
        if value.isalpha():
            return qs.filter(Q(industry__code=value) | Q(industry__parent__code=value)
                             | Q(industry__parent__parent__code=value) | Q(industry__parent__parent__parent__code=value))
        return qs.filter(industry__code__startswith=value)


class AnnualPlanFilterSet(FilterSet):
    year = django_filters.NumberFilter(label="年度")
    status = django_filters.ChoiceFilter(choices=AnnualPlan.Status.choices, label="状态", empty_label="全部")
    agency = django_filters.CharFilter(method="filter_agency", label="单位代码（牵头或参与）")
    industry = django_filters.CharFilter(field_name="industry__code", label="行业代码")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="计划名称")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = AnnualPlan
        fields = ["year", "status"]

    def filter_agency(self, qs, name, value):
        value = normalize_code(value)
        ids = AnnualPlan.objects.filter(Q(lead_agency__code__iexact=value) | Q(member_agencies__code__iexact=value)).values("id")
        return qs.filter(id__in=ids)


class InspectionFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label="企业名称或代码")
    enterprise = UsccFilter(field_name="enterprise__uscc", label="统一社会信用代码")
    agency = CodeFilter(method="filter_agency", label="参与单位代码")
    kind = django_filters.ChoiceFilter(choices=Inspection.Kind.choices, empty_label="全部", label="检查类型")
    mode = django_filters.ChoiceFilter(choices=Inspection.Mode.choices, empty_label="全部", label="检查方式")
    status = django_filters.ChoiceFilter(choices=Inspection.Status.choices, empty_label="全部", label="状态")
    outcome = django_filters.ChoiceFilter(choices=Inspection.Outcome.choices, empty_label="全部", label="检查结果")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="日期起")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="日期止")
    year = YearFilter(field_name="date", label="年度")
    trigger_source = django_filters.ChoiceFilter(choices=Inspection.TriggerSource.choices, empty_label="全部",
                                                 label="触发来源")
    happened = django_filters.BooleanFilter(method="filter_happened", label="已实施（已赋码、已录入结果、已办结）")

    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Inspection
        fields = ["kind", "mode", "status", "outcome"]

    def search(self, qs, name, value):
        return qs.filter(Q(enterprise__name__icontains=value) | Q(enterprise__uscc__icontains=value))

    def filter_happened(self, qs, name, value):
        """The inspections that happened, which the 分析研判 figures count (plans.selectors.counting), or
        the others."""
        from .selectors.counting import happened

        done = happened(qs).values("pk")
        return qs.filter(pk__in=done) if value else qs.exclude(pk__in=done)

    def filter_agency(self, qs, name, value):
        # EXISTS, not a join + DISTINCT: no duplicate rows and no DISTINCT over every column (issue 13).
        return qs.filter(Exists(Participation.objects.filter(inspection=OuterRef("pk"), agency__code__iexact=value)))


class TriggeredFilingFilterSet(FilterSet):
    month = MonthFilter(label="月份（YYYY-MM）")
    year = YearFilter(field_name="month", text_month=True, label="年度")
    agency = CodeFilter(field_name="agency__code", label="单位代码")
    source = django_filters.ChoiceFilter(choices=Inspection.TriggerSource.choices, label="触发来源", empty_label="全部")
    status = django_filters.ChoiceFilter(choices=TriggeredFiling.Status.choices, label="状态", empty_label="全部")

    updated_since = UpdatedSinceFilter()
    class Meta:
        model = TriggeredFiling
        fields = ["month", "source", "status"]


class TriggeredFilingListFilterSet(TriggeredFilingFilterSet):
    """The staff page: the API's filters plus the year (the dashboard links here with ?year=) and a
    keyword on the enterprise. Web-only, so the API contract is unchanged."""

    year = django_filters.NumberFilter(method="filter_year", label="年度")
    q = django_filters.CharFilter(method="search", label="企业名称或代码")

    def filter_year(self, qs, name, value):
        return qs.filter(month__startswith=f"{int(value):04d}-")

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(enterprise__name__icontains=value) | Q(enterprise__uscc__icontains=value))


class GateRefusalFilterSet(FilterSet):
    """检查拒绝记录: which rule, at which step, by which agency, when."""

    STAGES = list(STAGE_NAMES.items())

    code = django_filters.ChoiceFilter(choices=list(RULE_NAMES.items()), label="规则", empty_label="全部")
    stage = django_filters.ChoiceFilter(choices=STAGES, label="环节", empty_label="全部")
    agency = CodeFilter(field_name="agency__code", label="单位代码")
    q = django_filters.CharFilter(method="search", label="企业名称或代码")
    date_from = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label="日期起")
    date_to = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label="日期止")

    class Meta:
        model = GateRefusal
        fields = ["code", "stage"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(inspection__enterprise__name__icontains=value)
                         | Q(inspection__enterprise__uscc__icontains=value))


class InvitationFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label="企业名称或代码")
    enterprise = UsccFilter(field_name="enterprise__uscc", label="统一社会信用代码")
    agency = CodeFilter(field_name="agency__code", label="单位代码")
    activity = django_filters.ChoiceFilter(choices=Invitation.Activity.choices, label="活动类型")
    status = django_filters.ChoiceFilter(choices=Invitation.Status.choices, label="状态")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="日期起")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="日期止")

    updated_since = UpdatedSinceFilter()
    class Meta:
        model = Invitation
        fields = ["activity", "status"]

    def search(self, qs, name, value):
        return qs.filter(Q(enterprise__name__icontains=value) | Q(enterprise__uscc__icontains=value))
