"""Thin views of session notes. Only therapists (the clients they treat) and
the owner reach any of this; every read and write is audited."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.core.api.base import ScopedQuerysetMixin, request_user
from clinic.core.api.permissions import RolePolicy
from clinic.core.audit import record_audit_many
from clinic.core.errors import InvalidInput
from clinic.core.models import AuditAction, Client, Role
from clinic.core.selectors import list_clients_for
from intake import selectors as intake_selectors
from notes import clinical_charts, selectors, services
from notes.api import serializers as s
from notes.models import MuscleFinding, NoteTemplate, ProblemEntry, SessionNote, TugOfWar
from scheduling.selectors import list_appointments_for

READERS = frozenset({Role.THERAPIST, Role.OWNER})
WRITERS = frozenset({Role.THERAPIST})


class NoteViewSet(
    ScopedQuerysetMixin[SessionNote],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[SessionNote],
):
    """SOAP notes with muscle findings. The author edits a draft; signing locks
    it; corrections are addenda."""

    model = SessionNote
    permission_classes = [RolePolicy]
    roles = {
        "read": READERS,
        "create": WRITERS,
        "partial_update": WRITERS,
        "findings": WRITERS,
        "finding": WRITERS,
        "links": WRITERS,
        "tests": WRITERS,
        "accept_suggestion": WRITERS,
        "sign": WRITERS,
        "addenda": READERS,
        "verify": READERS,
        "body_chart": READERS,
    }
    serializer_class = s.NoteSerializer
    filterset_fields = ["client", "status", "kind", "therapist"]
    ordering_fields = ["seen_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self, user: Any) -> QuerySet[SessionNote]:
        return selectors.with_note_details(selectors.list_notes_for(user))

    def _fresh(self, note: SessionNote, code: int = status.HTTP_200_OK) -> Response:
        note = self.get_queryset().get(pk=note.pk)
        return Response(s.NoteSerializer(note).data, status=code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None
        if page:
            record_audit_many(
                actor=request_user(request),
                action=AuditAction.READ,
                objects=list(page),
                client_of=lambda note: note.client_id,
            )
        return self.get_paginated_response(s.NoteSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        note = self.get_object()
        services.record_note_read(note=note, read_by=request_user(request))
        return Response(s.NoteSerializer(note).data)

    @extend_schema(request=s.NoteCreateSerializer, responses={201: s.NoteSerializer})
    def create(self, request: Request) -> Response:
        user = request_user(request)
        data = s.NoteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        client = list_clients_for(user).filter(pk=v["client"]).first()
        if client is None:
            raise InvalidInput(fields={"client": ["No such client of yours."]})
        appointment = None
        if v.get("appointment"):
            appointment = list_appointments_for(user).filter(pk=v["appointment"]).first()
            if appointment is None:
                raise InvalidInput(fields={"appointment": ["No such appointment of yours."]})
        note = services.start_note(
            client=client,
            written_by=user,
            appointment=appointment,
            kind=v["kind"],
            seen_at=v.get("seen_at"),
        )
        return self._fresh(note, status.HTTP_201_CREATED)

    @extend_schema(request=s.NoteUpdateSerializer, responses=s.NoteSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        data = s.NoteUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        note = services.update_note(
            note=self.get_object(), changed_by=request_user(request), **data.validated_data
        )
        return self._fresh(note)

    @extend_schema(request=s.FindingInputSerializer, responses={201: s.FindingSerializer})
    @action(detail=True, methods=["post"])
    def findings(self, request: Request, pk: str | None = None) -> Response:
        data = s.FindingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = services.add_finding(
            note=self.get_object(), added_by=request_user(request), **data.validated_data
        )
        return Response(s.FindingSerializer(finding).data, status=status.HTTP_201_CREATED)

    def _finding(self, note: SessionNote, finding_id: int) -> MuscleFinding:
        finding = MuscleFinding.objects.filter(note=note, pk=finding_id).first()
        if finding is None:
            raise Http404
        return finding

    @extend_schema(request=s.FindingUpdateSerializer, responses=s.FindingSerializer)
    @action(detail=True, methods=["patch", "delete"], url_path=r"findings/(?P<finding_id>\d+)")
    def finding(self, request: Request, pk: str | None = None, finding_id: str = "") -> Response:
        finding = self._finding(self.get_object(), int(finding_id))
        if request.method == "DELETE":
            services.remove_finding(finding=finding, removed_by=request_user(request))
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = s.FindingUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        finding = services.update_finding(
            finding=finding, changed_by=request_user(request), **data.validated_data
        )
        return Response(s.FindingSerializer(finding).data)

    @extend_schema(methods=["POST"], request=s.LinkSerializer, responses={201: s.LinkSerializer})
    @extend_schema(methods=["DELETE"], request=s.LinkSerializer, responses={204: None})
    @action(detail=True, methods=["post", "delete"])
    def links(self, request: Request, pk: str | None = None) -> Response:
        note = self.get_object()
        data = s.LinkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        culprit = self._finding(note, data.validated_data["culprit"])
        victim = self._finding(note, data.validated_data["victim"])
        if request.method == "DELETE":
            link = TugOfWar.objects.filter(culprit=culprit, victim=victim).first()
            if link is None:
                raise Http404
            services.unlink_tug_of_war(link=link, unlinked_by=request_user(request))
            return Response(status=status.HTTP_204_NO_CONTENT)
        services.link_tug_of_war(
            note=note, linked_by=request_user(request), culprit=culprit, victim=victim
        )
        return Response(
            {"culprit": culprit.pk, "victim": victim.pk}, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.TestInputSerializer, responses={201: s.TestSerializer})
    @action(detail=True, methods=["post"])
    def tests(self, request: Request, pk: str | None = None) -> Response:
        data = s.TestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        test = services.add_test(
            note=self.get_object(), added_by=request_user(request), **data.validated_data
        )
        return Response(s.TestSerializer(test).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SuggestionAcceptSerializer, responses={201: s.FindingSerializer})
    @action(detail=True, methods=["post"], url_path="accept-suggestion")
    def accept_suggestion(self, request: Request, pk: str | None = None) -> Response:
        note = self.get_object()
        data = s.SuggestionAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        suggestion = intake_selectors.get_suggestion_for_client(
            suggestion_id=data.validated_data["suggestion"], client=note.client
        )
        if suggestion is None:
            raise InvalidInput(fields={"suggestion": ["No such suggestion for this client."]})
        created = services.accept_suggestion(
            note=note, accepted_by=request_user(request), suggestion=suggestion
        )
        return Response(
            s.FindingSerializer(created, many=True).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses=s.NoteSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        note = services.sign_note(note=self.get_object(), signed_by=request_user(request))
        return self._fresh(note)

    @extend_schema(request=s.AddendumInputSerializer, responses={201: s.AddendumSerializer})
    @action(detail=True, methods=["post"])
    def addenda(self, request: Request, pk: str | None = None) -> Response:
        data = s.AddendumInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        addendum = services.add_addendum(
            note=self.get_object(),
            written_by=request_user(request),
            text=data.validated_data["text"],
        )
        return Response(s.AddendumSerializer(addendum).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.IntegritySerializer)
    @action(detail=True, methods=["get"])
    def verify(self, request: Request, pk: str | None = None) -> Response:
        note = self.get_object()
        services.record_note_read(note=note, read_by=request_user(request), via="integrity check")
        result = services.verify_note_integrity(note)
        return Response({"ok": result.ok, "stored": result.stored, "computed": result.computed})

    @extend_schema(responses={(200, "image/svg+xml"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"], url_path="body-chart")
    def body_chart(self, request: Request, pk: str | None = None) -> HttpResponse:
        note = self.get_object()
        services.record_note_read(note=note, read_by=request_user(request), via="body chart")
        return _svg(clinical_charts.note_body_chart(note))


def _svg(body: str) -> HttpResponse:
    return HttpResponse(body, content_type="image/svg+xml; charset=utf-8")


class ClientChartView(APIView):
    permission_classes = [RolePolicy]
    roles = {"GET": READERS}

    def client(self, request: Request, client_id: int) -> Client:
        client = (
            list_clients_for(request_user(request), include_archived=True)
            .filter(pk=client_id)
            .first()
        )
        if client is None:
            raise Http404
        return client


class ClientBodyChartView(ClientChartView):
    """Culprits and victims over the client's last N signed visits (default 5)."""

    @extend_schema(
        parameters=[OpenApiParameter("visits", int, description="How many recent notes.")],
        responses={(200, "image/svg+xml"): OpenApiTypes.STR},
    )
    def get(self, request: Request, client_id: int) -> HttpResponse:
        client = self.client(request, client_id)
        try:
            visits = int(request.query_params.get("visits", 5))
        except ValueError as exc:
            raise InvalidInput(fields={"visits": ["Give a whole number."]}) from exc
        if not 1 <= visits <= 100:
            raise InvalidInput(fields={"visits": ["Between 1 and 100."]})
        services.record_chart_read(client=client, read_by=request_user(request), via="body chart")
        return _svg(
            clinical_charts.client_body_chart(
                client=client, reader=request_user(request), visits=visits
            )
        )


class PainTrendView(ClientChartView):
    """The client's pain ratings over time, with their signed visits marked."""

    @extend_schema(responses={(200, "image/svg+xml"): OpenApiTypes.STR})
    def get(self, request: Request, client_id: int) -> HttpResponse:
        client = self.client(request, client_id)
        services.record_chart_read(client=client, read_by=request_user(request), via="pain trend")
        return _svg(clinical_charts.pain_trend(client=client))


class CulpritHistoryView(ClientChartView):
    """Each culprit muscle and side: the visits it was found at and its tension."""

    @extend_schema(responses=s.CulpritHistorySerializer(many=True))
    def get(self, request: Request, client_id: int) -> Response:
        client = self.client(request, client_id)
        services.record_chart_read(
            client=client, read_by=request_user(request), via="culprit history"
        )
        history = selectors.list_culprit_history(client)
        return Response(s.CulpritHistorySerializer(history, many=True).data)


class ClientProblemsView(ClientChartView):
    """The client's problem list: culprit and victim muscles still open
    (suspected or confirmed) until a therapist resolves them."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=list(selectors.PROBLEM_FILTERS),
                description="active (suspected and confirmed, the default), one status, or all.",
            )
        ],
        responses=s.ProblemSerializer(many=True),
    )
    def get(self, request: Request, client_id: int) -> Response:
        client = self.client(request, client_id)
        wanted = s.ProblemFilterSerializer(data=request.query_params)
        wanted.is_valid(raise_exception=True)
        services.record_chart_read(client=client, read_by=request_user(request), via="problem list")
        entries = selectors.list_client_problems(client, status=wanted.validated_data["status"])
        return Response(s.ProblemSerializer(entries, many=True).data)


class ProblemViewSet(ScopedQuerysetMixin[ProblemEntry], viewsets.GenericViewSet[ProblemEntry]):
    """Changing one entry of a client's problem list: its therapist or the
    owner confirms it, or resolves it (it then stops warning homework)."""

    model = ProblemEntry
    permission_classes = [RolePolicy]
    roles = {"resolve": READERS, "confirm": READERS}
    serializer_class = s.ProblemSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    def scoped_queryset(self, user: Any) -> QuerySet[ProblemEntry]:
        return selectors.list_problems_for(user)

    @extend_schema(request=s.ProblemResolveSerializer, responses=s.ProblemSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        data = s.ProblemResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.resolve_problem(
            entry=self.get_object(),
            resolved_by=request_user(request),
            reason=data.validated_data["reason"],
        )
        return Response(s.ProblemSerializer(entry).data)

    @extend_schema(request=None, responses=s.ProblemSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        entry = services.confirm_problem(
            entry=self.get_object(), confirmed_by=request_user(request)
        )
        return Response(s.ProblemSerializer(entry).data)


class TemplateViewSet(
    ScopedQuerysetMixin[NoteTemplate], viewsets.ReadOnlyModelViewSet[NoteTemplate]
):
    """The clinic's quick phrases for notes."""

    model = NoteTemplate
    permission_classes = [RolePolicy]
    roles = {"read": READERS}
    serializer_class = s.TemplateSerializer
    filterset_fields = ["section"]

    def scoped_queryset(self, user: Any) -> QuerySet[NoteTemplate]:
        return selectors.list_templates_for(user)
