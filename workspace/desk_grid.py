"""The day grid, and what the front desk's pages share (workspace/desk*.py).

The grid is an HTML ``<table>``: one row per quarter hour, one column per
therapist (or per day in the week view), and each appointment a cell spanning
its quarter hours with ``rowspan``. The Content-Security-Policy forbids inline
styles, so positioning by ``grid-row`` would need a generated class for every
start and length; a table gets the same picture from plain HTML, reads well
to a screen reader (each block sits under its therapist's header and beside
its time) and needs no JavaScript. Rows are wall-clock quarter hours in the
location's zone, worked out here, in Python, from the working intervals the
slot search uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest
from django.utils import timezone

from clinic.core import selectors as core_selectors
from clinic.core.models import Location, Therapist, User
from scheduling import selectors
from scheduling.models import Appointment, AppointmentStatus, Service
from scheduling.slots import Interval

STEP = timedelta(minutes=15)
DEFAULT_OPEN, DEFAULT_CLOSE = time(8), time(18)


def zone_label(location: Location) -> str:
    """'New York time' for America/New_York: how the desk names the clock."""
    return location.timezone.rsplit("/", 1)[-1].replace("_", " ") + " time"


def current_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def parse_date(raw: str | None, default: date) -> date:
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return default


class NoLocationYet(Http404):
    """The clinic has not added a location: the desk's pages say so kindly."""


def location_for(user: User, raw: str | None) -> Location:
    """The asked-for location of the user's clinic (404 for anyone else's), or
    its first active one."""
    locations = core_selectors.list_locations_for(user).order_by("name")
    if raw:
        try:
            return locations.get(pk=int(raw))
        except (ValueError, Location.DoesNotExist):
            raise Http404("No such location.") from None
    first = locations.filter(active=True).first() or locations.first()
    if first is None:
        raise NoLocationYet("This clinic has no location yet.")
    return first


def free_starts(
    *,
    service: Service,
    therapist: Therapist,
    location: Location,
    day: date,
    exclude_appointment_id: int | None = None,
) -> list[dict[str, str]]:
    """The slot search's free starts (what GET /api/v1/slots/ offers staff) for
    one service and therapist on a local date, as option values and labels."""
    zone = ZoneInfo(location.timezone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    window = selectors.get_booking_window(
        clinic=location.clinic, as_client=False, now=timezone.now()
    )
    slots = selectors.list_free_slots(
        service=service,
        location=location,
        therapist=therapist,
        start=start,
        end=start + timedelta(days=1),
        not_before=window.not_before,
        exclude_appointment_id=exclude_appointment_id,
    )
    return [
        {
            "value": slot.starts_at.astimezone(zone).isoformat(),
            "label": slot.starts_at.astimezone(zone).strftime("%H:%M"),
        }
        for slot in slots
    ]


# --- the grid ----------------------------------------------------------------------


@dataclass
class Cell:
    kind: str  # "block", "free", "past" (working time gone by), "off", "skip"
    rowspan: int = 1
    appointments: list[dict[str, Any]] = field(default_factory=list)
    starts_at: datetime | None = None
    column: Column | None = None


@dataclass
class Column:
    key: str
    label: str
    day: date
    therapist_id: int
    working: list[Interval]
    appointments: list[Appointment]
    note: str = ""


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _span(columns: list[Column], zone: ZoneInfo) -> tuple[int, int]:
    """The minutes after midnight the rows run from and to, whole hours: from
    the earliest working hour or visit to the latest (08:00-18:00 when nobody
    works that day)."""
    opens: list[int] = []
    closes: list[int] = []
    for col in columns:
        pairs = [(iv.start, iv.end) for iv in col.working]
        pairs += [(a.starts_at, a.ends_at) for a in col.appointments]
        for start, end in pairs:
            local_start, local_end = start.astimezone(zone), end.astimezone(zone)
            opens.append(0 if local_start.date() < col.day else _minutes(local_start.time()))
            closes.append(24 * 60 if local_end.date() > col.day else _minutes(local_end.time()))
    if not opens:
        return _minutes(DEFAULT_OPEN), _minutes(DEFAULT_CLOSE)
    first = min(opens) // 60 * 60
    last = min(24 * 60, -(-max(closes) // 60) * 60)
    return first, max(last, first + 60)


def _row_of(moment: datetime, day: date, zone: ZoneInfo, first: int, *, up: bool) -> int:
    """The quarter-hour row a moment falls in (rounded up for an end)."""
    local = moment.astimezone(zone)
    minutes = (local.date() - day).days * 24 * 60 + _minutes(local.time()) - first
    return -(-minutes // 15) if up else minutes // 15


def build_grid(
    *, columns: list[Column], zone: ZoneInfo, badges: dict[int, dict[str, Any]], now: datetime
) -> dict[str, Any]:
    """Rows of quarter hours with, per column, a block, free or shaded time.
    Rows are wall-clock times in the location's zone."""
    first, last = _span(columns, zone)
    count = (last - first) // 15
    grid: list[list[Cell]] = [[Cell("off") for _ in columns] for _ in range(count)]
    for c, col in enumerate(columns):
        midnight = datetime.combine(col.day, time.min)
        for r in range(count):
            wall = midnight + timedelta(minutes=first + 15 * r)
            start = wall.replace(tzinfo=zone)
            end = (wall + STEP).replace(tzinfo=zone)
            working = any(iv.start <= start and end <= iv.end for iv in col.working)
            grid[r][c] = Cell(
                ("free" if start >= now else "past") if working else "off",
                starts_at=start,
                column=col,
            )
        for a in sorted(col.appointments, key=lambda x: (x.starts_at, x.pk)):
            if a.status == AppointmentStatus.CANCELLED:
                continue
            top = max(0, _row_of(a.starts_at, col.day, zone, first, up=False))
            bottom = min(count, max(top + 1, _row_of(a.ends_at, col.day, zone, first, up=True)))
            if top >= count:
                continue
            entry = visit_block(a, zone, badges)
            # An overlapping visit (e.g. rebooked over a no-show) joins the block above it.
            above = top
            while above > 0 and grid[above][c].kind == "skip":
                above -= 1
            cell = grid[above][c]
            if cell.kind == "block" and above + cell.rowspan > top:
                cell.appointments.append(entry)
                grown = max(cell.rowspan, bottom - above)
                for r in range(above + cell.rowspan, above + grown):
                    grid[r][c] = Cell("skip")
                cell.rowspan = grown
                continue
            grid[top][c] = Cell("block", rowspan=bottom - top, appointments=[entry])
            for r in range(top + 1, bottom):
                grid[r][c] = Cell("skip")
    rows = []
    for r in range(count):
        minutes = first + 15 * r
        label = time(minutes // 60, minutes % 60)
        rows.append({"time": label, "hour": label.minute == 0, "cells": grid[r]})
    return {"rows": rows, "columns": columns}


def visit_block(
    a: Appointment, zone: ZoneInfo, badges: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    badge = badges.get(a.client_id, {})
    return {
        "id": a.pk,
        "client": a.client.full_name,
        "service": a.service.name,
        "room": a.room.name if a.room_id and a.room else "",
        "status": a.status,
        "status_label": a.get_status_display(),
        "starts": a.starts_at.astimezone(zone).strftime("%H:%M"),
        "ends": a.ends_at.astimezone(zone).strftime("%H:%M"),
        "intake_status": badge.get("intake_status", "not_sent"),
        "red_flag": badge.get("red_flag", False),
        "clearance": badge.get("clearance", "none"),
    }
