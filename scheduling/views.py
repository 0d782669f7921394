"""Pages of scheduling: the therapist's calendar feed and the waitlist offer."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clinic.core.errors import DomainError
from scheduling import calendars, services
from scheduling.models import Appointment, CalendarFeed, WaitlistStatus
from scheduling.services.messages import appointment_context


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A therapist's appointments as iCalendar; the secret token is the key."""
    feed = CalendarFeed.objects.select_related("therapist__user").filter(token=token).first()
    if feed is None:
        raise Http404
    now = timezone.now()
    appointments = (
        Appointment.objects.filter(
            therapist=feed.therapist,
            starts_at__gte=now - timedelta(days=60),
            starts_at__lt=now + timedelta(days=365),
        )
        .select_related("client", "service", "room", "location", "clinic", "therapist__user")
        .order_by("starts_at")
    )
    body = calendars.therapist_feed(feed.therapist.display_name, appointments)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="appointments.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@csrf_exempt  # the signed token in the address is the authority, as in the e-mail link
@require_http_methods(["GET", "POST"])
def waitlist_offer(request: HttpRequest, token: str) -> HttpResponse:
    """The page an offer message opens: see the time, and take it."""
    offer = services.read_offer_token(token)
    if offer is None:
        return render(request, "scheduling/offer_invalid.html", status=404)
    entry = offer.entry
    clinic = entry.client.clinic
    zone = ZoneInfo(entry.location.timezone)
    context = {
        "clinic": clinic,
        "service": entry.service.name,
        "therapist": offer.therapist.display_name,
        "location": entry.location.name,
        "when": offer.starts_at.astimezone(zone),
        "zone": offer.starts_at.astimezone(zone).tzname(),
    }
    if entry.status == WaitlistStatus.BOOKED and entry.booked_appointment_id:
        booked = Appointment.objects.select_related(
            "service", "therapist__user", "location", "clinic"
        ).get(pk=entry.booked_appointment_id)
        return render(
            request,
            "scheduling/offer_booked.html",
            {**context, "appointment": appointment_context(booked)},
        )
    if request.method == "POST":
        try:
            appointment = services.accept_offer(offer=offer, accepted_by=None)
        except DomainError as exc:
            return render(
                request,
                "scheduling/offer_gone.html",
                {**context, "reason": exc.message},
                status=409,
            )
        return render(
            request,
            "scheduling/offer_booked.html",
            {**context, "appointment": appointment_context(appointment)},
        )
    return render(request, "scheduling/offer.html", context)
