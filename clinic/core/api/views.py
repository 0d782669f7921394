"""Thin views of the core API: check the role, validate, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.core import accounts, selectors, services
from clinic.core.api.authentication import ApiTokenAuthentication
from clinic.core.api.base import ScopedQuerysetMixin, request_user
from clinic.core.api.errors import error_body
from clinic.core.api.filters import AuditEventFilter, ClientFilter, MuscleFilter
from clinic.core.api.permissions import ALL_ROLES, DESK, OWNER, RolePolicy
from clinic.core.api.serializers import (
    ApiTokenSerializer,
    AuditEventSerializer,
    ClientInputSerializer,
    ClientSerializer,
    ClinicSerializer,
    ClinicUpdateSerializer,
    LocationInputSerializer,
    LocationSerializer,
    LoginSerializer,
    MeSerializer,
    MuscleSerializer,
    TherapistSerializer,
    TokenSerializer,
)
from clinic.core.api.throttling import LoginRateThrottle
from clinic.core.errors import InvalidInput
from clinic.core.models import (
    ApiToken,
    AuditEvent,
    Client,
    Location,
    Muscle,
    Role,
    Therapist,
    User,
)
from clinic.core.two_factor.sign_in import check_second_factor


class LoginView(APIView):
    """Exchange a username and password (and, for staff who have one, a code
    from their authenticator app) for an API token for this device.

    Each sign-in gets a token of its own, valid for ``API_TOKEN_DAYS``.
    Throttled per client address; a username that fails too often from one
    address, with a wrong password or a wrong code, is locked out for a while
    (django-axes).
    """

    authentication_classes: list[type] = []
    permission_classes: list[type] = []
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=LoginSerializer,
        responses={
            200: TokenSerializer,
            403: OpenApiResponse(
                description=(
                    "`second_factor_setup_required`: the clinic asks its staff for a second "
                    "factor and this person has not set one up yet (on the staff pages)."
                )
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        django_request = request._request
        user = authenticate(
            django_request, username=values["username"], password=values["password"]
        )
        # A locked-out username gets None here; AxesMiddleware then answers 429.
        if user is None or not user.is_active:
            raise InvalidInput(
                "The username or password is not right.",
                fields={"password": ["The username or password is not right."]},
            )
        assert isinstance(user, User)
        second_factor = check_second_factor(
            django_request,
            user=user,
            username=values["username"],
            otp=values.get("otp", ""),
            recovery_code=values.get("recovery_code", ""),
        )
        issued = accounts.issue_api_token(
            user=user,
            device=accounts.device_label(
                given=values.get("device", ""),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            ),
            second_factor=second_factor,
        )
        body: dict[str, object] = {"token": issued.key, "expiry": issued.expiry, "user": user}
        return Response(TokenSerializer(body).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        """Sign out of this device: only the token of this request stops working."""
        found = ApiTokenAuthentication().authenticate(request)
        if found is None:
            return Response(
                error_body(status_code=401, code="not_authenticated", message="Not signed in."),
                status=status.HTTP_401_UNAUTHORIZED,
            )
        accounts.revoke_api_token(token=found[1])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenViewSet(
    ScopedQuerysetMixin[ApiToken],
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[ApiToken],
):
    """The caller's signed-in devices (API tokens); revoking one signs that
    device out. Someone else's token is never found (404)."""

    model = ApiToken
    permission_classes = [RolePolicy]
    roles = {"list": ALL_ROLES, "destroy": ALL_ROLES}
    serializer_class = ApiTokenSerializer
    filter_backends: list[type] = []

    def scoped_queryset(self, user: User) -> QuerySet[ApiToken]:
        return accounts.list_api_tokens_for(user)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        accounts.revoke_api_token(token=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """Who the caller is: role, clinic, and their therapist or client record."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request_user(request)).data)


class ClinicView(APIView):
    """The caller's clinic and its policies; the owner changes them."""

    permission_classes = [RolePolicy]
    roles = {"GET": ALL_ROLES, "PATCH": OWNER}

    @extend_schema(responses=ClinicSerializer)
    def get(self, request: Request) -> Response:
        clinic = selectors.get_clinic_for(request_user(request))
        return Response(ClinicSerializer(clinic).data)

    @extend_schema(request=ClinicUpdateSerializer, responses=ClinicSerializer)
    def patch(self, request: Request) -> Response:
        user = request_user(request)
        data = ClinicUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        clinic = selectors.get_clinic_for(user)
        assert clinic is not None
        clinic = services.update_clinic(clinic=clinic, changed_by=user, **data.validated_data)
        return Response(ClinicSerializer(clinic).data)


class LocationViewSet(
    ScopedQuerysetMixin[Location],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Location],
):
    """The clinic's locations: everyone reads, the owner adds and changes."""

    model = Location
    permission_classes = [RolePolicy]
    roles = {"read": ALL_ROLES, "create": OWNER, "partial_update": OWNER}
    serializer_class = LocationSerializer
    search_fields = ["name", "city"]
    ordering_fields = ["name", "city"]

    def scoped_queryset(self, user: User) -> QuerySet[Location]:
        return selectors.list_locations_for(user)

    @extend_schema(request=LocationInputSerializer, responses={201: LocationSerializer})
    def create(self, request: Request) -> Response:
        user = request_user(request)
        data = LocationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clinic = selectors.get_clinic_for(user)
        assert clinic is not None
        location = services.create_location(clinic=clinic, created_by=user, **data.validated_data)
        return Response(LocationSerializer(location).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LocationInputSerializer, responses=LocationSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        location = self.get_object()
        data = LocationInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        location = services.update_location(
            location=location, changed_by=request_user(request), **data.validated_data
        )
        return Response(LocationSerializer(location).data)


class TherapistViewSet(ScopedQuerysetMixin[Therapist], viewsets.ReadOnlyModelViewSet[Therapist]):
    """The clinic's therapists (clients see the active ones)."""

    model = Therapist
    permission_classes = [RolePolicy]
    roles = {"read": ALL_ROLES}
    serializer_class = TherapistSerializer
    search_fields = ["user__first_name", "user__last_name", "credentials"]
    ordering_fields = ["user__last_name", "user__first_name"]
    filterset_fields = ["active", "locations"]

    def scoped_queryset(self, user: User) -> QuerySet[Therapist]:
        return selectors.list_therapists_for(user)


class MuscleViewSet(ScopedQuerysetMixin[Muscle], viewsets.ReadOnlyModelViewSet[Muscle]):
    """The muscle atlas (reference data; edited in the admin)."""

    model = Muscle
    permission_classes = [RolePolicy]
    roles = {"read": ALL_ROLES}
    serializer_class = MuscleSerializer
    filterset_class = MuscleFilter
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "functional_group", "region"]

    def scoped_queryset(self, user: User) -> QuerySet[Muscle]:
        return selectors.list_muscles()


class ClientViewSet(ScopedQuerysetMixin[Client], viewsets.ModelViewSet[Client]):
    """Clients. Front desk and owner manage them; therapists read the clients
    they treat; a client reads and updates their own contact details. DELETE
    archives (nothing is deleted); ``restore`` brings an archived client back."""

    model = Client
    permission_classes = [RolePolicy]
    roles = {
        "list": ALL_ROLES,
        "retrieve": ALL_ROLES,
        "create": DESK,
        "partial_update": DESK | {Role.CLIENT},
        "update": DESK | {Role.CLIENT},
        "destroy": DESK,
        "restore": DESK,
        "read": ALL_ROLES,
    }
    serializer_class = ClientSerializer
    filterset_class = ClientFilter
    search_fields = ["first_name", "last_name", "preferred_name", "email", "phone"]
    ordering_fields = ["last_name", "first_name", "created_at"]
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def scoped_queryset(self, user: User) -> QuerySet[Client]:
        # Archived clients are in the list only when asked for (?archived=true),
        # and are always reachable by id for the people who may manage them.
        include_archived = self.action != "list" or "archived" in self.request.query_params
        return selectors.list_clients_for(user, include_archived=include_archived).prefetch_related(
            "care_team"
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        client = self.get_object()
        services.record_client_read(client=client, read_by=request_user(request))
        return Response(ClientSerializer(client).data)

    @extend_schema(request=ClientInputSerializer, responses={201: ClientSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request_user(request)
        data = ClientInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        clinic = selectors.get_clinic_for(user)
        assert clinic is not None
        client = services.create_client(clinic=clinic, created_by=user, **data.validated_data)
        return Response(ClientSerializer(client).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClientInputSerializer, responses=ClientSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        client = self.get_object()
        partial = kwargs.pop("partial", False)
        data = ClientInputSerializer(
            data=request.data, partial=partial, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        client = services.update_client(
            client=client, changed_by=request_user(request), **data.validated_data
        )
        return Response(ClientSerializer(client).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.archive_client(client=self.get_object(), archived_by=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=ClientSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        client = services.restore_client(
            client=self.get_object(), restored_by=request_user(request)
        )
        return Response(ClientSerializer(client).data)


class AuditEventViewSet(ScopedQuerysetMixin[AuditEvent], viewsets.ReadOnlyModelViewSet[AuditEvent]):
    """The audit trail: who read or changed what, for the owner."""

    model = AuditEvent
    permission_classes = [RolePolicy]
    roles = {"read": OWNER}
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    ordering_fields = ["at"]

    def scoped_queryset(self, user: User) -> QuerySet[AuditEvent]:
        return selectors.list_audit_events_for(user)
