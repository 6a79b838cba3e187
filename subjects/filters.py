import django_filters
from django.db.models import Q

from jiujiang_inspect.api import UpdatedSinceFilter
from jiujiang_inspect.filters import CodeFilter, FilterSet, IdentifierFilter
from jiujiang_inspect.models import OutboundMessage
from jiujiang_inspect.outbox import EVENTS, OTHER_EVENTS, event_label

from .models import Agency, Certificate, Inspector, User
from .validators import uscc_shape_ok


class AgencyFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    kind = django_filters.ChoiceFilter(choices=Agency.Kind.choices, label="主体类型", empty_label="全部")
    is_active = django_filters.BooleanFilter(label="有效")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Agency
        fields = ["kind", "is_active", "is_town"]

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(short_name__icontains=value))


class InspectorFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label="姓名或证件号")
    agency = CodeFilter(field_name="agency__code", label="单位代码")
    certificate_status = django_filters.ChoiceFilter(field_name="certificate__status",
                                                     choices=Certificate.Status.choices, label="证件状态",
                                                     empty_label="全部")
    is_helper = django_filters.BooleanFilter(label="辅助人员")
    is_active = django_filters.BooleanFilter(label="在岗")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Inspector
        fields = ["agency", "is_helper", "is_active"]

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(certificate__number__icontains=value))


class UserFilterSet(FilterSet):
    """The reviewer's account list (web only; the API's /users/ has no filters)."""

    q = django_filters.CharFilter(method="search", label="用户名或姓名")
    role = django_filters.ChoiceFilter(choices=[c for c in User.Role.choices if c[0] != "platform"], label="角色")
    agency = CodeFilter(field_name="agency__code", label="单位代码")
    is_active = django_filters.ChoiceFilter(choices=[("true", "启用"), ("false", "停用")], method="active",
                                            label="状态")

    class Meta:
        model = User
        fields = ["role"]

    def search(self, qs, name, value):
        return qs.filter(Q(username__icontains=value) | Q(display_name__icontains=value))

    def active(self, qs, name, value):
        return qs.filter(is_active=(value == "true"))


class OutboundMessageFilterSet(FilterSet):
    channel = django_filters.ChoiceFilter(choices=OutboundMessage.Channel.choices, label="渠道", empty_label="全部")
    status = django_filters.ChoiceFilter(choices=OutboundMessage.Status.choices, label="状态", empty_label="全部")
    event = django_filters.ChoiceFilter(choices=[(e, event_label(e)) for e in EVENTS + OTHER_EVENTS], label="事件",
                                        empty_label="全部")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = OutboundMessage
        fields = ["channel", "status", "event"]


USCC_FILTER_MESSAGE = "统一社会信用代码应为18位数字或大写字母（可含空格、小写、全角形式）。"


def UsccFilter(**kwargs):  # noqa: N802  a filter factory, read like a class where FilterSets declare it
    """An exact 统一社会信用代码 filter: normalised as typed; a value that cannot be a USCC is a 400."""
    return IdentifierFilter(valid=uscc_shape_ok, invalid_message=USCC_FILTER_MESSAGE, **kwargs)
