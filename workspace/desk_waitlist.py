"""The front desk's waitlist page: who waits for what, and the freed times
offered to them (read through ``list_waitlist_for``, the selector behind
GET /api/v1/waitlist/; taking someone off goes through ``leave_waitlist``)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from scheduling import selectors, services
from scheduling.models import WaitlistOffer, WaitlistStatus
from workspace.access import DESK, staff_page
from workspace.desk_grid import current_user

SETTLED_SHOWN = 30


def _entries(request: HttpRequest, *, waiting: bool) -> list[dict[str, object]]:
    user = current_user(request)
    offers = WaitlistOffer.objects.select_related("therapist__user").order_by("created_at", "id")
    entries = selectors.list_waitlist_for(user).prefetch_related(Prefetch("offers", offers))
    if waiting:
        entries = entries.filter(status=WaitlistStatus.WAITING).order_by("created_at", "id")
    else:
        entries = entries.exclude(status=WaitlistStatus.WAITING).order_by("-created_at", "-id")
        entries = entries[:SETTLED_SHOWN]
    rows = []
    for entry in entries:
        zone = ZoneInfo(entry.location.timezone)
        rows.append(
            {
                "entry": entry,
                "offers": [
                    {
                        "when": offer.starts_at.astimezone(zone).replace(tzinfo=None),
                        "sent": offer.created_at.astimezone(zone).replace(tzinfo=None),
                        "therapist": offer.therapist.display_name,
                        "accepted": offer.accepted_at is not None,
                    }
                    for offer in entry.offers.all()
                ],
            }
        )
    return rows


@staff_page(*DESK)
def waitlist(request: HttpRequest) -> HttpResponse:
    """Everyone waiting, oldest first, with the offers sent; then the settled."""
    return render(
        request,
        "workspace/desk/waitlist.html",
        {
            "waiting": _entries(request, waiting=True),
            "settled": _entries(request, waiting=False),
        },
    )


@staff_page(*DESK)
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a client off the waitlist (they found another time, or asked)."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    user = current_user(request)
    entry = selectors.list_waitlist_for(user).filter(pk=pk).first()
    if entry is None:
        raise Http404("No such waitlist entry.")
    services.leave_waitlist(entry=entry, removed_by=user)
    messages.success(request, f"{entry.client.full_name} is off the waitlist.")
    return redirect(reverse("workspace:waitlist"))
