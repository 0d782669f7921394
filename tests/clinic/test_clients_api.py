from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.core.models import AuditEvent, Client
from tests.clinic.factories import ClientFactory, ClinicFactory, TherapistFactory, UserFactory


def test_front_desk_registers_a_client_with_a_normalised_phone(
    api_as, front_desk, therapist_profile
):
    response = api_as("front_desk").post(
        "/api/v1/clients/",
        {
            "first_name": "Grace",
            "last_name": "Kim",
            "phone": "+1 (212) 555-0127",
            "care_team": [therapist_profile.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["phone"] == "+12125550127"
    assert body["preferred_channel"] == "sms"  # only a phone was given
    assert body["care_team"] == [therapist_profile.pk]
    client = Client.objects.get(pk=body["id"])
    assert AuditEvent.objects.filter(
        action="create", object_type="clinic.client", object_id=str(client.pk), actor=front_desk
    ).exists()


def test_bad_input_is_a_400_naming_every_field_and_writes_nothing(api_as, front_desk):
    before = Client.objects.count()
    response = api_as("front_desk").post(
        "/api/v1/clients/",
        {
            "first_name": "",
            "last_name": "Kim",
            "email": "not-an-address",
            "phone": "12",
            "timezone": "Mars/Olympus",
            "date_of_birth": "31/02/1990",
            "preferred_channel": "pigeon",
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body["fields"]) == {
        "first_name",
        "email",
        "phone",
        "timezone",
        "date_of_birth",
        "preferred_channel",
    }
    assert "first_name" in body["message"]
    assert Client.objects.count() == before


def test_a_client_without_any_contact_is_refused(api_as, front_desk):
    response = api_as("front_desk").post(
        "/api/v1/clients/", {"first_name": "Tom", "last_name": "Walsh"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"email", "phone"}


def test_sms_preference_without_a_phone_is_refused_by_the_model_rule(api_as, front_desk):
    response = api_as("front_desk").post(
        "/api/v1/clients/",
        {
            "first_name": "Tom",
            "last_name": "Walsh",
            "email": "t@example.com",
            "preferred_channel": "sms",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["fields"]


def test_a_care_team_member_from_another_clinic_cannot_be_named(api_as, front_desk):
    outsider = TherapistFactory(user=UserFactory(clinic=ClinicFactory(), role="therapist"))
    response = api_as("front_desk").post(
        "/api/v1/clients/",
        {
            "first_name": "A",
            "last_name": "B",
            "email": "ab@example.com",
            "care_team": [outsider.pk],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "care_team" in response.json()["fields"]


def test_malformed_json_is_a_400_not_a_500(api_as, front_desk):
    response = api_as("front_desk").generic(
        "POST", "/api/v1/clients/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_client_may_change_their_contact_details_but_not_their_name(api_as, client_record):
    api_client = api_as("client")
    ok = api_client.patch(
        f"/api/v1/clients/{client_record.pk}/",
        {"phone": "+12125550150", "message_opt_in": False},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()["message_opt_in"] is False
    refused = api_client.patch(
        f"/api/v1/clients/{client_record.pk}/",
        {"last_name": "Other", "care_team": []},
        format="json",
    )
    assert refused.status_code == 400
    assert set(refused.json()["fields"]) == {"last_name", "care_team"}
    client_record.refresh_from_db()
    assert client_record.last_name == "Brooks"
    assert client_record.phone == "+12125550150"


def test_a_client_lists_only_themselves(api_as, client_record, other_client_record):
    rows = api_as("client").get("/api/v1/clients/").json()["results"]
    assert [row["id"] for row in rows] == [client_record.pk]


def test_a_therapist_lists_the_clients_they_treat(
    api_as, client_record, other_client_record, clinic
):
    rows = api_as("therapist").get("/api/v1/clients/").json()["results"]
    assert [row["id"] for row in rows] == [client_record.pk]
    clinic.therapists_see_all_clients = True
    clinic.save()
    rows = api_as("therapist").get("/api/v1/clients/").json()["results"]
    assert {row["id"] for row in rows} == {client_record.pk, other_client_record.pk}


def test_archived_clients_leave_the_list_and_come_back_on_restore(api_as, client_record):
    desk = api_as("front_desk")
    assert desk.delete(f"/api/v1/clients/{client_record.pk}/").status_code == 204
    assert Client.objects.filter(pk=client_record.pk).exists()  # archived, not deleted
    listed = desk.get("/api/v1/clients/").json()["results"]
    assert client_record.pk not in {row["id"] for row in listed}
    archived = desk.get("/api/v1/clients/?archived=true").json()["results"]
    assert [row["id"] for row in archived] == [client_record.pk]
    restored = desk.post(f"/api/v1/clients/{client_record.pk}/restore/")
    assert restored.json()["archived"] is False


def test_staff_reading_a_client_is_audited_with_request_id_and_address(
    api_as, client_record, owner
):
    response = api_as("owner").get(
        f"/api/v1/clients/{client_record.pk}/",
        HTTP_X_REQUEST_ID="req-123",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-123"
    event = AuditEvent.objects.get(action="read", object_id=str(client_record.pk))
    assert (event.actor, event.actor_role, event.client) == (owner, "owner", client_record)
    assert (event.request_id, event.ip_address) == ("req-123", "10.1.2.3")


def test_search_and_filters(api_as, clinic, front_desk, therapist_profile):
    ClientFactory(
        clinic=clinic, first_name="Zelda", last_name="Quist", care_team=[therapist_profile]
    )
    ClientFactory(clinic=clinic, first_name="Ada", last_name="Byron", preferred_channel="sms")
    desk = api_as("front_desk")
    assert [r["last_name"] for r in desk.get("/api/v1/clients/?search=quis").json()["results"]] == [
        "Quist"
    ]
    by_therapist = desk.get(f"/api/v1/clients/?therapist={therapist_profile.pk}").json()
    assert [r["last_name"] for r in by_therapist["results"]] == ["Quist"]
    bad = desk.get("/api/v1/clients/?preferred_channel=pigeon")
    assert bad.status_code == 400 and "preferred_channel" in bad.json()["fields"]


@pytest.mark.parametrize("persona", ["front_desk", "therapist"])
def test_client_list_queries_do_not_grow_with_page_size(api_as, clinic, therapist_profile, persona):
    def count(n_clients: int) -> int:
        for _ in range(n_clients - Client.objects.count()):
            ClientFactory(clinic=clinic, care_team=[therapist_profile])
        api_client = api_as(persona)
        with CaptureQueriesContext(connection) as ctx:
            response = api_client.get("/api/v1/clients/?page_size=200")
        assert response.json()["count"] == n_clients
        return len(ctx.captured_queries)

    assert count(3) == count(40)
