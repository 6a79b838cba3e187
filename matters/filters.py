"""One FilterSet per model, shared by the HTML lists and the API."""
import django_filters
from django.db.models import Q

from jiujiang_inspect.api import UpdatedSinceFilter
from jiujiang_inspect.filters import CodeFilter, FilterSet
from subjects.models import Agency

from .models import Industry, InspectionMatter, JointMatterList, LegalBasis
from .validators import DIVISION_RANGES


def industry_codes_under(code: str) -> list[str]:
    """`code` and every loaded code below it (a 门类 letter covers its 大类 range)."""
    code = (code or "").strip().upper()
    if not code:
        return []
    if code in DIVISION_RANGES:
        lo, hi = DIVISION_RANGES[code]
        prefixes = tuple(f"{n:02d}" for n in range(lo, hi + 1))
        return [code, *[c for c in Industry.objects.values_list("code", flat=True) if c.startswith(prefixes)]]
    return list(Industry.objects.filter(code__startswith=code).values_list("code", flat=True))


class LegalBasisFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    status = django_filters.ChoiceFilter(choices=LegalBasis.Status.choices, label="状态", empty_label="全部")
    level = django_filters.ChoiceFilter(choices=LegalBasis.Level.choices, label="效力层级", empty_label="全部")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = LegalBasis
        fields = ["status", "level"]

    def search(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(article__icontains=value) | Q(article_text__icontains=value))


class MatterFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    agency = CodeFilter(field_name="agency__code", label="实施主体代码")
    status = django_filters.ChoiceFilter(choices=InspectionMatter.Status.choices, label="状态", empty_label="全部")
    industry = django_filters.CharFilter(method="filter_industry", label="行业代码")
    basis_status = django_filters.ChoiceFilter(choices=LegalBasis.Status.choices, method="filter_basis_status",
                                               label="依据状态")
    offsite_capable = django_filters.BooleanFilter(label="可非现场检查")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = InspectionMatter
        fields = ["agency", "status", "offsite_capable"]

    def search(self, qs, name, value):
        return qs.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(object_scope__icontains=value))

    def filter_industry(self, qs, name, value):
        codes = industry_codes_under(value)
        ids = InspectionMatter.industries.through.objects.filter(industry__code__in=codes).values("inspectionmatter_id")
        return qs.filter(pk__in=ids)

    def filter_basis_status(self, qs, name, value):
        # A subquery, not a join: no duplicate rows and no DISTINCT under cursor pagination.
        ids = InspectionMatter.legal_bases.through.objects.filter(legalbasis__status=value).values("inspectionmatter_id")
        return qs.filter(pk__in=ids)


class IndustryFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    level = django_filters.ChoiceFilter(choices=Industry.Level.choices, label="层级", empty_label="全部")
    is_key = django_filters.BooleanFilter(label="重点行业")
    parent = django_filters.CharFilter(field_name="parent__code", label="上级代码")

    class Meta:
        model = Industry
        fields = ["level", "is_key"]

    def search(self, qs, name, value):
        return qs.filter(Q(code__istartswith=value) | Q(name__icontains=value) | Q(key_label__icontains=value))


class JointMatterListFilterSet(FilterSet):
    industry = django_filters.CharFilter(field_name="industry__code", label="行业代码")
    status = django_filters.ChoiceFilter(choices=JointMatterList.Status.choices, label="状态", empty_label="全部")
    lead_agency = django_filters.ModelChoiceFilter(field_name="lead_agency", to_field_name="code",
                                                   queryset=Agency.objects.all(), label="牵头单位代码")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = JointMatterList
        fields = ["industry", "status", "lead_agency"]
