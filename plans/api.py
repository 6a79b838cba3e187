"""Inspections, triggered filings, 邀约 (invitations), enterprises, pools, quota, cap policies and
annual plans over the API (docs/api.md). Every write calls a service; the same services back the HTML pages.
The check-code and result actions live in checkcode/api.py (a higher app) under the same URL prefix."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from jiujiang_inspect import roles
from jiujiang_inspect.api import local_times, month_parameter
from jiujiang_inspect.exceptions import ValidationFailed
from jiujiang_inspect.permissions import IsReviewer, StaffOrPlatformRead
from subjects.validators import uscc_normalise

from .filters import (
    AnnualPlanFilterSet,
    EnterpriseFilterSet,
    InspectionFilterSet,
    InvitationFilterSet,
    TriggeredFilingFilterSet,
)
from .models import CapPolicy, FrequencyPolicy
from .selectors import enterprises as enterprise_selectors
from .selectors import plans as plan_selectors
from .selectors.inspections import (
    ROW_FIELDS,
    inspection_list_for_user,
    inspection_rows,
    inspections_detailed,
    joint_match_candidates,
    triggered_filing_list_for_user,
)
from .selectors.invitations import invitation_list_for_user
from .selectors.joint_proposals import joint_proposal_list_for_user
from .selectors.quota import enterprise_quota
from .serializers import (
    AnnualPlanSerializer,
    CapPoliciesSerializer,
    CapPoliciesUpdateSerializer,
    EnterpriseSerializer,
    InspectionCancelSerializer,
    InspectionInSerializer,
    InspectionReturnSerializer,
    InspectionSerializer,
    InvitationInSerializer,
    InvitationReasonSerializer,
    InvitationSerializer,
    JointProposalDecisionSerializer,
    JointProposalSerializer,
    MergeSerializer,
    PlanDrawSerializer,
    PlanFileSerializer,
    PlanReturnSerializer,
    PlanSubmitResponseSerializer,
    PoolMoveSerializer,
    QuotaSerializer,
    TriggeredFilingSerializer,
    inspection_row_data,
)
from .services import annual_plans, caps, draw, enterprises, pools
from .services import inspections as services
from .services import invitations as invitation_services
from .services import joint_proposals as joint_proposal_services
from .services.triggered_filings import monthly_summary_compute


def _service_kwargs(data):
    data = dict(data)
    if data.get("participations") is not None:
        data["participations"] = [dict(p) for p in data["participations"]]
    for key in ("trigger", "advance_notice"):
        if data.get(key) is not None:
            data[key] = dict(data[key])
    return data


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """检查任务. Agency staff see inspections their agency takes part in; reviewers and the platform
    (read) see all. `approve/` runs every gate (409 with the first failing rule's code)."""

    serializer_class = InspectionSerializer
    permission_classes = [StaffOrPlatformRead]
    filterset_class = InspectionFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return inspection_list_for_user(user=self.request.user).order_by("-id")

    def list(self, request, *args, **kwargs):
        """The page as plain values (inspection_rows, inspection_row_data): what InspectionSerializer
        answers, without a model instance or a serializer field per cell (issue 13)."""
        qs = self.filter_queryset(inspection_list_for_user(user=request.user, detailed=False).order_by("-id"))
        page = self.paginate_queryset(qs.values(*ROW_FIELDS))
        return self.get_paginated_response([inspection_row_data(r) for r in inspection_rows(page)])

    def _out(self, inspection, code=status.HTTP_200_OK):
        return Response(InspectionSerializer(inspections_detailed().get(pk=inspection.pk)).data, status=code)

    @extend_schema(request=InspectionInSerializer, responses={201: InspectionSerializer})
    def create(self, request, *args, **kwargs):
        data = InspectionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inspection = services.inspection_create(by=request.user, **_service_kwargs(data.validated_data))
        return self._out(inspection, status.HTTP_201_CREATED)

    @extend_schema(request=InspectionInSerializer, responses=InspectionSerializer)
    def partial_update(self, request, *args, **kwargs):
        inspection = self.get_object()
        data = InspectionInSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        inspection = services.inspection_update(inspection=inspection, by=request.user,
                                                **_service_kwargs(data.validated_data))
        return self._out(inspection)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise exceptions.MethodNotAllowed("PUT")
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=None, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """审批: runs every gate; 409 with the failing rule's `code` (all of them in `detail.errors`)."""
        return self._out(services.inspection_approve(inspection=self.get_object(), by=request.user))

    @extend_schema(request=InspectionReturnSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_changes(self, request, pk=None):
        """退回修改: the initiating agency's admin returns a draft with `{"comment"}` (what to change)."""
        data = InspectionReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(services.inspection_return(inspection=self.get_object(), by=request.user,
                                                    comment=data.validated_data["comment"]))

    @extend_schema(request=MergeSerializer, responses={201: JointProposalSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Propose one joint inspection (综合查一次, decision g): `{"source": id}` proposes merging an
        offered match into this one, `{"target": id}` this one into it. 201 with the pending proposal;
        the merge takes effect when the other agency's admin accepts (`/joint-proposals/{id}/accept/`).
        409 `joint_match_not_offered` for anything `joint-matches/` does not offer."""
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        other, direction = (d["source"], "from") if d.get("source") else (d["target"], "into")
        proposal = joint_proposal_services.joint_proposal_create(
            by=request.user, inspection=self.get_object(), other=other, direction=direction, note=d["note"])
        proposal = joint_proposal_list_for_user(user=request.user).get(pk=proposal.pk)
        return Response(JointProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=InspectionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="joint-matches", pagination_class=None)
    def joint_matches(self, request, pk=None):
        """Other agencies' pending inspections of the same enterprise within the matching window."""
        # Candidates belong to other agencies: the drafting agency sees them in order to merge.
        candidates = joint_match_candidates(inspection=self.get_object())
        qs = inspections_detailed(candidates.model.objects.filter(pk__in=candidates.values("pk"))).order_by("date", "id")
        return Response(InspectionSerializer(qs, many=True).data)

    @extend_schema(request=InspectionCancelSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = InspectionCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(services.inspection_cancel(inspection=self.get_object(), by=request.user,
                                                    reason=data.validated_data["reason"]))


class TriggeredFilingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             viewsets.GenericViewSet):
    """触发式检查备案: staff (own agency; reviewers all) and the platform (read)."""

    serializer_class = TriggeredFilingSerializer
    permission_classes = [StaffOrPlatformRead]
    filterset_class = TriggeredFilingFilterSet

    def get_queryset(self):
        return triggered_filing_list_for_user(user=self.request.user).order_by("-id")

    @extend_schema(parameters=[OpenApiParameter("month", str, required=True, description="YYYY-MM（1900—2100 年）")],
                   responses={200: inline_serializer("TriggeredFilingMonthlySummary", {
                       "month": serializers.CharField(help_text="YYYY-MM"),
                       "results": inline_serializer("TriggeredFilingMonthlySummaryRow", {
                           "agency": serializers.CharField(help_text="实施主体代码"),
                           "agency_name": serializers.CharField(),
                           "counts_by_source": serializers.DictField(child=serializers.IntegerField(),
                                                                     help_text="按来源的备案数"),
                           "total": serializers.IntegerField(),
                           "warnings": serializers.IntegerField(),
                           "blocks": serializers.IntegerField(),
                           "audited": serializers.BooleanField(),
                           "confirmed_at": serializers.DateTimeField(allow_null=True),
                       }, many=True)})})
    @action(detail=False, methods=["get"], url_path="monthly-summary", filterset_class=None, pagination_class=None)
    def monthly_summary(self, request):
        """按月汇总 per agency: filings by source (live), warnings and blocks from the monthly audit."""
        month = month_parameter(request)
        rows = monthly_summary_compute(month=month)
        user = request.user
        if not (roles.is_reviewer(user) or roles.is_platform(user)):
            rows = [r for r in rows if r["agency"].pk == user.agency_id]
        return Response(local_times({"month": month, "results": [
            {"agency": r["agency"].code, "agency_name": r["agency"].name, "counts_by_source": r["counts_by_source"],
             "total": r["total"], "warnings": r["warnings"], "blocks": r["blocks"], "audited": r["audited"],
             "confirmed_at": r["confirmed_at"]} for r in rows]}))


class JointProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """综合查一次 merge proposals (decision g): those the caller's agency made or must answer. The
    consenting agency's admin accepts or declines; the proposing agency withdraws."""

    serializer_class = JointProposalSerializer
    permission_classes = [StaffOrPlatformRead]
    filterset_fields = ["status"]

    def get_queryset(self):
        return joint_proposal_list_for_user(user=self.request.user).order_by("-id")

    def _decide(self, request, service):
        data = JointProposalDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = service(proposal=self.get_object(), by=request.user, reason=data.validated_data["reason"])
        return Response(JointProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data)

    @extend_schema(request=JointProposalDecisionSerializer, responses=JointProposalSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The consenting admin accepts: the merge takes effect (409 `joint_match_not_offered` if the
        match no longer holds, `invalid_state` if not pending)."""
        return self._decide(request, joint_proposal_services.joint_proposal_accept)

    @extend_schema(request=JointProposalDecisionSerializer, responses=JointProposalSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._decide(request, joint_proposal_services.joint_proposal_decline)

    @extend_schema(request=JointProposalDecisionSerializer, responses=JointProposalSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._decide(request, joint_proposal_services.joint_proposal_withdraw)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """邀约: non-inspection visits (行政指导, 调研, 培训 …) the enterprise invited or accepted."""

    serializer_class = InvitationSerializer
    permission_classes = [StaffOrPlatformRead]
    filterset_class = InvitationFilterSet

    def get_queryset(self):
        return invitation_list_for_user(user=self.request.user).order_by("-id")

    def _out(self, inv, code=status.HTTP_200_OK):
        inv = invitation_list_for_user(user=self.request.user).get(pk=inv.pk)
        return Response(InvitationSerializer(inv, context={"request": self.request}).data, status=code)

    @extend_schema(request=InvitationInSerializer, responses={201: InvitationSerializer})
    def create(self, request, *args, **kwargs):
        data = InvitationInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        agency = d.pop("agency", None) or request.user.agency
        if agency is None:
            raise ValidationFailed(detail={"agency": ["请指定邀约单位。"]})
        inv = invitation_services.invitation_create(by=request.user, agency=agency, **d)
        return self._out(inv, status.HTTP_201_CREATED)

    def _reason(self, request):
        data = InvitationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data["reason"]

    @extend_schema(request=InvitationReasonSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Record that the enterprise accepted (e.g. by phone); 409 `invalid_state` unless proposed."""
        return self._out(invitation_services.invitation_accept(invitation=self.get_object(), by=request.user,
                                                    reason=self._reason(request)))

    @extend_schema(request=InvitationReasonSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._out(invitation_services.invitation_decline(invitation=self.get_object(), by=request.user,
                                                     reason=self._reason(request)))

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """Register the visit: 409 `invitation_not_accepted` unless the enterprise invited or accepted."""
        return self._out(invitation_services.invitation_done(invitation=self.get_object(), by=request.user))


class RegistryPermission(BasePermission):
    """Read: staff and the platform with `read`. Write: reviewers and agency admins (services check
    the finer rules, e.g. only reviewers accept a checksum warning or move pools)."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return StaffOrPlatformRead().has_permission(request, view)
        return roles.is_reviewer(request.user) or roles.is_agency_admin(request.user)


class EnterpriseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """检查对象 addressed by 统一社会信用代码."""

    serializer_class = EnterpriseSerializer
    permission_classes = [RegistryPermission]
    filterset_class = EnterpriseFilterSet
    lookup_field = "uscc"
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return enterprise_selectors.enterprise_list().order_by("-id")

    def get_object(self):
        # GET /enterprises/<lowercase, full-width or pasted uscc>/ finds the firm POST registered.
        self.kwargs[self.lookup_field] = uscc_normalise(self.kwargs[self.lookup_field])
        return super().get_object()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = enterprises.enterprise_create(by=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        data.pop("accept_checksum_warning", None)
        serializer.instance = enterprises.enterprise_update(enterprise=serializer.instance, by=self.request.user,
                                                            reason=reason, **data)

    @extend_schema(request=PoolMoveSerializer, responses=EnterpriseSerializer,
                   summary="调整对象库（司法局审核员）")
    @action(detail=True, methods=["post"], permission_classes=[IsReviewer])
    def pool(self, request, uscc=None):
        enterprise = self.get_object()
        body = PoolMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        enterprise = pools.enterprise_pool_move(enterprise=enterprise, by=request.user, **body.validated_data)
        return Response(EnterpriseSerializer(enterprise).data)

    @extend_schema(responses=QuotaSerializer, summary="年度剩余检查额度",
                   parameters=[OpenApiParameter("year", int, description="年度，默认今年")])
    @action(detail=True, methods=["get"], permission_classes=[StaffOrPlatformRead])
    def quota(self, request, uscc=None):
        enterprise = self.get_object()
        raw = request.query_params.get("year") or str(timezone.localdate().year)
        if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
            from jiujiang_inspect.exceptions import ValidationFailed

            raise ValidationFailed(detail={"year": ["年度应为四位数字，例如 2025。"]})
        return Response(QuotaSerializer(enterprise_quota(enterprise=enterprise, year=int(raw))).data)


class CapPoliciesApi(APIView):
    """频次上限 per pool and the 频次规则: every staff member and the platform read; reviewers write,
    each changed field audited."""

    def get_permissions(self):
        return [IsReviewer()] if self.request.method not in SAFE_METHODS else [StaffOrPlatformRead()]

    def _payload(self):
        return CapPoliciesSerializer({"caps": CapPolicy.objects.order_by("pool"),
                                      "frequency": FrequencyPolicy.current()}).data

    @extend_schema(responses=CapPoliciesSerializer, summary="频次上限与规则")
    def get(self, request):
        return Response(self._payload())

    @extend_schema(request=CapPoliciesUpdateSerializer, responses=CapPoliciesSerializer, summary="修改频次上限与规则")
    def patch(self, request):
        body = CapPoliciesUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data.get("reason", "")
        if body.validated_data.get("caps"):
            caps.cap_policy_update(by=request.user, caps=body.validated_data["caps"], reason=reason)
        if body.validated_data.get("frequency"):
            caps.frequency_policy_update(by=request.user, reason=reason, **body.validated_data["frequency"])
        return Response(self._payload())


class PlanPermission(BasePermission):
    """Staff read (scoped by the selector) and write (the services decide who may do what); the
    platform reads filed and published plans with the `read` scope."""

    def has_permission(self, request, view):
        return StaffOrPlatformRead().has_permission(request, view)


class AnnualPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """年度检查计划 with its lifecycle actions: draw (双随机), submit, file, return, publish."""

    serializer_class = AnnualPlanSerializer
    permission_classes = [PlanPermission]
    filterset_class = AnnualPlanFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return plan_selectors.plan_list_for_user(user=self.request.user).order_by("-id")

    def _fresh(self, plan):
        return get_object_or_404(plan_selectors.plan_base(), pk=plan.pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = annual_plans.plan_create(by=self.request.user, **data)
        serializer.instance = self._fresh(plan)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = self.request.data.get("reason", "") if isinstance(self.request.data, dict) else ""
        plan = annual_plans.plan_update(plan=serializer.instance, by=self.request.user, reason=str(reason)[:500],
                                        **data)
        serializer.instance = self._fresh(plan)

    @extend_schema(request=PlanDrawSerializer, responses=AnnualPlanSerializer, summary="双随机抽取")
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        body = PlanDrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = draw.plan_draw(plan=self.get_object(), by=request.user, **body.validated_data)
        return Response(AnnualPlanSerializer(self._fresh(plan)).data)

    @extend_schema(request=None, responses=PlanSubmitResponseSerializer, summary="报送备案（牵头单位），返回提醒")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        plan, warnings = annual_plans.plan_submit(plan=self.get_object(), by=request.user)
        plan = self._fresh(plan)
        plan.warnings = warnings
        return Response(PlanSubmitResponseSerializer(plan).data)

    @extend_schema(request=PlanFileSerializer, responses=AnnualPlanSerializer, summary="备案（司法局审核员）")
    @action(detail=True, methods=["post"], url_path="file")
    def file_plan(self, request, pk=None):
        body = PlanFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = annual_plans.plan_file(plan=self.get_object(), by=request.user, **body.validated_data)
        return Response(AnnualPlanSerializer(self._fresh(plan)).data)

    @extend_schema(request=PlanReturnSerializer, responses=AnnualPlanSerializer, summary="退回（司法局审核员，须说明原因）")
    @action(detail=True, methods=["post"], url_path="return")
    def return_plan(self, request, pk=None):
        body = PlanReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = annual_plans.plan_return(plan=self.get_object(), by=request.user, **body.validated_data)
        return Response(AnnualPlanSerializer(self._fresh(plan)).data)

    @extend_schema(request=None, responses=AnnualPlanSerializer, summary="公布")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        plan = annual_plans.plan_publish(plan=self.get_object(), by=request.user)
        return Response(AnnualPlanSerializer(self._fresh(plan)).data, status=status.HTTP_200_OK)
