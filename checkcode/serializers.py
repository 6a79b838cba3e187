"""Shape of 检查码 data over the API. The public shape is the selector's `checkcode_public_view`."""
from django.urls import reverse
from rest_framework import serializers

from jiujiang_inspect.api import DateField, DateTimeField, ModelSerializer
from matters.models import NegativeListItem
from plans.models import Inspection

from . import qr
from .models import CheckCode, DocumentKind, Evidence, IssuedDocument


class CheckCodeIssuedSerializer(ModelSerializer):
    """201 body of POST /inspections/{id}/check-code/ (docs/api.md)."""

    qr_png_url = serializers.SerializerMethodField()
    qr_svg_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = CheckCode
        fields = ["code", "qr_png_url", "qr_svg_url", "verify_url", "valid_from", "valid_until", "status", "is_late",
                  "inspection"]
        read_only_fields = fields

    def _abs(self, name, code):
        from django.conf import settings

        return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(name, args=[code])

    def get_qr_png_url(self, obj) -> str:
        return self._abs("checkcode:qr_png", obj.code)

    def get_qr_svg_url(self, obj) -> str:
        return self._abs("checkcode:qr_svg", obj.code)

    def get_verify_url(self, obj) -> str:
        return qr.verify_url(obj.code)


class LateCodeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RectificationInSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField(max_length=500), allow_empty=False)
    deadline = DateField()


CHECKLIST_VERDICTS = [("pass", "符合"), ("fail", "不符合"), ("na", "不适用")]


class ChecklistInSerializer(serializers.Serializer):
    standard = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=CHECKLIST_VERDICTS)
    note = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class ResultInSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Inspection.Outcome.choices)
    findings = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    rectification = RectificationInSerializer(required=False, allow_null=True)
    checklist = ChecklistInSerializer(many=True, required=False, allow_null=True, default=None)
    signer_name = serializers.CharField(max_length=50, allow_blank=True, required=False, default="")
    signature_refused = serializers.BooleanField(required=False, default=False)
    signature_refused_note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class ChecklistItemSerializer(serializers.Serializer):
    """One 检查标准 as it read when the result was recorded, with its verdict."""

    matter = serializers.IntegerField()
    matter_code = serializers.CharField()
    matter_name = serializers.CharField()
    standard = serializers.IntegerField()
    item = serializers.CharField()
    criterion = serializers.CharField()
    verdict = serializers.ChoiceField(choices=CHECKLIST_VERDICTS)
    note = serializers.CharField()


class EvidenceSerializer(ModelSerializer):
    """A file attached to a result (docs/api.md `/evidence/{id}/file/`): `url` needs the same
    authorisation as the result; `sha256` is of the stored bytes (photos are re-encoded at upload)."""

    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "kind", "name", "content_type", "size", "sha256", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        from django.conf import settings

        return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("api_evidence_file", args=[obj.pk])


class ResultOutSerializer(serializers.Serializer):
    inspection = serializers.IntegerField(source="inspection_id")
    outcome = serializers.CharField()
    findings = serializers.CharField()
    recorded_at = DateTimeField()
    rectification = serializers.SerializerMethodField()
    checklist = ChecklistItemSerializer(many=True)
    evidence = EvidenceSerializer(many=True)
    signer_name = serializers.CharField()
    signature_refused = serializers.BooleanField()
    signature_refused_note = serializers.CharField()

    def get_rectification(self, obj) -> dict | None:
        rect = getattr(obj, "rectification", None) if hasattr(obj, "rectification") else None
        if rect is None:
            return None
        return {"id": rect.pk, "items": rect.items, "deadline": rect.deadline, "status": rect.status}


class EvaluationInSerializer(serializers.Serializer):
    uscc = serializers.CharField(max_length=64)
    rating = serializers.IntegerField(min_value=1, max_value=5)
    code_shown = serializers.BooleanField()
    notified_in_advance = serializers.BooleanField()
    negative_items = serializers.SlugRelatedField(many=True, slug_field="code", required=False, default=list,
                                                  queryset=NegativeListItem.objects.filter(is_active=True))
    comment = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class RectificationResponseSerializer(serializers.Serializer):
    uscc = serializers.CharField(max_length=64)
    response = serializers.CharField(max_length=5000)


class VerifySerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    new_deadline = DateField(required=False, allow_null=True)


class CheckCodeRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PublicCheckCodeSerializer(serializers.Serializer):
    """Documentation shape of the public view (the data is the selector's dict)."""

    code = serializers.CharField()
    verdict = serializers.ChoiceField(choices=["valid", "not_yet_valid", "finished", "expired", "revoked"])
    verdict_label = serializers.CharField()
    valid_now = serializers.BooleanField(help_text="true only for valid: inside the window, no result, not revoked")
    status = serializers.CharField()
    is_late = serializers.BooleanField()
    valid_from = DateTimeField()
    valid_until = DateTimeField()
    enterprise = serializers.DictField()
    inspection = serializers.DictField()
    participations = serializers.ListField(child=serializers.DictField())
    quota = serializers.DictField()
    result = serializers.DictField(allow_null=True)
    evaluation_submitted = serializers.BooleanField()


class CheckCodeListSerializer(ModelSerializer):
    """One row of GET /codes/ (staff scoped; reviewers and the platform all). Read from the list
    selector's select_related only: the query count does not grow with rows."""

    enterprise = serializers.CharField(source="inspection.enterprise.uscc")
    enterprise_name = serializers.CharField(source="inspection.enterprise.name")
    initiating_agency = serializers.CharField(source="inspection.initiating_agency.code")
    inspection_date = DateField(source="inspection.date")
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = CheckCode
        fields = ["code", "inspection", "inspection_date", "enterprise", "enterprise_name", "initiating_agency",
                  "status", "valid_from", "valid_until", "is_late", "late_reason", "issued_at", "first_shown_at",
                  "revoked_at", "revoked_reason", "verify_url", "updated_at"]
        read_only_fields = fields

    def get_verify_url(self, obj) -> str:
        return qr.verify_url(obj.code)


class IssuedDocumentSerializer(ModelSerializer):
    """One issued 行政检查文书 (docs/api.md `/inspections/{id}/documents/`). `pdf_url` needs the same
    authorisation as the list; `sha256` is the stored PDF's, so a client can prove what it was served."""

    pdf_url = serializers.SerializerMethodField()
    supersedes = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = IssuedDocument
        fields = ["id", "inspection", "kind", "title", "number", "version", "supersedes", "correction_reason",
                  "to_enterprise", "pdf_url", "sha256", "issued_at"]
        read_only_fields = fields

    def get_pdf_url(self, obj) -> str:
        from django.conf import settings

        return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("api_document_pdf", args=[obj.pk])


class DocumentIssueSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.Kind.choices)


class DocumentCorrectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
