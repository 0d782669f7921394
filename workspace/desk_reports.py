"""Reports for the front desk and the owner, on a page and as CSV: visits by
status (per day and per therapist), no-shows and late cancellations per
client, utilisation (booked of available hours) per therapist, and intake
completion. One location and a date range at a time, in its time zone.

Everything is read through the scoped selectors (``list_appointments_for``,
``list_working_intervals`` of the slot search, ``get_intake_badges``) in a
fixed number of queries, and counted here: these are tallies of what those
selectors return, not new rules.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinic.core import selectors as core_selectors
from clinic.core.models import Location, User
from intake import selectors as intake_selectors
from scheduling import selectors
from scheduling.models import AppointmentStatus
from workspace.access import DESK, staff_page
from workspace.desk_grid import NoLocationYet, current_user, location_for, parse_date, zone_label

STATUSES = list(AppointmentStatus)
# Time that counts as booked for utilisation: every visit that held the slot.
HELD = {
    AppointmentStatus.BOOKED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
}
MAX_DAYS = 92
INTAKE_LABELS = {
    "done": "Done",
    "sent": "Link sent",
    "expired": "Link expired",
    "not_sent": "Not sent",
}


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 1)


def build_reports(user: User, *, location: Location, first: date, last: date) -> dict[str, Any]:
    """Every table of the page for one location and a range of local dates."""
    zone = ZoneInfo(location.timezone)
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    visits = list(
        selectors.list_appointments_for(user)
        .filter(location=location, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at", "pk")
    )
    by_day: dict[date, Counter[str]] = defaultdict(Counter)
    by_therapist: dict[int, Counter[str]] = defaultdict(Counter)
    names: dict[int, str] = {}
    booked: dict[int, timedelta] = defaultdict(timedelta)
    per_client: dict[int, dict[str, Any]] = {}
    for v in visits:
        by_day[v.starts_at.astimezone(zone).date()][v.status] += 1
        by_therapist[v.therapist_id][v.status] += 1
        names[v.therapist_id] = v.therapist.display_name
        if v.status in HELD:
            booked[v.therapist_id] += v.ends_at - v.starts_at
        row = per_client.setdefault(
            v.client_id, {"client": v.client.full_name, "visits": 0, "no_shows": 0, "late": 0}
        )
        row["visits"] += 1
        row["no_shows"] += v.status == AppointmentStatus.NO_SHOW
        row["late"] += bool(v.late_cancellation)
    therapists = list(
        core_selectors.list_therapists_for(user).filter(locations=location, active=True)
    )
    for t in therapists:
        names.setdefault(t.pk, t.display_name)
    working = selectors.list_working_intervals(
        therapist_ids=sorted(names), location=location, first_day=first, last_day=last
    )
    utilisation = []
    for tid, name in sorted(names.items(), key=lambda item: item[1]):
        available = sum((iv.end - iv.start for iv in working.get(tid, [])), timedelta())
        share = booked[tid] / available if available else None
        utilisation.append(
            {
                "therapist": name,
                "booked": _hours(booked[tid]),
                "available": _hours(available),
                "percent": round(share * 100) if share is not None else None,
            }
        )
    badges = intake_selectors.get_intake_badges(sorted(per_client))
    intake = Counter(badge["intake_status"] for badge in badges.values())
    return {
        "statuses": STATUSES,
        "by_day": [
            {"label": f"{d:%a} {d.day} {d:%b}", "key": d.isoformat(), "counts": _row(c)}
            for d, c in sorted(by_day.items())
        ],
        "by_therapist": [
            {"label": names[tid], "key": names[tid], "counts": _row(c)}
            for tid, c in sorted(by_therapist.items(), key=lambda item: names[item[0]])
        ],
        "totals": _row(sum(by_therapist.values(), Counter())),
        "clients": sorted(
            (r for r in per_client.values() if r["no_shows"] or r["late"]),
            key=lambda r: (-r["no_shows"], -r["late"], r["client"]),
        ),
        "utilisation": utilisation,
        "intake": [
            {"status": label, "clients": intake.get(key, 0)} for key, label in INTAKE_LABELS.items()
        ],
        "intake_done": intake.get("done", 0),
        "intake_total": len(per_client),
    }


def _row(counts: Counter[str]) -> list[int]:
    return [counts.get(s, 0) for s in STATUSES] + [sum(counts.values())]


CSV_TABLES = {
    "status-by-day": "Visits by status per day",
    "status-by-therapist": "Visits by status per therapist",
    "clients": "No-shows and late cancellations per client",
    "utilisation": "Utilisation per therapist",
    "intake": "Intake completion",
}


def _csv(name: str, data: dict[str, Any], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    out = csv.writer(response)
    header = [s.label for s in STATUSES] + ["Total"]
    if name == "status-by-day":
        out.writerow(["Date", *header])
        out.writerows([r["key"], *r["counts"]] for r in data["by_day"])
    elif name == "status-by-therapist":
        out.writerow(["Therapist", *header])
        out.writerows([r["label"], *r["counts"]] for r in data["by_therapist"])
    elif name == "clients":
        out.writerow(["Client", "Visits", "No-shows", "Late cancellations"])
        out.writerows([r["client"], r["visits"], r["no_shows"], r["late"]] for r in data["clients"])
    elif name == "utilisation":
        out.writerow(["Therapist", "Booked hours", "Available hours", "Utilisation %"])
        out.writerows(
            [
                r["therapist"],
                r["booked"],
                r["available"],
                "" if r["percent"] is None else r["percent"],
            ]
            for r in data["utilisation"]
        )
    else:
        out.writerow(["Intake", "Clients"])
        out.writerows([r["status"], r["clients"]] for r in data["intake"])
    return response


@staff_page(*DESK)
def reports(request: HttpRequest) -> HttpResponse:
    """The reports page; ``?csv=<table>`` downloads one table."""
    user = current_user(request)
    try:
        location = location_for(user, request.GET.get("location"))
    except NoLocationYet:
        return render(request, "workspace/desk/no_location.html")
    zone = ZoneInfo(location.timezone)
    today = timezone.now().astimezone(zone).date()
    last = parse_date(request.GET.get("to"), today)
    first = parse_date(request.GET.get("from"), last - timedelta(days=27))
    errors: dict[str, list[str]] = {}
    if first > last:
        errors["from"] = ["The first day must not be after the last."]
    elif (last - first).days >= MAX_DAYS:
        errors["from"] = [f"Choose at most {MAX_DAYS} days."]
    if errors:
        first = last - timedelta(days=27)
    data = build_reports(user, location=location, first=first, last=last)
    table = request.GET.get("csv")
    if table in CSV_TABLES and not errors:
        return _csv(table, data, f"{table}-{first:%Y%m%d}-{last:%Y%m%d}.csv")
    return render(
        request,
        "workspace/desk/reports.html",
        {
            **data,
            "location": location,
            "locations": core_selectors.list_locations_for(user).order_by("name"),
            "first": first,
            "last": last,
            "errors": errors,
            "typed_from": request.GET.get("from", ""),
            "zone_label": zone_label(location),
            "csv_tables": CSV_TABLES,
        },
        status=400 if errors else 200,
    )
