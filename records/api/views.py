"""The clinical timeline over the API: it reads intake, notes and homework."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.core.api.base import request_user
from notes.api.views import ClientChartView
from records import timeline
from records.api.serializers import TimelineSerializer


class TimelineView(ClientChartView):
    """A client's clinical story in date order: intake forms, notes with
    findings and addenda, pain ratings and Oswestry scores."""

    @extend_schema(responses=TimelineSerializer)
    def get(self, request: Request, client_id: int) -> Response:
        client = self.client(request, client_id)
        return Response(timeline.build(client=client, reader=request_user(request)))
