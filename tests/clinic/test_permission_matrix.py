"""Every core endpoint, for every persona: the status code each one gets.

Objects of someone else's are not found (404) rather than forbidden, so their
existence does not leak; actions a role may never take are 403 (401 for
anonymous callers)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clinic.core.accounts import issue_api_token
from clinic.core.models import Muscle
from intake.services import upload_document
from notes import services as notes_services
from notes.models import ProblemEntry
from tests.clinic.factories import PASSWORD, ClientFactory, ClinicFactory, UserFactory
from tests.conftest import PERSONAS

# (name, method, url template, body, {persona: expected status})
A, C, OC, T, OT, FD, OW = PERSONAS
EVERYONE = {A: 401, C: 200, OC: 200, T: 200, OT: 200, FD: 200, OW: 200}
OWNER_ONLY_WRITE = {A: 401, C: 403, OC: 403, T: 403, OT: 403, FD: 403}

MATRIX = [
    (
        "sign in",
        "post",
        "/api/v1/auth/token/",
        {"username": "frontdesk", "password": PASSWORD},
        {A: 200, C: 200, OC: 200, T: 200, OT: 200, FD: 200, OW: 200},
    ),
    ("my signed-in devices", "get", "/api/v1/auth/tokens/", None, EVERYONE),
    (
        "revoke the owner's token",
        "delete",
        "/api/v1/auth/tokens/{token}/",
        None,
        {A: 401, C: 404, OC: 404, T: 404, OT: 404, FD: 404, OW: 204},
    ),
    ("me", "get", "/api/v1/me/", None, EVERYONE),
    ("clinic read", "get", "/api/v1/clinic/", None, EVERYONE),
    (
        "clinic write",
        "patch",
        "/api/v1/clinic/",
        {"reminder_lead_hours": 48},
        {**OWNER_ONLY_WRITE, OW: 200},
    ),
    ("locations list", "get", "/api/v1/locations/", None, EVERYONE),
    ("location read", "get", "/api/v1/locations/{location}/", None, EVERYONE),
    (
        "location create",
        "post",
        "/api/v1/locations/",
        {
            "name": "Queens",
            "address_line1": "5 Court Sq",
            "city": "New York",
            "country": "US",
            "timezone": "America/New_York",
        },
        {**OWNER_ONLY_WRITE, OW: 201},
    ),
    (
        "location update",
        "patch",
        "/api/v1/locations/{location}/",
        {"active": False},
        {**OWNER_ONLY_WRITE, OW: 200},
    ),
    ("therapists list", "get", "/api/v1/therapists/", None, EVERYONE),
    ("therapist read", "get", "/api/v1/therapists/{therapist}/", None, EVERYONE),
    ("muscles list", "get", "/api/v1/muscles/", None, EVERYONE),
    ("muscle read", "get", "/api/v1/muscles/{muscle}/", None, EVERYONE),
    ("clients list", "get", "/api/v1/clients/", None, EVERYONE),
    (
        "client read",
        "get",
        "/api/v1/clients/{client}/",
        None,
        {A: 401, C: 200, OC: 404, T: 200, OT: 404, FD: 200, OW: 200},
    ),
    (
        "client create",
        "post",
        "/api/v1/clients/",
        {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
        {A: 401, C: 403, OC: 403, T: 403, OT: 403, FD: 201, OW: 201},
    ),
    (
        "client update",
        "patch",
        "/api/v1/clients/{client}/",
        {"phone": "+12125550111"},
        {A: 401, C: 200, OC: 404, T: 403, OT: 403, FD: 200, OW: 200},
    ),
    (
        "client replace",
        "put",
        "/api/v1/clients/{client}/",
        {"first_name": "Dan", "last_name": "Brooks", "email": "dan@example.com"},
        {A: 401, C: 400, OC: 404, T: 403, OT: 403, FD: 200, OW: 200},
    ),
    (
        "client archive",
        "delete",
        "/api/v1/clients/{client}/",
        None,
        {A: 401, C: 403, OC: 403, T: 403, OT: 403, FD: 204, OW: 204},
    ),
    (
        "client restore",
        "post",
        "/api/v1/clients/{client}/restore/",
        None,
        {A: 401, C: 403, OC: 403, T: 403, OT: 403, FD: 200, OW: 200},
    ),
    # The problem list is clinical: the client's therapist and the owner only.
    (
        "client problem list",
        "get",
        "/api/v1/clients/{client}/problems/",
        None,
        {A: 401, C: 403, OC: 403, T: 200, OT: 404, FD: 403, OW: 200},
    ),
    (
        "problem confirm",
        "post",
        "/api/v1/problems/{problem}/confirm/",
        None,
        {A: 401, C: 403, OC: 403, T: 200, OT: 404, FD: 403, OW: 200},
    ),
    (
        "problem resolve",
        "post",
        "/api/v1/problems/{problem}/resolve/",
        {"reason": "No longer tender."},
        {A: 401, C: 403, OC: 403, T: 200, OT: 404, FD: 403, OW: 200},
    ),
    (
        "audit trail",
        "get",
        "/api/v1/audit-events/",
        None,
        {A: 401, C: 403, OC: 403, T: 403, OT: 403, FD: 403, OW: 200},
    ),
    # Red-flag clearance: staff read the state (front desk nothing more); the
    # client's therapists and the owner record it.
    (
        "clearance read",
        "get",
        "/api/v1/clients/{client}/clearance/",
        None,
        {A: 401, C: 403, OC: 403, T: 200, OT: 404, FD: 200, OW: 200},
    ),
    (
        "clearance record",
        "post",
        "/api/v1/clients/{client}/clearance/",
        {"status": "referred", "note": "Sent to the GP about night pain."},
        {A: 401, C: 403, OC: 403, T: 201, OT: 404, FD: 403, OW: 201},
    ),
    # Client documents: clinical content, read as notes are (uploads, which are
    # multipart, are tested by role in tests/intake/test_documents.py).
    (
        "client documents list",
        "get",
        "/api/v1/clients/{client}/documents/",
        None,
        {A: 401, C: 403, OC: 403, T: 200, OT: 404, FD: 403, OW: 200},
    ),
    (
        "document read",
        "get",
        "/api/v1/documents/{document}/",
        None,
        {A: 401, C: 403, OC: 403, T: 200, OT: 404, FD: 403, OW: 200},
    ),
    (
        "document download",
        "get",
        "/api/v1/documents/{document}/download/",
        None,
        {A: 401, C: 403, OC: 403, T: 200, OT: 404, FD: 403, OW: 200},
    ),
]


@pytest.fixture
def everyone(
    owner,
    front_desk,
    therapist,
    other_therapist,
    client,
    other_client,
    location,
    client_record,
    therapist_profile,
):
    return {
        "location": location.pk,
        "client": client_record.pk,
        "therapist": therapist_profile.pk,
        "muscle": Muscle.objects.get(slug="psoas-major").pk,
        "token": issue_api_token(user=owner).token.pk,
        "document": upload_document(
            client=client_record,
            uploaded_by=therapist,
            kind="clearance_letter",
            title="GP letter",
            upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n"),
        ).pk,
        "problem": _problem_entry(client_record, therapist).pk,
    }


def _problem_entry(client_record, therapist) -> ProblemEntry:
    """A victim on the client's problem list, from a signed phone note."""
    note = notes_services.start_note(client=client_record, written_by=therapist, kind="phone")
    notes_services.add_finding(
        note=note,
        added_by=therapist,
        muscle=Muscle.objects.get(slug="quadratus-lumborum"),
        side="left",
        role="victim",
    )
    notes_services.sign_note(note=note, signed_by=therapist)
    return ProblemEntry.objects.get(client=client_record)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "method", "url", "body", "expected"), MATRIX, ids=[row[0] for row in MATRIX]
)
def test_permission_matrix(api_as, everyone, persona, name, method, url, body, expected):
    api_client = api_as(persona)
    response = getattr(api_client, method)(url.format(**everyone), body, format="json")
    assert response.status_code == expected[persona], response.content
    if response.status_code >= 400:
        error = response.json()
        assert error["status"] == response.status_code
        assert error["code"] and error["message"]


@pytest.mark.parametrize("persona", ["owner", "front_desk", "therapist", "client"])
def test_nobody_reaches_another_clinics_client(api_as, everyone, persona):
    stranger = ClientFactory(clinic=ClinicFactory(name="Elsewhere"))
    response = api_as(persona).get(f"/api/v1/clients/{stranger.pk}/")
    assert response.status_code == 404
    listed = api_as(persona).get("/api/v1/clients/?page_size=200").json()["results"]
    assert stranger.pk not in {row["id"] for row in listed}


def test_a_user_without_a_clinic_is_refused(api, db):
    loner = UserFactory(clinic=None, role="owner")
    api.force_authenticate(loner)
    assert api.get("/api/v1/clients/").status_code == 403
