"""Thin views of the intake API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.core.api.base import ScopedQuerysetMixin, request_user
from clinic.core.api.permissions import ALL_ROLES, STAFF, RolePolicy
from clinic.core.audit import record_audit_many
from clinic.core.errors import InvalidInput
from clinic.core.models import AuditAction, Client, Role
from clinic.core.selectors import list_clients_for
from intake import selectors, services
from intake.api import serializers as s
from intake.models import Submission


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
            qs = qs.prefetch_related("suggestions__muscle")
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
