"""The front desk's day per location and a therapist's week (the grid itself
is drawn by workspace/desk_grid.py; the appointment panel is
workspace/desk_panel.py, booking workspace/desk_book.py).

Every read goes through the selectors the API uses (``list_day_for`` behind
GET /api/v1/day/, ``get_intake_badges``, ``list_appointments_for``,
``list_working_intervals`` of the slot search), so a page can neither see nor
do more than the API allows the same person.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinic.core import selectors as core_selectors
from clinic.core.models import Location, Therapist, User
from intake import selectors as intake_selectors
from scheduling import selectors
from scheduling.models import ACTIVE_STATUSES, Appointment, AppointmentStatus, Closure
from workspace.access import DESK, staff_page
from workspace.desk_grid import (
    Column,
    NoLocationYet,
    build_grid,
    current_user,
    location_for,
    parse_date,
    visit_block,
    zone_label,
)


def _time_off(user: User, therapist_ids: list[int], first: date, last: date) -> dict[Any, str]:
    """Each therapist's changes to their hours in the range, as a short line."""
    out: dict[Any, list[str]] = defaultdict(list)
    for o in selectors.list_overrides_for(user).filter(
        therapist_id__in=therapist_ids, date__range=(first, last)
    ):
        if o.kind == "extra_hours":
            text = "extra hours"
        elif o.kind == "day_off":
            text = "day off"
        else:
            span = (
                f" {o.start_time:%H:%M}-{o.end_time:%H:%M}" if o.start_time and o.end_time else ""
            )
            text = f"time off{span}"
        if o.reason:
            text += f" ({o.reason})"
        out[(o.therapist_id, o.date)].append(text)
    return {k: "; ".join(v) for k, v in out.items()}


def _closures(location: Location, first: date, last: date) -> dict[date, str]:
    out: dict[date, str] = {}
    for closure in Closure.objects.filter(
        Q(location__isnull=True) | Q(location=location),
        clinic_id=location.clinic_id,
        start_date__lte=last,
        end_date__gte=first,
    ):
        day = max(closure.start_date, first)
        while day <= min(closure.end_date, last):
            out[day] = closure.reason
            day += timedelta(days=1)
    return out


# --- the day -----------------------------------------------------------------------


def _day_context(request: HttpRequest) -> dict[str, Any]:
    user = current_user(request)
    location = location_for(user, request.GET.get("location"))
    zone = ZoneInfo(location.timezone)
    now = timezone.now()
    day = parse_date(request.GET.get("date"), now.astimezone(zone).date())
    appointments = list(selectors.list_day_for(user, location=location, day=day))
    therapists = list(
        core_selectors.list_therapists_for(user)
        .filter(locations=location, active=True)
        .order_by("user__first_name", "user__last_name", "pk")
    )
    known = {t.pk for t in therapists}
    therapists += sorted(
        {a.therapist.pk: a.therapist for a in appointments if a.therapist_id not in known}.values(),
        key=lambda t: t.display_name,
    )
    ids = [t.pk for t in therapists]
    working = selectors.list_working_intervals(
        therapist_ids=ids, location=location, first_day=day, last_day=day
    )
    off = _time_off(user, ids, day, day)
    by_therapist: dict[int, list[Appointment]] = defaultdict(list)
    for a in appointments:
        by_therapist[a.therapist_id].append(a)
    columns = [
        Column(
            key=str(t.pk),
            label=t.display_name,
            day=day,
            therapist_id=t.pk,
            working=working.get(t.pk, []),
            appointments=by_therapist[t.pk],
            note=off.get((t.pk, day), ""),
        )
        for t in therapists
    ]
    badges = intake_selectors.get_intake_badges(sorted({a.client_id for a in appointments}))
    grid = build_grid(columns=columns, zone=zone, badges=badges, now=now)
    return {
        "location": location,
        "locations": core_selectors.list_locations_for(user).order_by("name"),
        "day": day,
        "today": now.astimezone(zone).date(),
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "zone_label": zone_label(location),
        "grid": grid,
        "closure": _closures(location, day, day).get(day),
        "cancelled": [
            visit_block(a, zone, badges)
            for a in appointments
            if a.status == AppointmentStatus.CANCELLED
        ],
        "count": sum(1 for a in appointments if a.status in ACTIVE_STATUSES),
    }


@staff_page(*DESK)
def day(request: HttpRequest) -> HttpResponse:
    """One location's day: therapists across, quarter hours down."""
    try:
        context = _day_context(request)
    except NoLocationYet:  # a new clinic lands here before its set-up is done
        return render(request, "workspace/desk/no_location.html")
    if request.htmx and request.htmx.target == "day-grid":  # type: ignore[attr-defined]
        return render(request, "workspace/desk/_grid.html", context)
    return render(request, "workspace/desk/day.html", context)


@staff_page(*DESK)
def week(request: HttpRequest) -> HttpResponse:
    """One therapist's week (Monday to Sunday) at one location."""
    user = current_user(request)
    location = location_for(user, request.GET.get("location"))
    zone = ZoneInfo(location.timezone)
    now = timezone.now()
    therapists = core_selectors.list_therapists_for(user).order_by(
        "user__first_name", "user__last_name", "pk"
    )
    raw = request.GET.get("therapist")
    therapist: Therapist | None
    if raw:
        try:
            therapist = therapists.get(pk=int(raw))
        except (ValueError, Therapist.DoesNotExist):
            raise Http404("No such therapist.") from None
    else:
        therapist = therapists.filter(locations=location, active=True).first()
        if therapist is None:
            therapist = therapists.first()
    if therapist is None:
        raise Http404("This clinic has no therapist yet.")
    picked = parse_date(request.GET.get("date"), now.astimezone(zone).date())
    monday = picked - timedelta(days=picked.weekday())
    sunday = monday + timedelta(days=6)
    start = datetime.combine(monday, time.min, tzinfo=zone)
    end = datetime.combine(sunday + timedelta(days=1), time.min, tzinfo=zone)
    appointments = list(
        selectors.list_appointments_for(user)
        .filter(therapist=therapist, location=location, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at")
    )
    working = selectors.list_working_intervals(
        therapist_ids=[therapist.pk], location=location, first_day=monday, last_day=sunday
    )[therapist.pk]
    off = _time_off(user, [therapist.pk], monday, sunday)
    closed = _closures(location, monday, sunday)
    columns = []
    for i in range(7):
        d = monday + timedelta(days=i)
        day_start = datetime.combine(d, time.min, tzinfo=zone)
        day_end = datetime.combine(d + timedelta(days=1), time.min, tzinfo=zone)
        notes = [
            x for x in (closed.get(d) and f"closed: {closed[d]}", off.get((therapist.pk, d))) if x
        ]
        columns.append(
            Column(
                key=d.isoformat(),
                label=f"{d:%a} {d.day} {d:%b}",
                day=d,
                therapist_id=therapist.pk,
                working=[iv for iv in working if iv.start < day_end and iv.end > day_start],
                appointments=[a for a in appointments if day_start <= a.starts_at < day_end],
                note="; ".join(notes),
            )
        )
    badges = intake_selectors.get_intake_badges(sorted({a.client_id for a in appointments}))
    return render(
        request,
        "workspace/desk/week.html",
        {
            "location": location,
            "locations": core_selectors.list_locations_for(user).order_by("name"),
            "therapist": therapist,
            "therapists": therapists,
            "monday": monday,
            "sunday": sunday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "zone_label": zone_label(location),
            "grid": build_grid(columns=columns, zone=zone, badges=badges, now=now),
            "week": True,
        },
    )
