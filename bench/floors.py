"""Floors: the cheapest endpoint that answers the same request on the same stack (gunicorn, Django
middleware, DRF, Bearer-token authentication, the staff permission, the Redis throttle), each doing ONE
SQL statement. A scenario's ratio is its throughput or latency against its floor, measured in the same
run, interleaved."""
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView

from jiujiang_inspect.api import parse_updated_since
from plans.models import Inspection, Participation


class FloorWriteApi(APIView):
    """S1's floor: one UPDATE of the inspection row (what issuing a code must at least write)."""

    schema = None

    def post(self, request, pk):
        n = Inspection.objects.filter(pk=pk).update(updated_at=timezone.now())
        return Response({"updated": n}, status=201)


class FloorInspectionListApi(APIView):
    """S4's floor: one SELECT of the page the list would show (same filters and ordering, flat
    columns, no count, no nesting)."""

    schema = None
    PAGE = 50

    def get(self, request):
        qs = Inspection.objects.order_by("-id")
        p = request.query_params
        if p.get("status"):
            qs = qs.filter(status=p["status"])
        if p.get("agency"):
            qs = qs.filter(Exists(Participation.objects.filter(inspection=OuterRef("pk"), agency__code=p["agency"])))
        if p.get("updated_since"):
            qs = qs.filter(updated_at__gte=parse_updated_since(p["updated_since"]))  # as the API reads it
        if p.get("before"):
            qs = qs.filter(id__lt=int(p["before"]))
        rows = list(qs.values("id", "date", "kind", "mode", "status", "outcome", "updated_at",
                              uscc=F("enterprise__uscc"), enterprise_name=F("enterprise__name"))[:self.PAGE])
        return Response({"results": rows})
