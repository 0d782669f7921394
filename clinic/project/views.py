"""Pages and operational endpoints of the project package."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from clinic.core.cache import FailOpenRedisCache
from clinic.project.celery import app as celery_app

logger = logging.getLogger(__name__)


def _check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure is reported, never raised
        logger.warning("health check: database unreachable: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def _check_broker() -> dict[str, Any]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            broker = conn.as_uri()  # type: ignore[attr-defined]  # password masked
    except Exception as exc:
        logger.warning("health check: broker unreachable: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "url": broker}


def _check_cache() -> dict[str, Any]:
    cache = caches["default"]
    if isinstance(cache, FailOpenRedisCache):
        result = cache.check()
        if not result["ok"]:
            logger.warning("health check: cache unreachable: %s", result.get("error"))
        return result
    try:
        cache.set("healthz", "ok", 10)
        ok = cache.get("healthz") == "ok"
    except Exception as exc:
        logger.warning("health check: cache unreachable: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": ok, "backend": cache.__class__.__name__}


def healthz(request: HttpRequest) -> JsonResponse:
    """503 "unavailable" when the database or the broker does not answer: this
    instance cannot do its work. A cache that does not answer makes it 200
    "degraded": sign-in and every page keep working (rate limits count per
    process until it is back), so a load balancer must not take it out."""
    checks = {"database": _check_database(), "broker": _check_broker(), "cache": _check_cache()}
    essential = checks["database"]["ok"] and checks["broker"]["ok"]
    if not essential:
        state = "unavailable"
    elif not checks["cache"]["ok"]:
        state = "degraded"
    else:
        state = "ok"
    return JsonResponse({"status": state, "checks": checks}, status=200 if essential else 503)


def home(request: HttpRequest) -> HttpResponse:
    """Staff who are signed in go to their workspace; everyone else reads what
    this server is."""
    user = request.user
    if user.is_authenticated and getattr(user, "is_clinic_staff", False) and user.clinic_id:
        return redirect("workspace:home")
    return render(request, "clinic/home.html")
