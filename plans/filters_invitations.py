"""FilterSet of 邀约, shared by the invitation list page and `/api/v1/invitations/`."""
import django_filters
from django.db.models import Q

from jiujiang_inspect.api import UpdatedSinceFilter

from .models import Invitation


class InvitationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="企业名称或代码")
    enterprise = django_filters.CharFilter(field_name="enterprise__uscc", label="统一社会信用代码")
    agency = django_filters.CharFilter(field_name="agency__code", label="单位代码")
    activity = django_filters.ChoiceFilter(choices=Invitation.Activity.choices, label="活动类型")
    status = django_filters.ChoiceFilter(choices=Invitation.Status.choices, label="状态")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="日期起")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="日期止")

    updated_since = UpdatedSinceFilter()
    class Meta:
        model = Invitation
        fields = ["activity", "status"]

    def search(self, qs, name, value):
        return qs.filter(Q(enterprise__name__icontains=value) | Q(enterprise__uscc__icontains=value))
