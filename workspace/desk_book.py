"""Booking from the front desk's day grid (workspace/desk.py draws the grid).

Free time on the grid opens this form beside it: pick a client (search as you
type, scoped like GET /api/v1/clients/?search=) or register a new one, the
service, and one of the free starts the slot search offers for that therapist
and day. Booking goes through ``book_appointment``: a lost race answers "Just
taken: pick another time" with fresh free times and the grid refreshed; a
red-flag client needs a reason, as in the API.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinic.core import selectors as core_selectors
from clinic.core import services as core_services
from clinic.core.errors import DomainError, InvalidInput
from clinic.core.models import Client, Location, Therapist, User
from intake import selectors as intake_selectors
from scheduling import selectors, services
from scheduling.errors import BookingNeedsOverride, SlotTaken
from scheduling.models import Service
from workspace.access import DESK, staff_page
from workspace.desk_grid import current_user, free_starts, location_for, parse_date, zone_label
from workspace.desk_panel import render_panel

SEARCH_FIELDS = ("first_name", "last_name", "preferred_name", "email", "phone")
NEW_CLIENT_FIELDS = ("new_first_name", "new_last_name", "new_phone", "new_email")
TAKEN = "Just taken: pick another time."


def search_clients(user: User, text: str) -> QuerySet[Client]:
    """The API's client search (every word matches a name, e-mail or phone) on
    the clients this person may see."""
    found = core_selectors.list_clients_for(user)
    for word in text.split()[:5]:
        match = Q()
        for name in SEARCH_FIELDS:
            match |= Q(**{f"{name}__icontains": word})
        found = found.filter(match)
    return found.order_by("last_name", "first_name", "pk")


def _pick(qs: QuerySet[Any], raw: str | None, field: str, problem: str) -> Any:
    try:
        return qs.get(pk=int(raw or ""))
    except (ValueError, qs.model.DoesNotExist):
        raise InvalidInput(fields={field: [problem]}) from None


def _therapists(user: User, location: Location) -> QuerySet[Therapist]:
    return (
        core_selectors.list_therapists_for(user)
        .filter(locations=location, active=True)
        .order_by("user__first_name", "user__last_name", "pk")
    )


def _services(user: User, therapist: Therapist | None) -> list[Service]:
    offered = selectors.list_services_for(user).filter(active=True).order_by("name")
    if therapist is not None:
        offered = offered.filter(therapists=therapist)
    return list(offered)


def _free_starts(
    *, service: Service | None, therapist: Therapist | None, location: Location, day: date
) -> list[dict[str, str]]:
    if service is None or therapist is None:
        return []
    return free_starts(service=service, therapist=therapist, location=location, day=day)


def _form_context(request: HttpRequest, values: dict[str, str]) -> dict[str, Any]:
    """Everything the form shows, from what was asked for or typed."""
    user = current_user(request)
    location = location_for(user, values.get("location"))
    zone = ZoneInfo(location.timezone)
    therapists = list(_therapists(user, location))
    therapist = next((t for t in therapists if str(t.pk) == values.get("therapist")), None)
    if therapist is None and therapists and not values.get("therapist"):
        therapist = therapists[0]
    day = parse_date(values.get("date"), timezone.now().astimezone(zone).date())
    offered = _services(user, therapist)
    service = next((s for s in offered if str(s.pk) == values.get("service")), None)
    service = service or (offered[0] if offered else None)
    slots = _free_starts(service=service, therapist=therapist, location=location, day=day)
    wanted = values.get("starts_at", "")
    if not wanted and values.get("time"):
        # The clicked quarter hour: the first free start from there on.
        wanted = next((s["value"] for s in slots if s["label"] >= values["time"]), "")
    chosen = None
    client_id = values.get("client", "")
    if client_id.isdigit():
        chosen = core_selectors.list_clients_for(user).filter(pk=int(client_id)).first()
    return {
        "location": location,
        "therapists": therapists,
        "therapist": therapist,
        "services": offered,
        "service": service,
        "day": day,
        "slots": slots,
        "wanted": wanted,
        "chosen": chosen,
        "found": [chosen] if chosen else [],
        "values": values,
        "zone_label": zone_label(location),
        "errors": {},
        "needs_reason": bool(values.get("override_reason")),
    }


def _render_form(
    request: HttpRequest,
    values: dict[str, str],
    *,
    errors: dict[str, list[str]] | None = None,
    error: str = "",
    needs_reason: bool = False,
    status: int = 200,
    changed: bool = False,
) -> HttpResponse:
    context = _form_context(request, values)
    context["errors"] = errors or {}
    context["error"] = error
    context["needs_reason"] = needs_reason or context["needs_reason"]
    template = "workspace/desk/_book.html" if request.htmx else "workspace/desk/book.html"  # type: ignore[attr-defined]
    # htmx swaps only 2xx answers; a plain form post keeps the real status.
    response = render(request, template, context, status=200 if request.htmx else status)  # type: ignore[attr-defined]
    if changed:
        response["HX-Trigger"] = "day-changed"
    return response


def _values(data: Any) -> dict[str, str]:
    return {k: str(v).strip() for k, v in data.items() if k != "csrfmiddlewaretoken"}


@staff_page(*DESK)
def book(request: HttpRequest) -> HttpResponse:
    """GET: the form for a clicked free time; POST: book it."""
    if request.method != "POST":
        return _render_form(request, _values(request.GET))
    values = _values(request.POST)
    try:
        appointment = _book(request, values)
    except SlotTaken as exc:
        message = TAKEN if exc.message == SlotTaken.default_message else exc.message
        values.pop("starts_at", None)
        return _render_form(request, values, error=message, status=409, changed=True)
    except BookingNeedsOverride as exc:
        return _render_form(
            request, values, errors=exc.fields, error=exc.message, needs_reason=True, status=409
        )
    except InvalidInput as exc:
        return _render_form(request, values, errors=exc.fields, error=exc.message, status=400)
    except DomainError as exc:
        return _render_form(request, values, error=exc.message, status=exc.status_code)
    warnings = intake_selectors.list_booking_warnings(appointment.client)
    return render_panel(request, appointment, message="Booked.", warnings=warnings, changed=True)


def _book(request: HttpRequest, values: dict[str, str]) -> Any:
    user = current_user(request)
    location = location_for(user, values.get("location"))
    problems: dict[str, list[str]] = {}
    picked: dict[str, Any] = {}
    for field, qs, problem in (
        ("therapist", _therapists(user, location), "Choose a therapist."),
        ("service", selectors.list_services_for(user).filter(active=True), "Choose a service."),
    ):
        try:
            picked[field] = _pick(qs, values.get(field), field, problem)
        except InvalidInput as exc:
            problems.update(exc.fields)
    try:
        starts_at = datetime.fromisoformat(values.get("starts_at", ""))
        if starts_at.tzinfo is None:
            raise ValueError
    except ValueError:
        problems["starts_at"] = ["Choose one of the free times."]
    new_client = any(values.get(f) for f in NEW_CLIENT_FIELDS)
    client: Client | None = None
    if values.get("client"):
        try:
            client = _pick(
                core_selectors.list_clients_for(user),
                values["client"],
                "client",
                "Choose a client.",
            )
        except InvalidInput as exc:
            problems.update(exc.fields)
    elif not new_client:
        problems["client"] = ["Find the client, or fill in a new client's details."]
    elif not values.get("new_first_name") or not values.get("new_last_name"):
        for f in ("new_first_name", "new_last_name"):
            if not values.get(f):
                problems[f] = ["Give the client's name."]
    if problems:
        raise InvalidInput(fields=problems)
    # One transaction: a new client is kept only if their visit is booked.
    with transaction.atomic():
        if client is None:
            clinic = core_selectors.get_clinic_for(user)
            assert clinic is not None
            try:
                client = core_services.create_client(
                    clinic=clinic,
                    created_by=user,
                    first_name=values["new_first_name"],
                    last_name=values["new_last_name"],
                    phone=values.get("new_phone", ""),
                    email=values.get("new_email", ""),
                )
            except InvalidInput as exc:
                raise InvalidInput(
                    exc.message, fields={f"new_{k}": v for k, v in exc.fields.items()}
                ) from None
        return services.book_appointment(
            client=client,
            service=picked["service"],
            therapist=picked["therapist"],
            location=location,
            starts_at=starts_at,
            booked_by=user,
            override_reason=values.get("override_reason", ""),
        )


@staff_page(*DESK)
def book_slots(request: HttpRequest) -> HttpResponse:
    """The service and free-time part of the form, for a changed therapist,
    day or service."""
    context = _form_context(request, _values(request.GET))
    return render(request, "workspace/desk/_book_slots.html", context)


@staff_page(*DESK)
def book_clients(request: HttpRequest) -> HttpResponse:
    """Clients matching what is typed (at least two characters; ten at most)."""
    text = request.GET.get("q", "").strip()
    found = list(search_clients(current_user(request), text)[:10]) if len(text) >= 2 else []
    return render(
        request,
        "workspace/desk/_book_clients.html",
        {"found": found, "text": text, "values": {}, "chosen": None},
    )
