"""Legal bases, matters (+ submit/file/reject/publish/cancel), industries and joint matter lists over
the API (docs/api.md). Views shape input and call one service; rules live in the services."""
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from jiujiang_inspect import roles
from jiujiang_inspect.api import CodeLookupMixin
from jiujiang_inspect.permissions import _scope_ok

from . import selectors, services
from .filters import IndustryFilterSet, JointMatterListFilterSet, LegalBasisFilterSet, MatterFilterSet
from .serializers import (
    CatalogueSubmitSerializer,
    IndustrySerializer,
    JointMatterListSerializer,
    LegalBasisSerializer,
    MatterFileSerializer,
    MatterReasonSerializer,
    MatterSerializer,
)


class StaffWritesPlatformReads(BasePermission):
    """Staff read and write (the services decide which writes); the platform reads with `read`."""

    def has_permission(self, request, view):
        if roles.is_staff_member(request.user):
            return True
        return (roles.is_platform(request.user) and request.method in SAFE_METHODS
                and _scope_ok(request, "read"))


class _Base(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [StaffWritesPlatformReads]
    http_method_names = ["get", "post", "patch", "head", "options"]


class LegalBasisViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, _Base):
    """法定依据. Reviewers and agency admins register; reviewers edit. Setting `status` to amended or
    repealed flags every matter relying on it 需调整."""

    serializer_class = LegalBasisSerializer
    filterset_class = LegalBasisFilterSet

    def get_queryset(self):
        return selectors.legal_basis_list().order_by("-id")

    def perform_create(self, serializer):
        serializer.instance = services.legal_basis_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.legal_basis_update(basis=serializer.instance, by=self.request.user,
                                                          reason=str(self.request.data.get("reason", ""))[:2000],
                                                          **serializer.validated_data)


class IndustryViewSet(CodeLookupMixin, _Base):
    """GB/T 4754-2017 行业 (门类 letter, 大类/中类/小类 2/3/4 digits); `is_key` marks 重点行业."""

    serializer_class = IndustrySerializer
    filterset_class = IndustryFilterSet
    lookup_field = "code"

    def get_queryset(self):
        return selectors.industry_list().order_by("code")


def _matter_input(data: dict) -> dict:
    data = dict(data)
    data.pop("agency", None)
    data.pop("code", None)
    return data


class MatterViewSet(CodeLookupMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, _Base):
    """检查事项 by `code`. Agency staff see their own agency's catalogue and every published matter;
    reviewers see all. Lifecycle actions: submit, file (reviewer), reject (reviewer), publish, cancel."""

    serializer_class = MatterSerializer
    filterset_class = MatterFilterSet
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        qs = selectors.matter_with_details(selectors.matter_list_for_user(user=self.request.user))
        return qs.order_by("-id")

    def perform_create(self, serializer):
        data = serializer.validated_data
        agency = data.get("agency") or getattr(self.request.user, "agency", None)
        if agency is None:
            raise ValidationError({"agency": ["请指定实施主体。"]})
        serializer.instance = services.matter_create(by=self.request.user, agency=agency, code=data["code"],
                                                     **_matter_input(data))

    def perform_update(self, serializer):
        data = serializer.validated_data
        matter = serializer.instance
        for key in ("code", "agency"):
            if key in data and data[key] != getattr(matter, key):
                raise ValidationError({key: ["事项编码和实施主体不能修改；如需变更请取消后重新登记。"]})
        matter = services.matter_update(matter=matter, by=self.request.user,
                                        reason=str(self.request.data.get("reason", ""))[:2000],
                                        **_matter_input(data))
        serializer.instance = self.get_queryset().get(pk=matter.pk)

    def _respond(self, matter):
        return Response(self.get_serializer(self.get_queryset().get(pk=matter.pk)).data)

    @extend_schema(request=None, responses=MatterSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, code=None):
        """Submit a draft or rejected matter to 区司法局 for 备案."""
        return self._respond(services.matter_submit(matter=self.get_object(), by=request.user))

    @extend_schema(request=MatterFileSerializer, responses=MatterSerializer)
    @action(detail=True, methods=["post"])
    def file(self, request, code=None):
        """区司法局 files (备案) a submitted matter."""
        s = MatterFileSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._respond(services.matter_file(matter=self.get_object(), by=request.user, **s.validated_data))

    @extend_schema(request=MatterReasonSerializer, responses=MatterSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, code=None):
        """区司法局 returns a submitted matter with a reason."""
        s = MatterReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._respond(services.matter_reject(matter=self.get_object(), by=request.user, **s.validated_data))

    @extend_schema(request=None, responses=MatterSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, code=None):
        """Publish a filed matter (it may then be inspected and is in the public catalogue)."""
        return self._respond(services.matter_publish(matter=self.get_object(), by=request.user))

    @extend_schema(request=MatterReasonSerializer, responses=MatterSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, code=None):
        """Cancel a matter with a reason."""
        s = MatterReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._respond(services.matter_cancel(matter=self.get_object(), by=request.user, **s.validated_data))

    @extend_schema(request=CatalogueSubmitSerializer, responses={200: MatterSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="submit-catalogue", pagination_class=None, filterset_class=None)
    def submit_catalogue(self, request):
        """Submit every draft or rejected matter of an agency (default: the caller's) at once."""
        s = CatalogueSubmitSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        agency = s.validated_data.get("agency") or getattr(request.user, "agency", None)
        if agency is None:
            raise ValidationError({"agency": ["请指定实施主体。"]})
        matters = services.catalogue_submit(agency=agency, by=request.user)
        qs = self.get_queryset().filter(pk__in=[m.pk for m in matters])
        return Response(self.get_serializer(qs, many=True).data)


class JointMatterListViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, _Base):
    """综合查一次 联查事项清单. Drafts are edited; `publish/` supersedes the previous published version;
    `new-version/` starts a draft copying it. `warnings` carries advice (e.g. more than 3 agencies)."""

    serializer_class = JointMatterListSerializer
    filterset_class = JointMatterListFilterSet

    def get_queryset(self):
        qs = selectors.joint_list_list_for_user(user=self.request.user)
        return qs.order_by("-id")

    def _fresh(self, jl):
        return self.get_queryset().get(pk=jl.pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        industry = data.pop("industry")
        jl, _warnings = services.joint_list_create(by=self.request.user, industry=industry, **data)
        serializer.instance = self._fresh(jl)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "industry" in data and data.pop("industry") != serializer.instance.industry:
            raise ValidationError({"industry": ["清单的行业不能修改。"]})
        jl, _warnings = services.joint_list_update(joint_list=serializer.instance, by=self.request.user, **data)
        serializer.instance = self._fresh(jl)

    @extend_schema(request=None, responses=JointMatterListSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        jl = services.joint_list_publish(joint_list=self.get_object(), by=request.user)
        return Response(self.get_serializer(self._fresh(jl)).data)

    @extend_schema(request=None, responses={201: JointMatterListSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        jl, _warnings = services.joint_list_new_version(joint_list=self.get_object(), by=request.user)
        return Response(self.get_serializer(self._fresh(jl)).data, status=201)


