"""Channels that carry a rendered message to a person.

E-mail goes through Django's mail framework (SMTP or any django-anymail
provider, chosen by settings). SMS goes through a small backend interface:
a file backend (the embedded default, one file per message in ``var/sms/``)
and an HTTP provider backend configured by settings. Each send is made
idempotent by the message's key where the channel allows: the e-mail's
Message-ID is derived from the key (mail stores drop a repeated Message-ID),
the SMS file is named by it, and the HTTP provider gets it as Idempotency-Key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import requests
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.module_loading import import_string


class SendError(Exception):
    """The channel did not accept the message (it will be retried)."""


@dataclass(frozen=True)
class OutgoingMessage:
    idempotency_key: str
    to: str
    body: str
    subject: str = ""
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    attachments: tuple[tuple[str, str, str], ...] = ()  # (filename, content, mimetype)

    @property
    def key_hash(self) -> str:
        return hashlib.sha256(self.idempotency_key.encode()).hexdigest()[:32]


def message_id_for(key_hash: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "clinic.local"
    return f"<{key_hash}@{domain}>"


class EmailChannel:
    """Sends e-mails over one connection, opened on first use."""

    def __init__(self) -> None:
        self._connection: Any = None

    def send(self, message: OutgoingMessage) -> str:
        if self._connection is None:
            self._connection = get_connection(fail_silently=False)
            self._connection.open()
        message_id = message_id_for(message.key_hash)
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"Message-ID": message_id, **message.headers},
            connection=self._connection,
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        for filename, content, mimetype in message.attachments:
            email.attach(filename, content, mimetype)
        try:
            email.send(fail_silently=False)
        except Exception as exc:
            self.close()  # a failed SMTP conversation leaves the connection unusable
            raise SendError(f"{exc.__class__.__name__}: {exc}") from exc
        # An anymail provider reports its own id (which may be any value, even 0).
        status = getattr(email, "anymail_status", None)
        provider_id = getattr(status, "message_id", None) if status is not None else None
        return message_id if provider_id is None else str(provider_id)

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # a broken connection may fail to close
                self._connection.close()
            self._connection = None


class SmsBackend(Protocol):
    def send(self, message: OutgoingMessage) -> str: ...


class FileSmsBackend:
    """Writes each SMS as a JSON file named by its key (the embedded default)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory or settings.SMS_FILE_PATH)

    def send(self, message: OutgoingMessage) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{message.key_hash}.json"
        payload = {"to": message.to, "from": settings.SMS_FROM, "body": message.body}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)  # atomic: a repeated send rewrites the same file
        return f"file:{path.name}"


class HttpSmsBackend:
    """A JSON-over-HTTPS SMS provider.

    POST {SMS_HTTP_URL} with ``{"to", "from", "body"}``, a bearer token and an
    ``Idempotency-Key`` header; a 2xx answer carries the provider's ``id``.
    """

    def __init__(self) -> None:
        self.url = settings.SMS_HTTP_URL
        self.token = settings.SMS_HTTP_TOKEN
        self.timeout = settings.SMS_HTTP_TIMEOUT
        if not self.url:
            raise SendError("SMS_HTTP_URL is not set.")

    def send(self, message: OutgoingMessage) -> str:
        try:
            response = requests.post(
                self.url,
                json={"to": message.to, "from": settings.SMS_FROM, "body": message.body},
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Idempotency-Key": message.key_hash,
                },
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise SendError(f"SMS provider unreachable: {exc}") from exc
        if not response.ok:
            raise SendError(f"SMS provider answered {response.status_code}: {response.text[:200]}")
        try:
            return str(response.json()["id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise SendError("SMS provider answered without a message id.") from exc


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend
