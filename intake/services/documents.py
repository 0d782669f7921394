"""Client documents: letters and reports uploaded to a client's record.

A file is accepted by what it is, not by what it is called: its first bytes
must be those of a PDF, JPEG, PNG or HEIC image, and it must be at most
CLINIC_DOCUMENT_MAX_BYTES. It is stored through the ``documents`` storage
under a random name; reading one (a list with titles counts) is audited."""

from __future__ import annotations

import hashlib
import re
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from clinic.core.audit import record_audit, record_audit_many
from clinic.core.errors import InvalidInput, NotAllowed
from clinic.core.models import AuditAction, Client, Role, User
from clinic.core.selectors import has_client_relationship
from clinic.core.services import full_clean_or_400
from intake.models import ClientDocument, DocumentKind

UPLOADERS = (Role.OWNER, Role.THERAPIST, Role.FRONT_DESK)
# (content type, extension) by the file's own first bytes.
_HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis")
ACCEPTED_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/heic")


def sniff_type(head: bytes) -> tuple[str, str] | None:
    """The content type and extension the first bytes show, or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return "image/heic", "heic"
    return None


def max_document_bytes() -> int:
    return int(getattr(settings, "CLINIC_DOCUMENT_MAX_BYTES", 10 * 1_048_576))


def _plain_name(name: str) -> str:
    """The uploaded file's own name, for the download: no path, no control characters."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>')
    return name.strip()[:200]


def _digest(upload: UploadedFile) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


@transaction.atomic
def upload_document(
    *, client: Client, uploaded_by: User, kind: str, title: str, upload: UploadedFile
) -> ClientDocument:
    """Put a letter or report on the client's record. Staff only (the front
    desk may hand in a letter, though not read one); a file too large or not a
    PDF, JPEG, PNG or HEIC image is refused with a 400 naming ``file``."""
    if uploaded_by.role not in UPLOADERS:
        raise NotAllowed("Only staff add documents to a client's record.")
    if not has_client_relationship(uploaded_by, client):
        raise NotAllowed("You do not treat this client.")
    if kind not in DocumentKind.values:
        raise InvalidInput(fields={"kind": ["Give one of: " + ", ".join(DocumentKind.values)]})
    limit = max_document_bytes()
    if upload.size is None or upload.size > limit:
        raise InvalidInput(
            fields={"file": [f"The file is too large: send at most {limit // 1_048_576} MB."]}
        )
    if upload.size == 0:
        raise InvalidInput(fields={"file": ["The file is empty."]})
    upload.seek(0)
    found = sniff_type(upload.read(16))
    upload.seek(0)
    if found is None:
        raise InvalidInput(
            fields={"file": ["Send a PDF, or a JPEG, PNG or HEIC picture of the document."]}
        )
    content_type, extension = found
    document = ClientDocument(
        clinic_id=client.clinic_id,
        client=client,
        kind=kind,
        title=title.strip(),
        original_name=_plain_name(upload.name or ""),
        content_type=content_type,
        size=upload.size,
        sha256=_digest(upload),
        uploaded_by=uploaded_by,
    )
    full_clean_or_400(document, exclude=["clinic", "client", "uploaded_by", "file"])
    # The stored name is random and the extension is the one the content shows.
    document.file.save(f"upload.{extension}", upload, save=False)
    document.save()
    record_audit(
        actor=uploaded_by,
        action=AuditAction.CREATE,
        obj=document,
        client=client,
        detail={"kind": kind, "content_type": content_type, "size": document.size},
    )
    return document


def record_document_reads(
    *, client: Client, documents: list[ClientDocument], read_by: User, via: str
) -> None:
    """Staff read documents (their titles in a list, one's details, or its
    content): one event each, or one for the client when the list is empty."""
    if read_by.role == Role.CLIENT:
        return
    if not documents:
        record_audit(
            actor=read_by,
            action=AuditAction.READ,
            obj=client,
            client=client,
            detail={"via": f"documents:{via}"},
        )
        return
    record_audit_many(
        actor=read_by,
        action=AuditAction.READ,
        objects=list(documents),
        client_of=lambda d: d.client_id,
        detail={"via": f"documents:{via}"},
    )


def open_document(document: ClientDocument) -> IO[Any]:
    """The stored file, opened for reading (the caller has audited the read)."""
    return document.file.open("rb")
