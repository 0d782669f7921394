"""Thin views of the intake API."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.core.api.base import ScopedQuerysetMixin, request_user
from clinic.core.api.parsers import MultiPartParser
from clinic.core.api.permissions import ALL_ROLES, STAFF, RolePolicy
from clinic.core.audit import record_audit_many
from clinic.core.errors import InvalidInput
from clinic.core.models import AuditAction, Client, Role
from clinic.core.selectors import list_clients_for
from intake import selectors, services
from intake.api import serializers as s
from intake.models import ClientDocument, Submission


def _serializer_for(role: str) -> Any:
    if role == Role.FRONT_DESK:
        return s.SubmissionBadgeSerializer
    if role in (Role.THERAPIST, Role.OWNER):
        return s.TherapistSubmissionSerializer
    return s.SubmissionSerializer


@extend_schema_view(
    list=extend_schema(responses=s.TherapistSubmissionSerializer(many=True)),
    retrieve=extend_schema(responses=s.TherapistSubmissionSerializer),
)
class SubmissionViewSet(ScopedQuerysetMixin[Submission], viewsets.ReadOnlyModelViewSet[Submission]):
    """Completed forms. Therapists and the owner read the answers and the rule
    suggestions; the front desk sees completion and the red-flag badge only;
    a client reads their own. Every read by staff is audited."""

    model = Submission
    permission_classes = [RolePolicy]
    roles = {"read": ALL_ROLES}
    filterset_fields = ["client", "referral_flag", "questionnaire__kind"]
    ordering_fields = ["submitted_at"]

    def scoped_queryset(self, user: Any) -> QuerySet[Submission]:
        qs = selectors.list_submissions_for(user)
        if user.role in (Role.THERAPIST, Role.OWNER, Role.CLIENT):
            qs = qs.prefetch_related("questionnaire__questions")
        if user.role in (Role.THERAPIST, Role.OWNER):
            qs = qs.prefetch_related("suggestions__muscle", "suggestions__rule")
        return qs

    def get_serializer_class(self) -> Any:
        return _serializer_for(getattr(self.request.user, "role", ""))

    def _audit(self, submissions: Sequence[Submission]) -> None:
        user = request_user(self.request)
        if user.role != Role.CLIENT and submissions:
            record_audit_many(
                actor=user,
                action=AuditAction.READ,
                objects=list(submissions),
                client_of=lambda sub: sub.client_id,
            )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None
        self._audit(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        submission = self.get_object()
        self._audit([submission])
        return Response(self.get_serializer(submission).data)


def _client_for(request: Request, client_id: int) -> Client:
    client = list_clients_for(request_user(request)).filter(pk=client_id).first()
    if client is None:
        raise Http404
    return client


class SendLinkView(APIView):
    """Send (or send again) an intake or Oswestry link to a client, through the outbox."""

    permission_classes = [RolePolicy]
    roles = {"POST": STAFF}

    @extend_schema(request=s.SendLinkSerializer, responses={201: s.InvitationSerializer})
    def post(self, request: Request, client_id: int) -> Response:
        client = _client_for(request, client_id)
        data = s.SendLinkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        corrects = None
        if "corrects" in data.validated_data:
            corrects = (
                selectors.list_submissions_for(request_user(request))
                .filter(pk=data.validated_data["corrects"], client=client)
                .first()
            )
            if corrects is None:
                raise InvalidInput(fields={"corrects": ["No such submission for this client."]})
        invitation = services.send_intake_link(
            client=client,
            sent_by=request_user(request),
            kind=data.validated_data["kind"],
            corrects=corrects,
        )
        return Response(
            {
                "id": invitation.pk,
                "kind": invitation.questionnaire.kind,
                "expires_at": invitation.expires_at,
            },
            status=status.HTTP_201_CREATED,
        )


class OutcomesView(APIView):
    """A client's pain ratings (0-10) and Oswestry scores over time."""

    permission_classes = [RolePolicy]
    roles = {"GET": {Role.THERAPIST, Role.OWNER, Role.CLIENT}}

    @extend_schema(responses=s.OutcomesSerializer)
    def get(self, request: Request, client_id: int) -> Response:
        client = _client_for(request, client_id)
        services.record_outcomes_read(client=client, read_by=request_user(request))
        return Response(
            {
                "pain": s.PainPointSerializer(selectors.list_pain_ratings(client), many=True).data,
                "odi": s.OdiPointSerializer(selectors.list_odi_submissions(client), many=True).data,
            }
        )


# --- clearance ----------------------------------------------------------------------------------

CLINICAL_READERS = frozenset({Role.OWNER, Role.THERAPIST})


def _clearance_body(client: Client, *, full: bool) -> dict[str, Any]:
    state = selectors.get_clearance_state(client)
    body: dict[str, Any] = {"client": client.pk, "state": state.state, "since": state.since}
    if full:
        history = list(selectors.list_clearances_of_client(client))
        body["current"] = (
            s.ClearanceRecordSerializer(state.record).data if state.record is not None else None
        )
        body["history"] = s.ClearanceRecordSerializer(history, many=True).data
    return body


class ClearanceView(APIView):
    """A client's red-flag clearance: referred to a doctor and not yet cleared,
    or seen by a doctor and cleared. Staff read the state (the front desk
    nothing more); therapists and the owner read the history and record a
    clearance or a new referral. Every read is audited."""

    permission_classes = [RolePolicy]
    roles = {"GET": STAFF, "POST": CLINICAL_READERS}

    @extend_schema(responses=s.ClearanceSerializer)
    def get(self, request: Request, client_id: int) -> Response:
        client = _client_for(request, client_id)
        user = request_user(request)
        services.record_clearance_read(client=client, read_by=user)
        return Response(_clearance_body(client, full=user.role in CLINICAL_READERS))

    @extend_schema(request=s.ClearanceInputSerializer, responses={201: s.ClearanceSerializer})
    def post(self, request: Request, client_id: int) -> Response:
        client = _client_for(request, client_id)
        data = s.ClearanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        document = None
        if v["document"] is not None:
            document = selectors.get_document_of_client(document_id=v["document"], client=client)
            if document is None:
                raise InvalidInput(
                    fields={"document": ["No such document on this client's record."]}
                )
        services.record_clearance(
            client=client,
            recorded_by=request_user(request),
            status=v["status"],
            clinician_name=v["clinician_name"],
            cleared_on=v["cleared_on"],
            note=v["note"],
            document=document,
        )
        return Response(_clearance_body(client, full=True), status=status.HTTP_201_CREATED)


# --- documents ----------------------------------------------------------------------------------


class ClientDocumentsView(APIView):
    """Letters and reports on a client's record. Staff upload (the front desk
    may hand in a letter a client brought); only therapists and the owner list
    them, and each listing is audited."""

    permission_classes = [RolePolicy]
    roles = {"GET": CLINICAL_READERS, "POST": STAFF}
    parser_classes = [MultiPartParser]

    @extend_schema(responses=s.DocumentSerializer(many=True))
    def get(self, request: Request, client_id: int) -> Response:
        client = _client_for(request, client_id)
        user = request_user(request)
        documents = list(selectors.list_documents_for(user).filter(client=client))
        services.record_document_reads(client=client, documents=documents, read_by=user, via="list")
        return Response(s.DocumentSerializer(documents, many=True).data)

    @extend_schema(
        request={"multipart/form-data": s.DocumentUploadSerializer},
        responses={201: s.DocumentSerializer},
    )
    def post(self, request: Request, client_id: int) -> Response:
        client = _client_for(request, client_id)
        data = s.DocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        document = services.upload_document(
            client=client,
            uploaded_by=request_user(request),
            kind=v["kind"],
            title=v["title"],
            upload=v["file"],
        )
        return Response(s.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class FileContentNegotiation(DefaultContentNegotiation):
    """A download answers with the file's own type whatever the Accept header
    says (errors still in the API's JSON shape)."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
}


class DocumentViewSet(
    ScopedQuerysetMixin[ClientDocument],
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[ClientDocument],
):
    """One document's details, and its content as a download (never from a
    public address). Therapists of the client and the owner; each read audited."""

    model = ClientDocument
    permission_classes = [RolePolicy]
    roles = {"retrieve": CLINICAL_READERS, "download": CLINICAL_READERS}
    serializer_class = s.DocumentSerializer

    def scoped_queryset(self, user: Any) -> QuerySet[ClientDocument]:
        return selectors.list_documents_for(user).select_related("client")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document = self.get_object()
        services.record_document_reads(
            client=document.client,
            documents=[document],
            read_by=request_user(request),
            via="details",
        )
        return Response(self.get_serializer(document).data)

    @extend_schema(
        responses={
            (200, media_type): OpenApiResponse(
                OpenApiTypes.BINARY, description="The document, as an attachment."
            )
            for media_type in _EXTENSIONS
        }
    )
    @action(detail=True, methods=["get"], content_negotiation_class=FileContentNegotiation)
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        document = self.get_object()
        services.record_document_reads(
            client=document.client,
            documents=[document],
            read_by=request_user(request),
            via="download",
        )
        name = f"{slugify(document.title) or 'document'}-{document.pk}"
        response = FileResponse(
            services.open_document(document),
            as_attachment=True,
            filename=f"{name}.{_EXTENSIONS.get(document.content_type, 'bin')}",
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
