"""Channels that carry a rendered message to a person.

E-mail goes through Django's mail framework (SMTP or any django-anymail
provider, chosen by settings). SMS goes through a small backend interface:
a file backend (the embedded default, one file per message in ``var/sms/``)
and an HTTP provider backend configured by settings. A repeated send of one
message carries the same identity where the channel allows: the e-mail's
Message-ID is derived from the message's key, the SMS file is named by it,
and the HTTP provider gets it as Idempotency-Key (a provider drops the
repeat; a mail relay or inbox does not, so the outbox sends each e-mail again
only when an earlier try may not have reached the server).

Every failure is a ``SendError`` that says what the sender should do next:
give up (``Failure.PERMANENT``: the server refused this message), try again
later (``TRANSIENT``: it could not be reached, timed out, or asked us to come
back), or try a few times (``UNKNOWN``). ``maybe_delivered`` marks a failure
that came after the message was handed over, and ``unreachable`` one where the
service itself could not be reached, so the sender stops trying it for a while.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import json
import smtplib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import requests
from anymail.exceptions import (  # type: ignore[import-untyped]
    AnymailAPIError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.module_loading import import_string
from urllib3.exceptions import NewConnectionError


class Failure(enum.StrEnum):
    PERMANENT = "permanent"  # refused for good: retrying cannot help
    TRANSIENT = "transient"  # unreachable, timed out or "try later": retried for hours
    UNKNOWN = "unknown"  # anything else: retried a few times


class SendError(Exception):
    """The channel did not take the message; the attributes say what next."""

    def __init__(
        self,
        message: str,
        *,
        failure: Failure = Failure.TRANSIENT,
        maybe_delivered: bool = False,
        unreachable: bool = False,
    ) -> None:
        super().__init__(message)
        self.failure = failure
        self.maybe_delivered = maybe_delivered
        self.unreachable = unreachable


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


def _describe(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"


def _smtp_code_failure(code: int) -> Failure:
    return Failure.PERMANENT if 500 <= code < 600 else Failure.TRANSIENT


# Refusals about the sender or the account are the clinic's configuration, not
# this message: they are retried (for hours) so that fixing the settings is enough.
_CONFIGURATION_REFUSALS = (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError)


def email_send_error(exc: Exception, *, handed_over: bool) -> SendError:
    """What a failed e-mail send means. ``handed_over``: the failure came while
    the message was being sent (not while connecting), so a broken connection
    or a timeout may have come after the server took it."""
    text = _describe(exc)
    if isinstance(exc, SendError):
        return exc
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in exc.recipients.values()]
        permanent = bool(codes) and all(500 <= code < 600 for code in codes)
        return SendError(text, failure=Failure.PERMANENT if permanent else Failure.TRANSIENT)
    if isinstance(exc, _CONFIGURATION_REFUSALS):
        return SendError(text, failure=Failure.TRANSIENT)
    if isinstance(exc, smtplib.SMTPConnectError | smtplib.SMTPHeloError):
        return SendError(text, failure=Failure.TRANSIENT, unreachable=True)
    if isinstance(exc, smtplib.SMTPResponseException):  # DATA refused, or a 4xx/5xx elsewhere
        return SendError(text, failure=_smtp_code_failure(exc.smtp_code))
    if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):  # refused, reset, timed out
        return SendError(
            text, failure=Failure.TRANSIENT, maybe_delivered=handed_over, unreachable=True
        )
    if isinstance(exc, AnymailRecipientsRefused | AnymailInvalidAddress):
        return SendError(text, failure=Failure.PERMANENT)
    if isinstance(exc, AnymailAPIError):
        status = exc.status_code
        if status is None:  # no answer: the request may or may not have arrived
            return SendError(
                text, failure=Failure.TRANSIENT, maybe_delivered=handed_over, unreachable=True
            )
        return SendError(text, failure=http_status_failure(status))
    return SendError(text, failure=Failure.UNKNOWN)


# Answers that are about the request or the account rather than this message:
# timeout, conflict (the same key still being processed), too early, too many,
# and the credentials (fixed in settings, then the next try works).
_RETRIED_CLIENT_ERRORS = frozenset({401, 403, 408, 409, 425, 429})


def http_status_failure(status: int) -> Failure:
    """A provider's HTTP error: 4xx refuses this message for good (except the
    answers about timing, rate or credentials); 5xx is the provider's trouble."""
    if 400 <= status < 500 and status not in _RETRIED_CLIENT_ERRORS:
        return Failure.PERMANENT
    return Failure.TRANSIENT


class EmailChannel:
    """Sends e-mails over one connection, opened on first use. The socket
    timeout is Django's ``EMAIL_TIMEOUT``: a server that accepts the connection
    and never answers costs one timeout, not a stuck worker."""

    def __init__(self) -> None:
        self._connection: Any = None

    def send(self, message: OutgoingMessage) -> str:
        if self._connection is None:
            connection = get_connection(fail_silently=False)
            try:
                connection.open()
            except Exception as exc:
                with contextlib.suppress(Exception):
                    connection.close()
                raise email_send_error(exc, handed_over=False) from exc
            self._connection = connection
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
            raise email_send_error(exc, handed_over=True) from exc
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
        path = self.directory / f"{message.key_hash}.json"
        payload = {"to": message.to, "from": settings.SMS_FROM, "body": message.body}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
            tmp.replace(path)  # atomic: a repeated send rewrites the same file
        except OSError as exc:
            raise SendError(_describe(exc), failure=Failure.TRANSIENT) from exc
        return f"file:{path.name}"


def _never_connected(exc: requests.ConnectionError) -> bool:
    """The request never reached the provider (refused, or no connection in time)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


class HttpSmsBackend:
    """A JSON-over-HTTPS SMS provider.

    POST {SMS_HTTP_URL} with ``{"to", "from", "body"}``, a bearer token and an
    ``Idempotency-Key`` header; a 2xx answer carries the provider's ``id``.
    ``SMS_HTTP_TIMEOUT`` bounds connecting and each wait for the answer.
    """

    def __init__(self) -> None:
        self.url = settings.SMS_HTTP_URL
        self.token = settings.SMS_HTTP_TOKEN
        self.timeout = settings.SMS_HTTP_TIMEOUT
        if not self.url:
            raise SendError("SMS_HTTP_URL is not set.", failure=Failure.TRANSIENT)

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
        except requests.ConnectionError as exc:
            raise SendError(
                f"SMS provider unreachable: {exc}",
                failure=Failure.TRANSIENT,
                maybe_delivered=not _never_connected(exc),
                unreachable=True,
            ) from exc
        except requests.Timeout as exc:  # connected, sent, no answer in time
            raise SendError(
                f"SMS provider did not answer: {exc}",
                failure=Failure.TRANSIENT,
                maybe_delivered=True,
                unreachable=True,
            ) from exc
        except requests.RequestException as exc:
            raise SendError(f"SMS provider request failed: {exc}", failure=Failure.UNKNOWN) from exc
        if not response.ok:
            raise SendError(
                f"SMS provider answered {response.status_code}: {response.text[:200]}",
                failure=http_status_failure(response.status_code),
            )
        try:
            return str(response.json()["id"])
        except (ValueError, KeyError, TypeError) as exc:
            # Taken (2xx) but unreadable: the same Idempotency-Key asks again for the id.
            raise SendError(
                "SMS provider answered without a message id.",
                failure=Failure.TRANSIENT,
                maybe_delivered=True,
            ) from exc


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend
