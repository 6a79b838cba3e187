"""FilterSets shared by the HTML lists and the API."""
import django_filters
from django.db.models import Q

from jiujiang_inspect.api import UpdatedSinceFilter
from jiujiang_inspect.filters import CodeFilter, FilterSet, MonthFilter
from jiujiang_inspect.models import Alert
from plans.models import Block, MonthlyFilingSummary
from subjects.filters import UsccFilter

from .models import HotlineTicket, JobRun, SupervisionCase, Survey


class AlertFilterSet(FilterSet):
    kind = django_filters.CharFilter(lookup_expr="startswith", label="类型")
    severity = django_filters.ChoiceFilter(choices=Alert.Severity.choices, label="级别", empty_label="全部")
    status = django_filters.ChoiceFilter(choices=Alert.Status.choices, label="状态", empty_label="全部")
    agency = CodeFilter(field_name="agency__code", label="单位代码")
    enterprise = UsccFilter(field_name="enterprise_uscc", label="企业信用代码")
    source = django_filters.CharFilter(label="来源")

    updated_since = UpdatedSinceFilter()
    class Meta:
        model = Alert
        fields = ["kind", "severity", "status"]


class BlockFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(choices=Block.Status.choices, label="状态", empty_label="全部")
    rule = django_filters.ChoiceFilter(choices=Block.Rule.choices, label="规则", empty_label="全部")
    agency = CodeFilter(field_name="agency__code", label="单位代码")
    enterprise = UsccFilter(field_name="enterprise__uscc", label="企业信用代码")
    year = django_filters.NumberFilter(field_name="starts_on__year", label="年度")

    updated_since = UpdatedSinceFilter()
    class Meta:
        model = Block
        fields = ["status", "rule"]


class HotlineTicketFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(choices=HotlineTicket.Status.choices, label="状态", empty_label="全部")
    q = django_filters.CharFilter(method="search", label="关键词")

    updated_since = UpdatedSinceFilter()
    class Meta:
        model = HotlineTicket
        fields = ["status"]

    def search(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(external_id__icontains=value) | Q(content__icontains=value))


class SupervisionCaseFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(choices=SupervisionCase.Status.choices, label="状态", empty_label="全部")
    source = django_filters.ChoiceFilter(choices=SupervisionCase.Source.choices, label="来源", empty_label="全部")
    agency = CodeFilter(field_name="agency__code", label="单位代码")
    deadline_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label="期限不晚于")

    updated_since = UpdatedSinceFilter()
    class Meta:
        model = SupervisionCase
        fields = ["status", "source"]


class FilingSummaryFilterSet(FilterSet):
    """触发式检查月度汇总 list: month, agency and whether the agency admin has confirmed it."""

    CONFIRMED = [("yes", "已确认"), ("no", "待单位确认")]
    month = MonthFilter(label="月份")
    agency = CodeFilter(field_name="agency__code", label="单位代码")
    confirmed = django_filters.ChoiceFilter(choices=CONFIRMED, method="filter_confirmed", label="确认",
                                            empty_label="全部")

    class Meta:
        model = MonthlyFilingSummary
        fields = []

    def filter_confirmed(self, qs, name, value):
        return qs.filter(confirmed_at__isnull=(value == "no"))


class JobRunFilterSet(FilterSet):
    KINDS = [("frequency_audit", "月度频次监测"), ("daily_sweeps", "每日巡检")]
    kind = django_filters.ChoiceFilter(choices=KINDS, label="任务", empty_label="全部")
    period = django_filters.CharFilter(label="期间")
    status = django_filters.ChoiceFilter(choices=JobRun.Status.choices, label="状态", empty_label="全部")

    class Meta:
        model = JobRun
        fields = []


class SurveyFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(choices=Survey.Status.choices, label="状态", empty_label="全部")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="关键词")

    class Meta:
        model = Survey
        fields = []
