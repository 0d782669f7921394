"""The input policy for values: dates and times fall between 1900 and 2200
with a real UTC offset, dates of birth are in the past, ids are whole numbers,
and every text has a length limit, in serializers and filters alike. Each
refusal is a 400 naming the field, never a 500 and never a partial write.

Bodies (size, nesting, NUL characters) are in ``test_request_limits.py``; the
scheduling, notes and homework cases live beside their apps' tests
(``tests/<app>/test_input_policy.py``)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone

import django_filters
import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models
from django.urls import get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from clinic.core.api.fields import (
    AwareDateTimeField,
    ClinicModelSerializer,
    IdField,
    SaneDateField,
    StrictPrimaryKeyRelatedField,
    whole_number_id,
)
from clinic.core.api.filters import ClinicFilterSet
from clinic.core.models import AuditEvent, Client, Therapist

OURS = ("clinic", "notifications", "intake", "scheduling", "notes", "homework", "records")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def refused(response, field: str) -> dict:
    """A 400 in the error shape that names ``field``."""
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["status"] == 400
    assert field in body["fields"], body
    return body


# --- Dates and times --------------------------------------------------------------


@pytest.mark.parametrize(
    "since",
    [
        "0580-01-14T02:32:56+19:51",  # the offset no place has, and the year
        "2026-01-14T02:32:56+19:51",  # the offset alone
        "2026-01-14T02:32:56-16:00",
        "2026-01-14T02:32:56",  # no offset at all
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
        "2026-01-14T02:32:56+24:00",
        "not a time",
    ],
)
def test_the_audit_trail_filter_refuses_times_outside_the_policy(api_as, owner, since):
    response = api_as("owner").get("/api/v1/audit-events/", {"since": since})
    refused(response, "since")


def test_the_audit_trail_filter_takes_any_real_offset(api_as, owner):
    AuditEvent.objects.create(action="read", object_type="clinic.client", actor=owner, at=NOW)
    for since, expected in [
        ("2026-06-01T12:00:00+15:59", 1),  # 20:01 UTC the day before
        ("2026-06-01T12:00:01Z", 0),
        ("2026-06-01T00:00:01-12:00", 0),  # 12:00:01 UTC
    ]:
        response = api_as("owner").get("/api/v1/audit-events/", {"since": since})
        assert response.status_code == 200, response.content
        assert response.json()["count"] == expected, since


@pytest.mark.parametrize("actor", ["1.5", "1e0", "-1", "99999999999999999999", "true"])
def test_id_filters_refuse_anything_but_a_whole_number(api_as, owner, actor):
    refused(api_as("owner").get("/api/v1/audit-events/", {"actor": actor}), "actor")
    refused(api_as("owner").get("/api/v1/clients/", {"therapist": actor}), "therapist")


def test_automatic_filters_follow_the_policy_too(api_as, owner, location):
    # TherapistViewSet.filterset_fields = ["active", "locations"]: built by ClinicFilterSet.
    refused(api_as("owner").get("/api/v1/therapists/", {"locations": "1.5"}), "locations")
    ok = api_as("owner").get("/api/v1/therapists/", {"locations": str(location.pk)})
    assert ok.status_code == 200


@pytest.mark.parametrize("born", ["3000-01-01", "9999-12-31", "1899-12-31", "2026-06-02"])
def test_a_date_of_birth_in_the_future_or_before_1900_is_refused(api_as, front_desk, frozen, born):
    before = Client.objects.count()
    response = api_as("front_desk").post(
        "/api/v1/clients/",
        {
            "first_name": "Grace",
            "last_name": "Kim",
            "email": "g@example.com",
            "date_of_birth": born,
        },
        format="json",
    )
    refused(response, "date_of_birth")
    assert Client.objects.count() == before


def test_a_plausible_date_of_birth_is_kept(api_as, front_desk, frozen):
    response = api_as("front_desk").post(
        "/api/v1/clients/",
        {
            "first_name": "Grace",
            "last_name": "Kim",
            "email": "g@example.com",
            "date_of_birth": "2026-06-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["date_of_birth"] == "2026-06-01"


def test_the_model_refuses_a_date_of_birth_in_the_future_so_the_admin_does(frozen, clinic):
    client = Client(clinic=clinic, first_name="A", last_name="B", email="a@example.com")
    client.date_of_birth = date(3000, 1, 1)
    with pytest.raises(ValidationError) as caught:
        client.full_clean()
    assert caught.value.message_dict["date_of_birth"] == [
        "A date of birth cannot be in the future."
    ]


# --- Ids --------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [1.5, "1.5", "1e0", True, 1.0, " 1", "\u0661", None, [1]])
def test_a_care_team_member_must_be_a_whole_number_id(api_as, front_desk, therapist_profile, bad):
    before = Client.objects.count()
    response = api_as("front_desk").post(
        "/api/v1/clients/",
        {"first_name": "G", "last_name": "K", "email": "g@example.com", "care_team": [bad]},
        format="json",
    )
    refused(response, "care_team")
    assert Client.objects.count() == before


def test_a_care_team_member_may_be_given_as_a_number_or_its_digits(
    api_as, front_desk, therapist_profile
):
    for given in (therapist_profile.pk, str(therapist_profile.pk)):
        response = api_as("front_desk").post(
            "/api/v1/clients/",
            {"first_name": "G", "last_name": "K", "email": "g@ex.com", "care_team": [given]},
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["care_team"] == [therapist_profile.pk]


# --- The fields themselves ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, 12),
        ("12", 12),
        (0, 0),
        (1.5, None),
        (1.0, None),
        ("1.5", None),
        ("1e0", None),
        (True, None),
        ("", None),
        ("+1", None),
        ("\u00b2", None),  # a superscript two: a digit to str.isdigit(), not to int()
        ("\u0661", None),  # an Arabic-Indic one
        (None, None),
        ("1" * 20, None),
    ],
)
def test_what_counts_as_an_id(value, expected):
    assert whole_number_id(value) == expected


@pytest.mark.parametrize(
    ("given", "utc"),
    [
        ("2026-06-01T09:30:00+02:00", datetime(2026, 6, 1, 7, 30, tzinfo=UTC)),
        ("2026-06-01T09:30:00Z", datetime(2026, 6, 1, 9, 30, tzinfo=UTC)),
        ("1900-01-01T00:00:00+15:59", datetime(1899, 12, 31, 8, 1, tzinfo=UTC)),
        ("2200-12-31T23:59:59-15:59", datetime(2201, 1, 1, 15, 58, 59, tzinfo=UTC)),
    ],
)
def test_an_aware_time_in_range_is_taken_as_its_instant(given, utc):
    assert AwareDateTimeField().run_validation(given) == utc


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("2026-06-01T09:30:00", "Give a time with its UTC offset."),
        (datetime(2026, 6, 1, 9, 30), "Give a time with its UTC offset."),
        ("2026-06-01T09:30:00+16:00", "between -15:59 and +15:59"),
        ("2026-06-01T09:30:00-20:17", "between -15:59 and +15:59"),
        ("1899-12-31T23:59:59Z", "between 1900-01-01 and 2200-12-31"),
        ("2201-01-01T00:00:00Z", "between 1900-01-01 and 2200-12-31"),
        ("2026-06-01T09:30:00+24:00", "such as 2026-06-01T09:30:00+02:00"),
        ("2026-02-31T09:30:00Z", "such as 2026-06-01T09:30:00+02:00"),
        ("2026-06-01T09:30:00Z" + " " * 100, "such as 2026-06-01T09:30:00+02:00"),
        (1_780_000_000, "such as 2026-06-01T09:30:00+02:00"),
    ],
)
def test_a_time_outside_the_policy_is_refused_with_a_plain_reason(given, message):
    with pytest.raises(serializers.ValidationError) as caught:
        AwareDateTimeField().run_validation(given)
    assert message in str(caught.value.detail[0])


def test_an_aware_datetime_object_with_a_wild_offset_is_refused():
    wild = datetime(2026, 6, 1, 9, 30, tzinfo=timezone(timedelta(hours=19, minutes=51)))
    with pytest.raises(serializers.ValidationError):
        AwareDateTimeField().run_validation(wild)


@pytest.mark.parametrize("given", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"])
def test_a_date_outside_1900_to_2200_is_refused(given):
    with pytest.raises(serializers.ValidationError):
        SaneDateField().run_validation(given)
    assert SaneDateField().run_validation("2200-12-31") == date(2200, 12, 31)


def test_an_id_field_takes_whole_numbers_only():
    assert IdField().run_validation("7") == 7
    for bad in (7.0, 7.5, "7.0", False, "seven", 0, -3):
        with pytest.raises(serializers.ValidationError):
            IdField().run_validation(bad)


def test_a_strict_related_field_does_not_round_1_5_down_to_1(therapist_profile):
    field = StrictPrimaryKeyRelatedField(queryset=Therapist.objects.all())
    assert field.run_validation(therapist_profile.pk) == therapist_profile
    assert field.run_validation(str(therapist_profile.pk)) == therapist_profile
    for bad in (
        therapist_profile.pk + 0.5,
        float(therapist_profile.pk),
        f"{therapist_profile.pk}e0",
    ):
        with pytest.raises(serializers.ValidationError):
            field.run_validation(bad)


# --- The policy is the default everywhere --------------------------------------------


def _our_classes(base: type) -> list[type]:
    assert get_resolver().url_patterns  # imports every view, so every serializer and filter
    found, todo = [], [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in {"clinic", "intake", "scheduling", "notes"} | {
                "homework",
                "records",
            }:
                found.append(sub)
    return found


def test_every_model_serializer_of_ours_uses_the_strict_fields():
    classes = _our_classes(serializers.ModelSerializer)
    assert len(classes) > 20
    for cls in classes:
        assert issubclass(cls, ClinicModelSerializer), cls
    mapping = ClinicModelSerializer.serializer_field_mapping
    assert mapping[models.DateTimeField] is AwareDateTimeField
    assert mapping[models.DateField] is SaneDateField
    assert ClinicModelSerializer.serializer_related_field is StrictPrimaryKeyRelatedField


def test_every_filter_set_of_ours_follows_the_policy(settings):
    classes = [cls for cls in _our_classes(django_filters.FilterSet) if cls is not ClinicFilterSet]
    assert len(classes) >= 4  # clients, muscles, the audit trail, appointments
    for cls in classes:
        assert issubclass(cls, ClinicFilterSet), cls
    backends = settings.REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"]
    assert "clinic.core.api.filters.ClinicFilterBackend" in backends
    assert "django_filters.rest_framework.DjangoFilterBackend" not in backends


def test_every_text_field_of_ours_has_a_maximum_length():
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in OURS
        for field in model._meta.get_fields()
        if isinstance(field, (models.CharField, models.TextField)) and not field.max_length
    ]
    assert missing == []


def test_every_string_the_api_accepts_has_a_maximum_length(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    unbounded = []

    def bounded(node: dict) -> bool:
        pattern = node.get("pattern", "")
        return (
            "maxLength" in node
            or "enum" in node
            or node.get("format") in {"date", "date-time", "time", "uuid", "binary"}
            # an anchored pattern without repetition, e.g. a time of day: ^..:..$
            or (pattern.startswith("^") and pattern.endswith("$") and not {"*", "+"} & set(pattern))
        )

    def walk(name: str, node: dict) -> None:
        if node.get("readOnly"):
            return
        if node.get("type") == "string" and not bounded(node):
            unbounded.append(name)
        for key, child in node.get("properties", {}).items():
            walk(f"{name}.{key}", child)
        if isinstance(node.get("items"), dict):
            walk(f"{name}[]", node["items"])

    requests = {k: v for k, v in schema["components"]["schemas"].items() if k.endswith("Request")}
    assert len(requests) > 10
    for component, node in requests.items():
        walk(component, node)
    assert unbounded == []


def test_everything_the_demo_and_clinic_set_up_write_fits_the_limits(db, frozen):
    call_command("seed_demo", stdout=io.StringIO())
    too_long = []
    for model in apps.get_models():
        if model._meta.app_label not in OURS:
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and f.max_length
        ]
        for row in model._default_manager.values(*(f.attname for f in fields)):
            too_long += [
                f"{model._meta.label}.{f.name}"
                for f in fields
                if row[f.attname] and len(row[f.attname]) > (f.max_length or 0)
            ]
    assert too_long == []
