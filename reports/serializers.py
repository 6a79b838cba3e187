from rest_framework import serializers

from guidance.models import TypicalCase
from jiujiang_inspect.api import ModelSerializer

from .models import Report


class ReportSerializer(ModelSerializer):
    typical_cases = serializers.PrimaryKeyRelatedField(
        queryset=TypicalCase.objects.filter(status=TypicalCase.Status.PUBLISHED), many=True, required=False)
    job = serializers.PrimaryKeyRelatedField(read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "title", "period_start", "period_end", "version", "status", "progress", "typical_cases", "note",
                  "job", "requested_at", "generated_at", "figures"]
        read_only_fields = ["id", "version", "status", "requested_at", "generated_at", "figures"]
        extra_kwargs = {"title": {"required": False, "allow_blank": True}}

    def get_progress(self, obj) -> int:
        return 100 if obj.status == Report.Status.DONE else (obj.job.percent if obj.job else 0)



class ReportListSerializer(ReportSerializer):
    """A report in the list: without `figures` (lists stay light; the snapshot is on the detail)."""

    class Meta(ReportSerializer.Meta):
        fields = [name for name in ReportSerializer.Meta.fields if name != "figures"]
