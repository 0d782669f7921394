"""Shapes of the core API. Input serializers check shape only; rules are in services."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.core.api.fields import (
    ClinicModelSerializer,
    DateOfBirthField,
    PhoneField,
    StrictPrimaryKeyRelatedField,
    TimeZoneField,
)
from clinic.core.models import (
    ApiToken,
    AuditEvent,
    Channel,
    Client,
    Clinic,
    Location,
    Muscle,
    Side,
    Therapist,
    User,
)
from clinic.core.selectors import list_therapists_for


class UserSummarySerializer(ClinicModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "role"]


class MeSerializer(ClinicModelSerializer[User]):
    clinic: serializers.PrimaryKeyRelatedField[Clinic] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    therapist_id = serializers.SerializerMethodField()
    client_id = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "clinic",
            "therapist_id",
            "client_id",
        ]

    def get_therapist_id(self, user: User) -> int | None:
        profile = getattr(user, "therapist_profile", None)
        return profile.pk if profile else None

    def get_client_id(self, user: User) -> int | None:
        profile = getattr(user, "client_profile", None)
        return profile.pk if profile else None


class LoginSerializer(serializers.Serializer[None]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False, write_only=True)
    otp = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="The 6-digit code from the authenticator app, for those who have one.",
    )
    recovery_code = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Instead of `otp`: one of the recovery codes (each works once).",
    )
    device = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        help_text="A name for this device in your list of sign-ins (default: its User-Agent).",
    )


class TokenSerializer(serializers.Serializer[dict[str, object]]):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(help_text="When the token stops working.")
    user = MeSerializer()


class ApiTokenSerializer(serializers.Serializer[ApiToken]):
    """One signed-in device of the caller (never the token itself)."""

    id = serializers.IntegerField()
    prefix = serializers.SerializerMethodField(help_text="The first characters of the token.")
    device = serializers.CharField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
    second_factor = serializers.BooleanField(
        help_text="Whether the sign-in that issued it passed a second factor."
    )
    current = serializers.SerializerMethodField(help_text="The token of this very request.")

    def get_prefix(self, token: ApiToken) -> str:
        return str(token.token_key[:8])

    def get_current(self, token: ApiToken) -> bool:
        request = self.context.get("request")
        auth = getattr(request, "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk


class ClinicSerializer(ClinicModelSerializer[Clinic]):
    class Meta:
        model = Clinic
        fields = [
            "id",
            "name",
            "phone",
            "email",
            "website",
            "timezone",
            "cancellation_window_hours",
            "reminder_lead_hours",
            "quiet_hours_start",
            "quiet_hours_end",
            "email_in_quiet_hours",
            "therapists_see_all_clients",
            "require_two_factor_for_staff",
            "min_booking_notice_minutes",
            "booking_horizon_days",
            "slot_granularity_minutes",
            "intake_link_valid_days",
            "default_hold_seconds",
            "default_repetitions",
            "default_sets",
            "default_sessions_per_week",
            "default_side",
            "adherence_alert_percent",
        ]


class ClinicUpdateSerializer(serializers.Serializer[None]):
    name = serializers.CharField(max_length=200)
    phone = PhoneField()
    email = serializers.EmailField(max_length=254, allow_blank=True)
    website = serializers.URLField(max_length=200, allow_blank=True)
    timezone = TimeZoneField(max_length=64)
    cancellation_window_hours = serializers.IntegerField(min_value=0, max_value=24 * 14)
    reminder_lead_hours = serializers.IntegerField(min_value=1, max_value=24 * 14)
    quiet_hours_start = serializers.TimeField()
    quiet_hours_end = serializers.TimeField()
    email_in_quiet_hours = serializers.BooleanField()
    therapists_see_all_clients = serializers.BooleanField()
    require_two_factor_for_staff = serializers.BooleanField()
    min_booking_notice_minutes = serializers.IntegerField(min_value=0, max_value=60 * 24 * 30)
    booking_horizon_days = serializers.IntegerField(min_value=1, max_value=730)
    slot_granularity_minutes = serializers.IntegerField(min_value=5, max_value=240)
    intake_link_valid_days = serializers.IntegerField(min_value=1, max_value=90)
    default_hold_seconds = serializers.IntegerField(min_value=1, max_value=600)
    default_repetitions = serializers.IntegerField(min_value=1, max_value=100)
    default_sets = serializers.IntegerField(min_value=1, max_value=20)
    default_sessions_per_week = serializers.IntegerField(min_value=1, max_value=21)
    default_side = serializers.ChoiceField(choices=Side.choices)
    adherence_alert_percent = serializers.IntegerField(min_value=0, max_value=100)


class LocationSerializer(ClinicModelSerializer[Location]):
    class Meta:
        model = Location
        fields = [
            "id",
            "name",
            "address_line1",
            "address_line2",
            "city",
            "region",
            "postcode",
            "country",
            "phone",
            "timezone",
            "active",
        ]


class LocationInputSerializer(serializers.Serializer[None]):
    name = serializers.CharField(max_length=120)
    address_line1 = serializers.CharField(max_length=200)
    address_line2 = serializers.CharField(max_length=200, allow_blank=True, required=False)
    city = serializers.CharField(max_length=100)
    region = serializers.CharField(max_length=100, allow_blank=True, required=False)
    postcode = serializers.CharField(max_length=20, allow_blank=True, required=False)
    country = serializers.RegexField(r"^[A-Z]{2}$", max_length=2)
    phone = PhoneField(required=False)
    timezone = TimeZoneField(max_length=64)
    active = serializers.BooleanField(required=False)


class TherapistSerializer(ClinicModelSerializer[Therapist]):
    name = serializers.CharField(source="display_name", read_only=True)
    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)
    locations: serializers.PrimaryKeyRelatedField[Location] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Therapist
        fields = [
            "id",
            "name",
            "first_name",
            "last_name",
            "credentials",
            "licence_number",
            "locations",
            "calendar_colour",
            "bio",
            "active",
        ]


class ClientSerializer(ClinicModelSerializer[Client]):
    care_team: serializers.PrimaryKeyRelatedField[Therapist] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    archived = serializers.BooleanField(source="is_archived", read_only=True)
    has_login = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = [
            "id",
            "first_name",
            "last_name",
            "preferred_name",
            "date_of_birth",
            "email",
            "phone",
            "preferred_channel",
            "timezone",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relationship",
            "message_opt_in",
            "care_team",
            "archived",
            "archived_at",
            "has_login",
            "created_at",
            "updated_at",
        ]

    def get_has_login(self, client: Client) -> bool:
        return client.user_id is not None


@extend_schema_field(OpenApiTypes.INT)
class TherapistChoiceField(StrictPrimaryKeyRelatedField[Therapist]):
    """A therapist id, looked up among the caller's clinic's therapists only."""

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return list_therapists_for(self.context["request"].user)


class ClientInputSerializer(serializers.Serializer[None]):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    preferred_name = serializers.CharField(max_length=100, allow_blank=True, required=False)
    date_of_birth = DateOfBirthField(allow_null=True, required=False)
    email = serializers.EmailField(max_length=254, allow_blank=True, required=False)
    phone = PhoneField(required=False)
    preferred_channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    timezone = TimeZoneField(max_length=64, allow_blank=True, required=False)
    emergency_contact_name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    emergency_contact_phone = PhoneField(required=False)
    emergency_contact_relationship = serializers.CharField(
        max_length=60, allow_blank=True, required=False
    )
    message_opt_in = serializers.BooleanField(required=False)
    care_team = TherapistChoiceField(many=True, required=False)


class MuscleSerializer(ClinicModelSerializer[Muscle]):
    antagonists: serializers.SlugRelatedField[Muscle] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug"
    )
    region_label = serializers.CharField(source="get_region_display", read_only=True)
    functional_group_label = serializers.CharField(
        source="get_functional_group_display", read_only=True
    )

    class Meta:
        model = Muscle
        fields = [
            "id",
            "slug",
            "name",
            "region",
            "region_label",
            "functional_group",
            "functional_group_label",
            "sided",
            "antagonists",
            "description",
            "reference",
        ]


class AuditEventSerializer(ClinicModelSerializer[AuditEvent]):
    # None for what nobody signed in did: a signed link, a task, a deleted user.
    actor = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_role",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "client",
            "ip_address",
            "request_id",
            "detail",
        ]
