"""FilterSets of 检查码 and 企业评议, shared by the staff pages and the API."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from jiujiang_inspect.api import UpdatedSinceFilter
from jiujiang_inspect.filters import CodeFilter, FilterSet
from matters.models import NegativeListItem
from subjects.filters import UsccFilter

from .models import CheckCode, Evaluation, Rectification

YES_NO_ALL = forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])


class CheckCodeFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(choices=CheckCode.Status.choices, label="状态", empty_label="全部")
    is_late = django_filters.BooleanFilter(label="事后补码")
    agency = CodeFilter(field_name="inspection__participations__agency__code", label="参与单位代码",
                                       distinct=True)
    enterprise = UsccFilter(field_name="inspection__enterprise__uscc", label="统一社会信用代码")

    updated_since = UpdatedSinceFilter()
    class Meta:
        model = CheckCode
        fields = ["status", "is_late"]


class EvaluationFilterSet(FilterSet):
    """Reviewer list of individual evaluations: by rating, negative-list reports, agency, period."""

    rating = django_filters.TypedChoiceFilter(choices=[(i, f"{i} 星") for i in range(5, 0, -1)], coerce=int,
                                              label="评分")
    rating_max = django_filters.NumberFilter(field_name="rating", lookup_expr="lte", label="评分不高于")
    has_negative = django_filters.BooleanFilter(method="filter_negative", label="有负面清单行为")
    negative_item = django_filters.ModelChoiceFilter(field_name="negative_items", label="负面清单行为",
                                                     queryset=NegativeListItem.objects.all(), distinct=True)
    agency = CodeFilter(field_name="check_code__inspection__participations__agency__code",
                                       label="参与单位代码", distinct=True)
    date_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="日期起")
    date_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label="日期止")

    class Meta:
        model = Evaluation
        fields = ["rating"]

    def filter_negative(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(negative_items__isnull=False).distinct() if value else qs.filter(negative_items__isnull=True)


class CheckCodeListFilterSet(CheckCodeFilterSet):
    """The staff 检查码 page: the API's filters plus a keyword, the inspection year (the dashboard
    links here with ?year=) and a 全部/是/否 dropdown for 补码. Web-only, so the API contract is unchanged."""

    q = django_filters.CharFilter(method="search", label="检查码或企业")
    is_late = django_filters.BooleanFilter(label="事后补码", widget=YES_NO_ALL)
    year = django_filters.NumberFilter(field_name="inspection__date__year", label="检查年度")

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(code__icontains=value) | Q(inspection__enterprise__name__icontains=value)
                         | Q(inspection__enterprise__uscc__icontains=value))


class RectificationFilterSet(FilterSet):
    """整改复查 page. "待办" (the default) is everything still waiting for the enterprise or a 复查."""

    PENDING = ("open", "responded", "rejected")

    status = django_filters.ChoiceFilter(method="filter_status", label="状态", empty_label="全部",
                                         choices=[("pending", "待办"), *Rectification.Status.choices])
    q = django_filters.CharFilter(method="search", label="企业名称或代码")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="已逾期", widget=YES_NO_ALL)
    deadline_from = django_filters.DateFilter(field_name="deadline", lookup_expr="gte", label="期限起")
    deadline_to = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label="期限止")

    class Meta:
        model = Rectification
        fields = ["status"]

    def filter_status(self, qs, name, value):
        return qs.filter(status__in=self.PENDING) if value == "pending" else qs.filter(status=value)

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(result__inspection__enterprise__name__icontains=value)
                         | Q(result__inspection__enterprise__uscc__icontains=value))

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        late = Q(deadline__lt=timezone.localdate()) & ~Q(status__in=("verified", "closed"))
        return qs.filter(late) if value else qs.exclude(late)
