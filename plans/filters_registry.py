"""FilterSets for enterprises and annual plans, shared by the HTML lists and the API."""
import django_filters
from django.db.models import Q

from jiujiang_inspect.api import UpdatedSinceFilter

from .models import AnnualPlan, Enterprise, Pool, Town


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="名称或信用代码")
    town = django_filters.ChoiceFilter(choices=Town.choices, label="镇（街道）", empty_label="全部")
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
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(uscc__icontains=value.upper()))

    def filter_industry(self, qs, name, value):
        # GB/T 4754 numeric codes nest by prefix (62 → 621 → 6210); a 门类 letter matches its own rows.
        value = value.strip()
        if value.isalpha():
            return qs.filter(Q(industry__code=value) | Q(industry__parent__code=value)
                             | Q(industry__parent__parent__code=value) | Q(industry__parent__parent__parent__code=value))
        return qs.filter(industry__code__startswith=value)


class AnnualPlanFilterSet(django_filters.FilterSet):
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
        ids = AnnualPlan.objects.filter(Q(lead_agency__code=value) | Q(member_agencies__code=value)).values("id")
        return qs.filter(id__in=ids)
