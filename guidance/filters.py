"""FilterSets behind the guidance HTML lists (UI.md list convention: filter bar with 全部, export of the same rows)."""
import django_filters

from subjects.models import Agency

from . import selectors
from .models import ResultRecognition, TrainingSession, TypicalCase


class TrainingFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TrainingSession.Status.choices, label="状态", empty_label="全部")
    year = django_filters.NumberFilter(field_name="date__year", label="年度")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="关键词")

    class Meta:
        model = TrainingSession
        fields = []


class TypicalCaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    kind = django_filters.ChoiceFilter(choices=TypicalCase.Kind.choices, label="类型", empty_label="全部")
    category = django_filters.ChoiceFilter(choices=TypicalCase.Category.choices, label="类别", empty_label="全部")

    class Meta:
        model = TypicalCase
        fields = []

    def search(self, qs, name, value):
        # Same word-by-word search as before the filter bar (title, facts, rule, handling, lesson, matters).
        return selectors.typical_case_search(qs, value)


class RecognitionFilterSet(django_filters.FilterSet):
    agency = django_filters.ModelChoiceFilter(queryset=Agency.objects.order_by("code"), label="互认单位",
                                              empty_label="全部")
    year = django_filters.NumberFilter(field_name="created_at__year", label="年度")
    month = django_filters.NumberFilter(field_name="created_at__month", label="月份")
    q = django_filters.CharFilter(field_name="enterprise__name", lookup_expr="icontains", label="企业")

    class Meta:
        model = ResultRecognition
        fields = []
