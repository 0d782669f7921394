"""Turning a template key and its context into the words a person reads.

Each message type is a folder ``templates/notifications/<key>/`` holding
``subject.txt``, ``email.txt`` and ``email.html`` for e-mail and ``sms.txt``
for SMS: the clinic's words live in templates, never in code."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse

from clinic.core.models import Channel, Client, User
from clinic.core.signing import Purpose, make_token, read_token

_PARTS = {Channel.EMAIL: ("subject.txt", "email.txt", "email.html"), Channel.SMS: ("sms.txt",)}


def template_names(template_key: str, channel: str) -> list[str]:
    return [f"notifications/{template_key}/{part}" for part in _PARTS[Channel(channel)]]


_FOUND: set[str] = set()  # templates once found stay found; a missing one is looked up again


def missing_templates(template_key: str, channel: str) -> list[str]:
    missing = []
    for name in template_names(template_key, channel):
        if name in _FOUND:
            continue
        try:
            get_template(name)
        except TemplateDoesNotExist:
            missing.append(name)
        else:
            _FOUND.add(name)
    return missing


def unsubscribe_token(*, client: Client | None = None, user: User | None = None) -> str:
    if client is not None:
        payload = {"c": client.pk}
    elif user is not None:
        payload = {"u": user.pk}
    else:
        raise ValueError("an unsubscribe token needs a client or a user")
    return make_token(Purpose.UNSUBSCRIBE, payload)


def read_unsubscribe_token(token: str) -> dict[str, int] | None:
    """The recipient a link was made for (``{"c": client}`` or ``{"u": user}``);
    None when the token is forged or made for something else."""
    data = read_token(Purpose.UNSUBSCRIBE, token)
    if data is None or not ({"c", "u"} & set(data)):
        return None
    return data


def absolute_url(path: str) -> str:
    return settings.CLINIC_BASE_URL.rstrip("/") + path


def render(
    *,
    template_key: str,
    channel: str,
    context: dict[str, Any],
    recipient_name: str,
    clinic: Any,
    unsubscribe_url: str,
) -> dict[str, str]:
    """Render every part of the message; text parts are not HTML-escaped."""
    full = {
        **context,
        "recipient_name": recipient_name,
        "clinic": {"name": clinic.name, "phone": clinic.phone, "email": clinic.email},
        "unsubscribe_url": unsubscribe_url,
    }
    parts = {}
    for name in template_names(template_key, channel):
        part = name.rsplit("/", 1)[1]
        text = render_to_string(name, full)
        parts[part] = text.strip() if part != "email.html" else text
    if "subject.txt" in parts:
        parts["subject.txt"] = " ".join(parts["subject.txt"].split())  # one line
    return parts


_PLACEHOLDER = "TOKEN"


@lru_cache(maxsize=1)
def _unsubscribe_pattern() -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": _PLACEHOLDER})


def unsubscribe_path(token: str) -> str:
    # Resolved once: reverse() per message is a measurable part of a send.
    return _unsubscribe_pattern().replace(_PLACEHOLDER, token)
