"""The appointment panel: beside the day grid (htmx) or a page of its own,
with the visit's steps through scheduling's services (confirm, check in,
complete, no-show, cancel, reschedule to a free time of the slot search) and
the intake link through intake's. Each step re-renders the panel and tells
the grid to refresh (the ``day-changed`` event)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from clinic.core import services as core_services
from clinic.core.errors import DomainError, InvalidInput
from clinic.core.models import User
from intake import selectors as intake_selectors
from intake.services import links as intake_links
from scheduling import selectors, services
from scheduling.models import ACTIVE_STATUSES, Appointment, AppointmentStatus
from workspace.access import DESK, staff_page
from workspace.desk_grid import current_user, free_starts, parse_date, visit_block, zone_label

# --- the appointment panel -----------------------------------------------------------


def _appointment_for(user: User, pk: int) -> Appointment:
    try:
        return selectors.list_appointments_for(user).get(pk=pk)
    except Appointment.DoesNotExist:
        raise Http404("No such appointment.") from None


def _free_times(appointment: Appointment, day: date) -> list[dict[str, str]]:
    """Where this visit could move on a day (its own time set aside)."""
    return free_starts(
        service=appointment.service,
        therapist=appointment.therapist,
        location=appointment.location,
        day=day,
        exclude_appointment_id=appointment.pk,
    )


def _panel_context(
    user: User, appointment: Appointment, slot_date: date | None = None
) -> dict[str, Any]:
    zone = ZoneInfo(appointment.location.timezone)
    history = list(
        selectors.list_appointments_for(user)
        .filter(client_id=appointment.client_id)
        .order_by("-starts_at")[:12]
    )
    no_shows = (
        selectors.list_appointments_for(user)
        .filter(client_id=appointment.client_id, status=AppointmentStatus.NO_SHOW)
        .count()
    )
    badge = intake_selectors.get_intake_badges([appointment.client_id])[appointment.client_id]
    status = appointment.status
    movable = status in (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)
    slot_date = slot_date or appointment.starts_at.astimezone(zone).date()
    return {
        "slot_date": slot_date,
        "slots": _free_times(appointment, slot_date) if movable else [],
        "appointment": appointment,
        "visit": visit_block(appointment, zone, {appointment.client_id: badge}),
        "client": appointment.client,
        "zone_label": zone_label(appointment.location),
        # Naive wall times: template filters would otherwise move them to UTC.
        "local_start": appointment.starts_at.astimezone(zone).replace(tzinfo=None),
        "local_end": appointment.ends_at.astimezone(zone).replace(tzinfo=None),
        "history": [
            {
                "id": a.pk,
                "when": a.starts_at.astimezone(ZoneInfo(a.location.timezone)).replace(tzinfo=None),
                "service": a.service.name,
                "therapist": a.therapist.display_name,
                "status": a.get_status_display(),
                "current": a.pk == appointment.pk,
            }
            for a in history
        ],
        "no_shows": no_shows,
        "late_cancel": status in ACTIVE_STATUSES and services.is_late_cancellation(appointment),
        # Which buttons to offer; the services remain the judge of each step.
        "can": {
            "confirm": status == AppointmentStatus.BOOKED,
            "check_in": movable,
            "complete": status == AppointmentStatus.CHECKED_IN
            or (movable and appointment.starts_at <= timezone.now()),
            "no_show": movable,
            "cancel": movable,
            "reschedule": movable,
        },
        "intake_due": badge["intake_status"] != "done",
    }


def render_panel(
    request: HttpRequest,
    appointment: Appointment,
    *,
    message: str = "",
    error: str = "",
    errors: dict[str, list[str]] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
    changed: bool = False,
    warnings: list[str] | None = None,
) -> HttpResponse:
    """The panel (htmx) or the appointment's own page, after a look or a step."""
    user = current_user(request)
    appointment = _appointment_for(user, appointment.pk)
    slot_date = parse_date(request.POST.get("date") or request.GET.get("date"), date.min)
    context = _panel_context(user, appointment, None if slot_date == date.min else slot_date)
    context.update(
        message=message,
        error=error,
        errors=errors or {},
        values=values or {},
        warnings=warnings or [],
        day_url=reverse("workspace:day")
        + f"?location={appointment.location_id}&date="
        + context["local_start"].date().isoformat(),
    )
    template = "workspace/desk/_panel.html" if request.htmx else "workspace/desk/appointment.html"  # type: ignore[attr-defined]
    # htmx swaps only 2xx answers: a refused step still re-renders the panel, with
    # the status kept for a plain form post (and for the tests).
    response = render(request, template, context, status=200 if request.htmx else status)  # type: ignore[attr-defined]
    if changed:
        response["HX-Trigger"] = "day-changed"
    return response


@staff_page(*DESK)
def appointment(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel beside the grid (htmx) or a page of its own. Opening it reads
    the client's record, audited as the API's client read is."""
    user = current_user(request)
    current = _appointment_for(user, pk)
    core_services.record_client_read(client=current.client, read_by=user)
    return render_panel(request, current)


ACTIONS: dict[str, tuple[Callable[..., Appointment], str, str]] = {
    "confirm": (services.confirm_appointment, "confirmed_by", "Confirmed."),
    "check-in": (services.check_in_appointment, "checked_in_by", "Checked in."),
    "complete": (services.complete_appointment, "completed_by", "Marked as completed."),
    "no-show": (services.mark_no_show, "marked_by", "Marked as a no-show."),
}


@staff_page(*DESK)
def appointment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of the visit's life, through scheduling's services."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    user = current_user(request)
    current = _appointment_for(user, pk)
    values = {k: str(v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    try:
        if action in ACTIONS:
            service, by, done = ACTIONS[action]
            service(appointment=current, **{by: user})
            return render_panel(request, current, message=done, changed=True)
        if action == "cancel":
            reason = request.POST.get("reason", "").strip()
            if not reason:
                raise InvalidInput(fields={"reason": ["Say why the visit is cancelled."]})
            services.cancel_appointment(appointment=current, cancelled_by=user, reason=reason)
            return render_panel(request, current, message="Cancelled.", changed=True)
        if action == "reschedule":
            starts_at = _parse_slot(request.POST.get("starts_at", ""))
            moved = services.reschedule_appointment(
                appointment=current, starts_at=starts_at, rescheduled_by=user
            )
            return render_panel(
                request,
                moved,
                message="Moved. The client gets the new time.",
                changed=True,
            )
        if action == "intake-link":
            intake_links.send_intake_link(client=current.client, sent_by=user)
            return render_panel(request, current, message="The intake link is on its way.")
    except InvalidInput as exc:
        return render_panel(
            request, current, errors=exc.fields, values=values, error=exc.message, status=400
        )
    except DomainError as exc:
        return render_panel(
            request, current, error=exc.message, values=values, status=exc.status_code, changed=True
        )
    raise Http404("No such action.")


def _parse_slot(raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(fields={"starts_at": ["Pick one of the free times."]}) from None
    if value.tzinfo is None:
        raise InvalidInput(fields={"starts_at": ["Pick one of the free times."]})
    return value


@staff_page(*DESK)
def reschedule_slots(request: HttpRequest, pk: int) -> HttpResponse:
    """The free times (the slot search) the visit could move to on a date."""
    user = current_user(request)
    current = _appointment_for(user, pk)
    zone = ZoneInfo(current.location.timezone)
    picked = parse_date(request.GET.get("date"), current.starts_at.astimezone(zone).date())
    if not request.htmx:  # type: ignore[attr-defined]
        return render_panel(request, current)
    return render(
        request,
        "workspace/desk/_slots.html",
        {
            "appointment": current,
            "slots": _free_times(current, picked),
            "slot_date": picked,
            "zone_label": zone_label(current.location),
            "errors": {},
            "values": {},
        },
    )
