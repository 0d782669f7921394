"""Guards every request passes before any view sees it (early in MIDDLEWARE,
right after the request id):

* ``BodyLimitMiddleware``: a body larger than the limit for its path is
  refused with 413 from its Content-Length, without reading a byte of it; a
  body without one (chunked) is read through a cap that stops at the limit.
* ``NulByteMiddleware``: a NUL character in the address or a query parameter
  is refused with 400 naming it (bodies: see ``clinic.core.api.parsers``).

Under /api/ the answers use the API's error shape; elsewhere a plain page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse

from clinic.core.api.errors import error_body, summary

NUL_MESSAGE = "Remove the NUL character (\\x00) from this."


class BodyTooLarge(RequestDataTooBig):
    """A body without a Content-Length went past the limit while being read."""


def _prefix_matches(path: str, prefix: str) -> bool:
    """``path`` starts with ``prefix``, where a ``*`` in the prefix stands for
    one whole segment (``/api/v1/clients/*/documents/``)."""
    if "*" not in prefix:
        return path.startswith(prefix)
    pattern = "[^/]+".join(re.escape(part) for part in prefix.split("*"))
    return re.match(pattern, path) is not None


def body_limit_for(path: str) -> int:
    """The most bytes a request body to ``path`` may have: the longest prefix
    in CLINIC_BODY_LIMITS that matches, else CLINIC_MAX_BODY_BYTES."""
    limits: dict[str, int] = getattr(settings, "CLINIC_BODY_LIMITS", {})
    matching = [prefix for prefix in limits if _prefix_matches(path, prefix)]
    if matching:
        return int(limits[max(matching, key=len)])
    return int(getattr(settings, "CLINIC_MAX_BODY_BYTES", 1_048_576))


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    message = f"The request body is too large: send at most {limit:,} bytes."
    if _is_api(request):
        return JsonResponse(
            error_body(status_code=413, code="too_large", message=message), status=413
        )
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


def bad_request(request: HttpRequest, fields: dict[str, list[str]]) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            error_body(status_code=400, code="invalid", message=summary(fields), fields=fields),
            status=400,
        )
    lines = [f"{name}: {' '.join(messages)}" for name, messages in fields.items()]
    return HttpResponse(
        "Bad request.\n" + "\n".join(lines), status=400, content_type="text/plain; charset=utf-8"
    )


class CappedStream:
    """Reads through to ``stream`` and raises BodyTooLarge past ``limit`` bytes."""

    def __init__(self, stream: Any, limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.seen = 0

    @property
    def exceeded(self) -> bool:
        return self.seen > self.limit

    def _allowance(self, size: int | None) -> int:
        room = self.limit - self.seen + 1  # one byte more tells "too large" from "exactly"
        return room if size is None or size < 0 else min(size, room)

    def _count(self, chunk: bytes) -> bytes:
        self.seen += len(chunk)
        if self.exceeded:
            raise BodyTooLarge(f"The request body is larger than {self.limit} bytes.")
        return chunk

    def read(self, size: int | None = -1) -> bytes:
        return self._count(self.stream.read(self._allowance(size)))

    def readline(self, size: int | None = -1) -> bytes:
        return self._count(self.stream.readline(self._allowance(size)))

    def close(self) -> None:
        close = getattr(self.stream, "close", None)
        if close is not None:
            close()


def _content_length(request: HttpRequest) -> int | None:
    raw = request.META.get("CONTENT_LENGTH") or ""
    return int(raw) if raw.isdigit() else None


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit_for(request.path_info)
        length = _content_length(request)
        if length is not None and length > limit:
            return too_large(request, limit)
        stream = getattr(request, "_stream", None)
        if stream is None:
            return self.get_response(request)
        capped = CappedStream(stream, limit)
        request._stream = capped  # type: ignore[assignment]
        response = self.get_response(request)
        # Whatever a view or middleware made of the refused read (Django turns
        # RequestDataTooBig into a 400 when it escapes process_view), it is a 413.
        return too_large(request, limit) if capped.exceeded else response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return too_large(request, body_limit_for(request.path_info))
        return None


class NulByteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        if "\x00" in request.path:
            fields["path"] = [NUL_MESSAGE]
        try:
            query = request.GET
        except TooManyFieldsSent:
            return bad_request(request, {"query": ["There are too many query parameters."]})
        for key, values in query.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                fields[key.replace("\x00", "\\x00")] = [NUL_MESSAGE]
        if fields:
            return bad_request(request, fields)
        return self.get_response(request)
