"""The waitlist: clients who would take an earlier slot. When a cancellation
frees a matching slot every waiting client is offered it by message; the
first to accept books it (``moves.accept_offer``; the booking rules make sure
only one can)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from clinic.core.audit import record_audit
from clinic.core.errors import InvalidInput, NotAllowed
from clinic.core.models import AuditAction, Client, Location, Role, Therapist, User
from clinic.core.signing import Purpose, make_token, read_token
from clinic.notifications import rendering
from clinic.notifications import services as notifications
from scheduling.models import (
    Appointment,
    Service,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from scheduling.services.messages import appointment_context


@transaction.atomic
def join_waitlist(
    *,
    client: Client,
    service: Service,
    location: Location,
    earliest_date: date,
    latest_date: date,
    created_by: User,
    therapist: Therapist | None = None,
) -> WaitlistEntry:
    """Put a client on the waitlist for a service (and therapist) in a window."""
    if created_by.role == Role.CLIENT and client.user_id != created_by.pk:
        raise NotAllowed()
    if created_by.role == Role.THERAPIST:
        raise NotAllowed()
    problems: dict[str, list[str]] = {}
    if latest_date < earliest_date:
        problems["latest_date"] = ["The last date must not be before the first."]
    if latest_date < timezone.localdate():
        problems["latest_date"] = ["This window is already over."]
    if service.clinic_id != client.clinic_id or location.clinic_id != client.clinic_id:
        problems["service"] = ["This service is not offered here."]
    if therapist is not None and not service.therapists.filter(pk=therapist.pk).exists():
        problems["therapist"] = ["This therapist does not offer this service."]
    if problems:
        raise InvalidInput(fields=problems)
    entry = WaitlistEntry.objects.create(
        client=client,
        service=service,
        location=location,
        therapist=therapist,
        earliest_date=earliest_date,
        latest_date=latest_date,
        created_by=created_by,
    )
    record_audit(actor=created_by, action=AuditAction.CREATE, obj=entry, client=client)
    return entry


@transaction.atomic
def leave_waitlist(*, entry: WaitlistEntry, removed_by: User) -> WaitlistEntry:
    if removed_by.role == Role.CLIENT and entry.client.user_id != removed_by.pk:
        raise NotAllowed()
    if entry.status == WaitlistStatus.WAITING:
        entry.status = WaitlistStatus.CANCELLED
        entry.save(update_fields=["status"])
    return entry


def offer_token(offer: WaitlistOffer) -> str:
    return make_token(Purpose.WAITLIST_OFFER, {"offer": offer.pk})


def read_offer_token(token: str) -> WaitlistOffer | None:
    data = read_token(Purpose.WAITLIST_OFFER, token)
    offer_id = data.get("offer") if data is not None else None
    if not isinstance(offer_id, int):
        return None
    return (
        WaitlistOffer.objects.select_related(
            "entry__client__clinic", "entry__service", "entry__location", "therapist__user"
        )
        .filter(pk=offer_id)
        .first()
    )


def offer_freed_slot(appointment: Appointment) -> list[WaitlistOffer]:
    """Offer a cancelled appointment's time to every matching waiting client
    (same service and location, any or the same therapist, date in window)."""
    if appointment.starts_at <= timezone.now():
        return []
    day = appointment.starts_at.astimezone(ZoneInfo(appointment.location.timezone)).date()
    entries = (
        WaitlistEntry.objects.filter(
            status=WaitlistStatus.WAITING,
            service=appointment.service,
            location=appointment.location,
            earliest_date__lte=day,
            latest_date__gte=day,
        )
        .exclude(client=appointment.client)
        .select_related("client__clinic")
    )
    offers = []
    for entry in entries:
        if entry.therapist_id not in (None, appointment.therapist_id):
            continue
        offer, created = WaitlistOffer.objects.get_or_create(
            entry=entry,
            freed_by=appointment,
            defaults={"therapist": appointment.therapist, "starts_at": appointment.starts_at},
        )
        if not created:
            continue
        url = rendering.absolute_url(f"/book/offer/{offer_token(offer)}/")
        notifications.enqueue(
            recipient=entry.client,
            template_key="waitlist_offer",
            context={**appointment_context(appointment), "offer_url": url},
            send_after=timezone.now(),
            idempotency_key=f"waitlist-offer-{offer.pk}",
            about=entry,
        )
        offers.append(offer)
    return offers
