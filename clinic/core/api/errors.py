"""One error shape for every 4xx the API returns:

    {"status": 400, "code": "invalid", "message": "...",
     "fields": {"email": ["Enter a valid email address."]}, "request_id": "..."}

``fields`` maps each offending field (dotted for nested input, e.g.
``address.city`` or ``items.0.hold_seconds``) to what is wrong with it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from clinic.core.errors import DomainError
from clinic.core.middleware import current_request


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into {"dotted.field": [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = (
                "non_field_errors"
                if key in ("non_field_errors", "__all__") and not prefix
                else (f"{prefix}.{key}" if prefix else str(key))
            )
            for k, v in flatten_errors(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out.setdefault(prefix or "non_field_errors", []).extend(str(i) for i in detail)
        else:
            for index, item in enumerate(detail):
                if item in ({}, []):
                    continue
                name = f"{prefix}.{index}" if prefix else str(index)
                for k, v in flatten_errors(item, name).items():
                    out.setdefault(k, []).extend(v)
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def error_body(
    *, status_code: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {
        "status": status_code,
        "code": code,
        "message": message,
        "fields": fields or {},
        "request_id": current_request.get().request_id,
    }


def summary(fields: dict[str, list[str]]) -> str:
    """The message of a 400 that names fields."""
    named = [f for f in fields if f != "non_field_errors"]
    if not named:
        return "; ".join(fields.get("non_field_errors", [])) or "The request is not valid."
    return "Please correct these fields: " + ", ".join(named) + "."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, reshaped; domain errors and Django validation errors too."""
    if isinstance(exc, DomainError):
        fields = exc.fields
        message = (
            exc.message if not fields or exc.message != exc.default_message else summary(fields)
        )
        return Response(
            error_body(status_code=exc.status_code, code=exc.code, message=message, fields=fields),
            status=exc.status_code,
        )
    if isinstance(exc, RequestDataTooBig):
        # A body without a Content-Length that went past the limit while read.
        return Response(
            error_body(
                status_code=413,
                code="too_large",
                message="The request body is too large.",
            ),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_errors(exc.detail)
        response.data = error_body(
            status_code=response.status_code,
            code="invalid",
            message=summary(fields),
            fields=fields,
        )
        return response
    code = "error"
    message = "The request could not be completed."
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        detail = exc.detail
        message = str(detail) if not isinstance(detail, (dict, list)) else message
    elif isinstance(exc, Http404):
        code, message = "not_found", "Not found."
    elif isinstance(exc, PermissionDenied):
        code, message = "permission_denied", "You do not have permission to do this."
    body = error_body(status_code=response.status_code, code=code, message=message)
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        body["retry_after_seconds"] = int(wait)
    response.data = body
    return response


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(
        error_body(status_code=404, code="not_found", message="Not found."),
        status=status.HTTP_404_NOT_FOUND,
    )


def json_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        error_body(
            status_code=500,
            code="server_error",
            message="Something went wrong on our side; it has been logged.",
        ),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
