"""检查码 over the API (docs/api.md): issue (and late-register) a code, record a result, the public
verification and evaluation endpoints, rectification response and 复查. Views call services only."""
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from jiujiang_inspect.api import local_times
from jiujiang_inspect.availability import FailOpenScopedRateThrottle
from jiujiang_inspect.clientip import client_ip
from jiujiang_inspect.exceptions import NotFoundError
from jiujiang_inspect.permissions import IsStaffUser, StaffOrPlatformRead
from jiujiang_inspect.uploads import stored_file_response
from plans.models import Inspection
from plans.selectors.inspections import inspection_for_action, inspection_list_for_user

from . import selectors, services
from .filters import CheckCodeFilterSet
from .models import Rectification
from .serializers import (
    CheckCodeIssuedSerializer,
    CheckCodeListSerializer,
    CheckCodeRevokeSerializer,
    DocumentCorrectSerializer,
    DocumentIssueSerializer,
    EvaluationInSerializer,
    EvidenceSerializer,
    IssuedDocumentSerializer,
    LateCodeSerializer,
    PublicCheckCodeSerializer,
    RectificationResponseSerializer,
    ResultInSerializer,
    ResultOutSerializer,
    VerifySerializer,
)


def _inspection(request, pk):
    return get_object_or_404(inspection_list_for_user(user=request.user), pk=pk)


def _inspection_to_act_on(request, pk):
    try:
        return inspection_for_action(user=request.user, pk=pk)
    except Inspection.DoesNotExist:
        raise Http404 from None


def _code(raw):
    code = selectors.checkcode_get_by_string(raw)
    if code is None:
        raise NotFoundError("无此检查码。", code="not_found")
    return code


class CheckCodeIssueApi(APIView):
    """POST /inspections/{id}/check-code/: runs every gate again under the enterprise lock; 201 with
    the code or 409 with the failing rule's code."""

    permission_classes = [IsStaffUser]

    @extend_schema(request=None, responses={201: CheckCodeIssuedSerializer})
    def post(self, request, pk):
        code = services.checkcode_issue(inspection=_inspection_to_act_on(request, pk), issued_by=request.user)
        return Response(CheckCodeIssuedSerializer(code).data, status=status.HTTP_201_CREATED)


class CheckCodeLateApi(APIView):
    """POST /inspections/{id}/late-code/ {"reason"}: 事后补码 within the policy's days (flagged late)."""

    permission_classes = [IsStaffUser]

    @extend_schema(request=LateCodeSerializer, responses={201: CheckCodeIssuedSerializer})
    def post(self, request, pk):
        data = LateCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = services.checkcode_issue_late(inspection=_inspection_to_act_on(request, pk), issued_by=request.user,
                                             reason=data.validated_data["reason"])
        return Response(CheckCodeIssuedSerializer(code).data, status=status.HTTP_201_CREATED)


class InspectionResultApi(APIView):
    """GET /inspections/{id}/result/: the result with its checklist and evidence (404 before one is
    recorded). POST: no_issue / rectification (items, deadline) / case_transferred, with the optional
    `checklist` of the matters' 检查标准 and the representative's 拒签. Evidence files go to
    `result/evidence/` (multipart) or the result page (docs/api.md)."""

    permission_classes = [IsStaffUser]

    @extend_schema(responses={200: ResultOutSerializer})
    def get(self, request, pk):
        try:
            result = selectors.result_get_for_user(user=request.user, inspection_pk=pk)
        except Inspection.DoesNotExist:
            result = None
        if result is None:
            raise NotFoundError("该检查尚未录入结果。")
        return Response(ResultOutSerializer(result).data)

    @extend_schema(request=ResultInSerializer, responses={201: ResultOutSerializer})
    def post(self, request, pk):
        data = ResultInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        rect = dict(d["rectification"]) if d.get("rectification") else None
        checklist = [dict(i) for i in d["checklist"]] if d.get("checklist") is not None else None
        result = services.result_record(inspection=_inspection(request, pk), by=request.user, outcome=d["outcome"],
                                        findings=d.get("findings", ""), rectification=rect, checklist=checklist,
                                        signer_name=d["signer_name"], signature_refused=d["signature_refused"],
                                        signature_refused_note=d["signature_refused_note"])
        return Response(ResultOutSerializer(result).data, status=status.HTTP_201_CREATED)


class EvidenceUploadSerializer(serializers.Serializer):
    """multipart/form-data: `photos` and `documents`, each part repeated for several files."""

    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)
    documents = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)


class InspectionEvidenceApi(APIView):
    """POST /inspections/{id}/result/evidence/: add photos and documents to a recorded result, e.g. from
    an app that uploads once the phone has signal again (`result_evidence_add`). Each file is checked by
    content (400 `upload_type` / `upload_size`); 409 `invalid_state` before the result is recorded."""

    permission_classes = [IsStaffUser]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer},
                   responses={201: EvidenceSerializer(many=True)})
    def post(self, request, pk):
        data = EvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        added = services.result_evidence_add(inspection=_inspection(request, pk), by=request.user,
                                             photos=data.validated_data.get("photos", ()),
                                             documents=data.validated_data.get("documents", ()))
        return Response(EvidenceSerializer(added, many=True).data, status=status.HTTP_201_CREATED)


class CheckCodePublicApi(APIView):
    """GET /check-codes/{code}/: anyone. Public fields only (names and certificate numbers, matters with
    legal basis, window, status, remaining quota); the view is logged like a scan."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [FailOpenScopedRateThrottle]
    throttle_scope = "public_verify"

    @extend_schema(responses=PublicCheckCodeSerializer, auth=[])
    def get(self, request, code):
        obj = _code(code)
        services.checkcode_scan_record(code=obj, user_agent=request.META.get("HTTP_USER_AGENT", ""),
                                       ip=client_ip(request))
        return Response(local_times(selectors.checkcode_public_view(obj)))


class EvaluationApi(APIView):
    """POST /check-codes/{code}/evaluation/: anyone holding the enterprise's uscc; once per code."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [FailOpenScopedRateThrottle]
    throttle_scope = "public_verify"

    @extend_schema(request=EvaluationInSerializer, responses={201: None}, auth=[])
    def post(self, request, code):
        obj = _code(code)
        data = EvaluationInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ev = services.evaluation_submit(code=obj, **data.validated_data)
        return Response(local_times({"id": ev.pk, "created_at": ev.created_at}), status=status.HTTP_201_CREATED)


class RectificationResponseApi(APIView):
    """POST /check-codes/{code}/rectification/ {"uscc", "response"}: the enterprise reports its 整改."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [FailOpenScopedRateThrottle]
    throttle_scope = "public_verify"

    @extend_schema(request=RectificationResponseSerializer, responses={200: None}, auth=[])
    def post(self, request, code):
        obj = _code(code)
        rect = Rectification.objects.filter(result__inspection=obj.inspection).first()
        if rect is None:
            raise NotFoundError("该检查没有整改要求。")
        data = RectificationResponseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rect = services.rectification_respond(rectification=rect, **data.validated_data)
        return Response({"id": rect.pk, "status": rect.status})


class CheckCodeRevokeApi(APIView):
    """POST /check-codes/{code}/revoke/ {"reason"}: before the window the slot is freed."""

    permission_classes = [IsStaffUser]

    @extend_schema(request=CheckCodeRevokeSerializer, responses=CheckCodeIssuedSerializer)
    def post(self, request, code):
        obj = get_object_or_404(selectors.checkcode_list_for_user(user=request.user), code=code)
        data = CheckCodeRevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        obj = services.checkcode_revoke(code=obj, by=request.user, reason=data.validated_data["reason"])
        return Response(CheckCodeIssuedSerializer(obj).data)


class RectificationVerifyApi(APIView):
    """POST /rectifications/{id}/verify/ {"passed", "note", "new_deadline"}: 复查 by the inspector."""

    permission_classes = [IsStaffUser]

    @extend_schema(request=VerifySerializer, responses={200: None})
    def post(self, request, pk):
        rect = get_object_or_404(selectors.rectification_list_for_user(user=request.user), pk=pk)
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rect = services.rectification_verify(rectification=rect, by=request.user, **data.validated_data)
        return Response({"id": rect.pk, "status": rect.status, "deadline": rect.deadline})


class CheckCodeListApi(generics.ListAPIView):
    """GET /codes/: the staff list of 检查码 (own agency's inspections; reviewers and the platform with
    `read` see all). Filters `status`, `is_late`, `agency`, `enterprise`, `updated_since`; cursor pages.
    A separate path from the public `/check-codes/{code}/` so neither shadows the other."""

    serializer_class = CheckCodeListSerializer
    permission_classes = [StaffOrPlatformRead]
    filterset_class = CheckCodeFilterSet

    def get_queryset(self):
        return selectors.checkcode_list_for_user(user=self.request.user).order_by("-id")


class _IgnoreAccept(BaseContentNegotiation):
    """The PDF download answers a file whatever the client's Accept header says (and errors as JSON)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class InspectionDocumentListApi(generics.ListCreateAPIView):
    """GET /inspections/{id}/documents/: the issued 行政检查文书 of an inspection the user may see (staff of
    a participating agency, reviewers), every version, newest first. POST {"kind"}: issue one (201), or
    answer the one already issued (200, unchanged); 409 `document_not_available` when the data the kind
    prints does not exist yet; 403 for anyone but a participating agency's staff (docs/documents.md)."""

    serializer_class = IssuedDocumentSerializer
    permission_classes = [IsStaffUser]
    filter_backends = []

    def get_queryset(self):
        return selectors.document_list_for_inspection(inspection=_inspection(self.request, self.kwargs["pk"]))

    @extend_schema(request=DocumentIssueSerializer,
                   responses={201: IssuedDocumentSerializer, 200: IssuedDocumentSerializer})
    def post(self, request, pk):
        insp = _inspection(request, pk)
        data = DocumentIssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        doc, created = services.document_issue(inspection=insp, kind=data.validated_data["kind"], by=request.user)
        return Response(IssuedDocumentSerializer(doc).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class IssuedDocumentCorrectApi(APIView):
    """POST /documents/{id}/correct/ {"reason"}: 更正, a new version under the same number (201)."""

    permission_classes = [IsStaffUser]

    @extend_schema(request=DocumentCorrectSerializer, responses={201: IssuedDocumentSerializer})
    def post(self, request, pk):
        doc = _document(request, pk)
        data = DocumentCorrectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new = services.document_correct(document=doc, by=request.user, reason=data.validated_data["reason"])
        return Response(IssuedDocumentSerializer(new).data, status=status.HTTP_201_CREATED)


class IssuedDocumentPdfApi(APIView):
    """GET /documents/{id}/pdf/: the PDF exactly as issued (its SHA-256 is in the list)."""

    permission_classes = [IsStaffUser]
    content_negotiation_class = _IgnoreAccept

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        doc = _document(request, pk)
        return FileResponse(doc.pdf.open("rb"), content_type="application/pdf", filename=f"{doc.number}.pdf")


def _document(request, pk):
    doc = selectors.document_get_for_user(user=request.user, pk=pk)
    if doc is None:
        raise NotFoundError("未找到该文书。")
    return doc


class EvidenceFileApi(APIView):
    """GET /evidence/{id}/file/: one evidence file of a result the caller may see (its SHA-256 is in
    the result's `evidence`)."""

    permission_classes = [IsStaffUser]
    content_negotiation_class = _IgnoreAccept

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        evidence = selectors.evidence_list_for_user(user=request.user).filter(pk=pk).first()
        if evidence is None:
            raise NotFoundError("未找到该文件。")
        return stored_file_response(evidence)
