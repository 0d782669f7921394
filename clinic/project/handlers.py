"""Error pages: JSON in the project's error shape under /api/, HTML elsewhere."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

from clinic.core.api.errors import error_body, json_not_found, json_server_error


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def lockout(request: HttpRequest, credentials: dict[str, Any] | None = None) -> HttpResponse:
    """django-axes calls this for a locked-out sign-in: our error shape under
    /api/, a plain page for the admin."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(
                status_code=429,
                code="locked_out",
                message="Too many failed sign-ins. Please wait a while and try again.",
            ),
            status=429,
        )
    return render(request, "clinic/locked_out.html", status=429)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_server_error(request)
    return defaults.server_error(request)
