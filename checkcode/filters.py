"""FilterSets of 检查码 and 企业评议, shared by the staff pages and the API."""
import django_filters

from jiujiang_inspect.api import UpdatedSinceFilter
from matters.models import NegativeListItem

from .models import CheckCode, Evaluation


class CheckCodeFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CheckCode.Status.choices, label="状态")
    is_late = django_filters.BooleanFilter(label="事后补码")
    agency = django_filters.CharFilter(field_name="inspection__participations__agency__code", label="参与单位代码",
                                       distinct=True)
    enterprise = django_filters.CharFilter(field_name="inspection__enterprise__uscc", label="统一社会信用代码")

    updated_since = UpdatedSinceFilter()
    class Meta:
        model = CheckCode
        fields = ["status", "is_late"]


class EvaluationFilterSet(django_filters.FilterSet):
    """Reviewer list of individual evaluations: by rating, negative-list reports, agency, period."""

    rating = django_filters.TypedChoiceFilter(choices=[(i, f"{i} 星") for i in range(5, 0, -1)], coerce=int,
                                              label="评分")
    rating_max = django_filters.NumberFilter(field_name="rating", lookup_expr="lte", label="评分不高于")
    has_negative = django_filters.BooleanFilter(method="filter_negative", label="有负面清单行为")
    negative_item = django_filters.ModelChoiceFilter(field_name="negative_items", label="负面清单行为",
                                                     queryset=NegativeListItem.objects.all(), distinct=True)
    agency = django_filters.CharFilter(field_name="check_code__inspection__participations__agency__code",
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
