"""FilterSets behind the guidance HTML lists (UI.md list convention: filter bar with 全部, export of the same rows)."""
import django_filters

from .models import TrainingSession


class TrainingFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TrainingSession.Status.choices, label="状态", empty_label="全部")
    year = django_filters.NumberFilter(field_name="date__year", label="年度")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="关键词")

    class Meta:
        model = TrainingSession
        fields = []
