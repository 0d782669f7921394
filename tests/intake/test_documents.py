"""Client documents: uploaded by staff, checked by size and by content, stored
under a random name through the ``documents`` storage, read only by those who
read the client's notes, each read audited, never at a public address."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as BrowserClient

from clinic.core.api.middleware import body_limit_for
from clinic.core.models import AuditEvent
from intake.models import ClientDocument
from intake.services import sniff_type
from tests.clinic.factories import ClientFactory, ClinicFactory, UserFactory

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _upload(api_client, client, content=PDF, name="gp-letter.pdf", **fields):
    body = {
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        "kind": "clearance_letter",
        "title": "GP clearance letter",
        **fields,
    }
    return api_client.post(f"/api/v1/clients/{client.pk}/documents/", body, format="multipart")


@pytest.fixture
def uploaded(api_as, client_record) -> ClientDocument:
    response = _upload(api_as("therapist"), client_record)
    assert response.status_code == 201, response.content
    return ClientDocument.objects.get(pk=response.json()["id"])


def test_a_therapist_uploads_a_letter_to_the_clients_record(uploaded, client_record, settings):
    assert (uploaded.client, uploaded.kind, uploaded.title) == (
        client_record,
        "clearance_letter",
        "GP clearance letter",
    )
    assert uploaded.content_type == "application/pdf" and uploaded.size == len(PDF)
    assert uploaded.sha256 == hashlib.sha256(PDF).hexdigest()
    assert uploaded.original_name == "gp-letter.pdf"
    stored = Path(settings.MEDIA_ROOT) / uploaded.file.name
    assert stored.read_bytes() == PDF
    # A random name: nothing of the client or of the file's own name.
    assert "gp-letter" not in uploaded.file.name
    assert client_record.last_name.lower() not in uploaded.file.name.lower()
    assert uploaded.file.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(PDF, "application/pdf"), (JPEG, "image/jpeg"), (PNG, "image/png"), (HEIC, "image/heic")],
)
def test_pdf_jpeg_png_and_heic_are_recognised_by_their_content(
    api_as, client_record, content, content_type
):
    response = _upload(api_as("owner"), client_record, content=content, name="scan")
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == content_type


def test_an_exe_renamed_pdf_is_refused_naming_file(api_as, client_record):
    response = _upload(api_as("therapist"), client_record, content=EXE, name="letter.pdf")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["file"]
    assert not ClientDocument.objects.exists()
    assert sniff_type(EXE) is None


def test_a_file_over_the_document_limit_is_refused_naming_file(api_as, client_record, settings):
    settings.CLINIC_DOCUMENT_MAX_BYTES = 100
    response = _upload(api_as("therapist"), client_record, content=PDF + b"0" * 200)
    assert response.status_code == 400
    assert "file" in response.json()["fields"]
    assert not ClientDocument.objects.exists()


def test_a_body_over_the_upload_paths_limit_is_refused_with_413_before_it_is_read(
    api_as, client_record, settings
):
    settings.CLINIC_BODY_LIMITS = {"/api/v1/clients/*/documents/": 2_000}
    response = _upload(api_as("therapist"), client_record, content=PDF + b"0" * 5_000)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not ClientDocument.objects.exists()


def test_only_the_upload_path_takes_a_larger_body(settings):
    assert body_limit_for("/api/v1/clients/12/documents/") > settings.CLINIC_DOCUMENT_MAX_BYTES
    assert body_limit_for("/api/v1/clients/12/") == settings.CLINIC_MAX_BODY_BYTES
    assert body_limit_for("/api/v1/clients/12/clearance/") == settings.CLINIC_MAX_BODY_BYTES


def test_an_upload_without_a_title_or_a_known_kind_is_refused_naming_them(api_as, client_record):
    response = _upload(api_as("therapist"), client_record, title="", kind="x-ray")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"title", "kind"}


def test_front_desk_may_hand_in_a_letter_but_never_list_or_read_documents(
    api_as, client_record, uploaded
):
    front_desk = api_as("front_desk")
    assert _upload(front_desk, client_record).status_code == 201
    assert front_desk.get(f"/api/v1/clients/{client_record.pk}/documents/").status_code == 403
    assert front_desk.get(f"/api/v1/documents/{uploaded.pk}/").status_code == 403
    assert front_desk.get(f"/api/v1/documents/{uploaded.pk}/download/").status_code == 403


def test_clients_cannot_upload_list_or_read_documents(api_as, client_record, uploaded):
    me = api_as("client")
    assert _upload(me, client_record).status_code == 403
    assert me.get(f"/api/v1/clients/{client_record.pk}/documents/").status_code == 403
    assert me.get(f"/api/v1/documents/{uploaded.pk}/download/").status_code == 403


def test_another_therapist_and_another_clinic_get_404(api, api_as, client_record, uploaded):
    other = api_as("other_therapist")
    assert other.get(f"/api/v1/documents/{uploaded.pk}/").status_code == 404
    assert other.get(f"/api/v1/documents/{uploaded.pk}/download/").status_code == 404
    assert other.get(f"/api/v1/clients/{client_record.pk}/documents/").status_code == 404
    assert _upload(other, client_record).status_code == 404
    elsewhere = UserFactory(clinic=ClinicFactory(name="Elsewhere"), role="owner")
    api.force_authenticate(elsewhere)
    assert api.get(f"/api/v1/documents/{uploaded.pk}/download/").status_code == 404
    assert _upload(api, client_record).status_code == 404
    stranger = ClientFactory(clinic=elsewhere.clinic)
    assert _upload(api_as("owner"), stranger).status_code == 404


def test_the_download_is_an_attachment_not_sniffed_and_audited(
    api_as, uploaded, therapist, client_record
):
    response = api_as("therapist").get(
        f"/api/v1/documents/{uploaded.pk}/download/", HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"gp-clearance-letter-{uploaded.pk}.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.filter(actor=therapist, action="read").latest("pk")
    assert (event.object_type, event.object_id, event.client) == (
        "intake.clientdocument",
        str(uploaded.pk),
        client_record,
    )
    assert event.detail == {"via": "documents:download"}


def test_listing_documents_with_their_titles_is_an_audited_read(
    api_as, uploaded, owner, client_record
):
    response = api_as("owner").get(f"/api/v1/clients/{client_record.pk}/documents/")
    assert response.status_code == 200
    assert [d["title"] for d in response.json()] == ["GP clearance letter"]
    assert AuditEvent.objects.filter(
        actor=owner, action="read", object_id=str(uploaded.pk), client=client_record
    ).exists()
    details = api_as("owner").get(f"/api/v1/documents/{uploaded.pk}/")
    assert details.status_code == 200 and details.json()["kind"] == "clearance_letter"
    assert AuditEvent.objects.filter(
        actor=owner, action="read", detail={"via": "documents:details"}
    ).exists()


def test_an_empty_list_is_an_audited_read_of_the_client(api_as, therapist, client_record):
    assert api_as("therapist").get(f"/api/v1/clients/{client_record.pk}/documents/").json() == []
    event = AuditEvent.objects.filter(actor=therapist, action="read").latest("pk")
    assert event.client == client_record and event.detail == {"via": "documents:list"}


def test_uploading_is_audited(api_as, uploaded, therapist, client_record):
    event = AuditEvent.objects.get(actor=therapist, action="create")
    assert event.object_id == str(uploaded.pk) and event.client == client_record


def test_nothing_of_the_uploaded_file_is_at_a_public_url(api_as, uploaded, settings):
    details = api_as("owner").get(f"/api/v1/documents/{uploaded.pk}/").content.decode()
    assert uploaded.file.name not in details and "media" not in details
    browser = BrowserClient()
    for url in (settings.MEDIA_URL + uploaded.file.name, "/" + uploaded.file.name):
        assert browser.get("/" + url.lstrip("/")).status_code == 404


def test_documents_are_never_deleted_through_the_api(api_as, uploaded):
    response = api_as("owner").delete(f"/api/v1/documents/{uploaded.pk}/")
    assert response.status_code in (403, 405)  # no delete: refused whoever asks
    assert ClientDocument.objects.filter(pk=uploaded.pk).exists()
