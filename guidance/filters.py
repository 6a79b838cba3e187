"""FilterSets behind the guidance HTML lists (docs/ui.md list convention: filter bar with 全部, export of the same rows)."""
import django_filters

from jiujiang_inspect.filters import FilterSet
from subjects.models import Agency

from . import selectors
from .models import OnlineTest, ResultRecognition, TestAttempt, TrainingSession, TypicalCase


class TrainingFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(choices=TrainingSession.Status.choices, label="状态", empty_label="全部")
    year = django_filters.NumberFilter(field_name="date__year", label="年度")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="关键词")

    class Meta:
        model = TrainingSession
        fields = []


class TypicalCaseFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    kind = django_filters.ChoiceFilter(choices=TypicalCase.Kind.choices, label="类型", empty_label="全部")
    category = django_filters.ChoiceFilter(choices=TypicalCase.Category.choices, label="类别", empty_label="全部")

    class Meta:
        model = TypicalCase
        fields = []

    def search(self, qs, name, value):
        # Same word-by-word search as before the filter bar (title, facts, rule, handling, lesson, matters).
        return selectors.typical_case_search(qs, value)


class RecognitionFilterSet(FilterSet):
    agency = django_filters.ModelChoiceFilter(queryset=Agency.objects.order_by("code"), label="互认单位",
                                              empty_label="全部")
    year = django_filters.NumberFilter(field_name="created_at__year", label="年度")
    month = django_filters.NumberFilter(field_name="created_at__month", label="月份")
    q = django_filters.CharFilter(field_name="enterprise__name", lookup_expr="icontains", label="企业")

    class Meta:
        model = ResultRecognition
        fields = []


class OnlineTestFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(choices=OnlineTest.Status.choices, label="状态", empty_label="全部")
    mode = django_filters.ChoiceFilter(choices=OnlineTest.Mode.choices, label="组卷方式", empty_label="全部")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="关键词")

    class Meta:
        model = OnlineTest
        fields = []


def _tests_for_request(request):
    if request is None:
        return OnlineTest.objects.none()
    return OnlineTest.objects.filter(pk__in=selectors.test_list_for_user(user=request.user).values("pk")).order_by("-id")


class AttemptFilterSet(FilterSet):
    # Only the tests the user may see (drafts stay hidden from non-reviewers).
    test = django_filters.ModelChoiceFilter(queryset=_tests_for_request, label="测试", empty_label="全部")
    status = django_filters.ChoiceFilter(choices=TestAttempt.Status.choices, label="状态", empty_label="全部")
    passed = django_filters.ChoiceFilter(choices=[("1", "通过"), ("0", "未通过")], method="filter_passed",
                                         label="结果", empty_label="全部")
    q = django_filters.CharFilter(field_name="inspector__name", lookup_expr="icontains", label="姓名")

    class Meta:
        model = TestAttempt
        fields = []

    def filter_passed(self, qs, name, value):
        return qs.filter(passed=value == "1")
