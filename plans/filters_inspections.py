"""FilterSets shared by the inspection and triggered-filing list pages and the API."""
import django_filters
from django.db.models import Q

from jiujiang_inspect.api import UpdatedSinceFilter

from .models import GateRefusal, Inspection, TriggeredFiling


class InspectionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="企业名称或代码")
    enterprise = django_filters.CharFilter(field_name="enterprise__uscc", label="统一社会信用代码")
    agency = django_filters.CharFilter(field_name="participations__agency__code", label="参与单位代码", distinct=True)
    kind = django_filters.ChoiceFilter(choices=Inspection.Kind.choices, empty_label="全部", label="检查类型")
    mode = django_filters.ChoiceFilter(choices=Inspection.Mode.choices, empty_label="全部", label="检查方式")
    status = django_filters.ChoiceFilter(choices=Inspection.Status.choices, empty_label="全部", label="状态")
    outcome = django_filters.ChoiceFilter(choices=Inspection.Outcome.choices, empty_label="全部", label="检查结果")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="日期起")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="日期止")

    updated_since = UpdatedSinceFilter()
    class Meta:
        model = Inspection
        fields = ["kind", "mode", "status", "outcome"]

    def search(self, qs, name, value):
        return qs.filter(Q(enterprise__name__icontains=value) | Q(enterprise__uscc__icontains=value))


class TriggeredFilingFilterSet(django_filters.FilterSet):
    month = django_filters.CharFilter(label="月份（YYYY-MM）")
    agency = django_filters.CharFilter(field_name="agency__code", label="单位代码")
    source = django_filters.ChoiceFilter(choices=Inspection.TriggerSource.choices, label="触发来源", empty_label="全部")

    updated_since = UpdatedSinceFilter()
    class Meta:
        model = TriggeredFiling
        fields = ["month", "source"]


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


class GateRefusalFilterSet(django_filters.FilterSet):
    """检查拒绝记录: which rule, at which step, by which agency, when."""

    STAGES = [("approve", "审批"), ("issue", "申领检查码"), ("late_code", "事后补码")]

    code = django_filters.CharFilter(label="规则代码")
    stage = django_filters.ChoiceFilter(choices=STAGES, label="环节", empty_label="全部")
    agency = django_filters.CharFilter(field_name="agency__code", label="单位代码")
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
