"""Demo data: one clinic, two locations in different zones, three therapists, a
front desk, an owner and eight clients. Idempotent: each record is looked up by
a natural key and created only when missing, so a second run changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from clinic.core import services
from clinic.core.models import Client, Clinic, Location, Role, Therapist, User

DEMO_PASSWORD = "clinic-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str = DEMO_PASSWORD


DEMO_LOGINS = [
    DemoLogin("owner", "owner"),
    DemoLogin("front desk", "frontdesk"),
    DemoLogin("therapist", "therapist"),
    DemoLogin("client", "client"),
]

_LOCATIONS = [
    {
        "name": "Brooklyn",
        "address_line1": "214 Atlantic Avenue",
        "city": "New York",
        "region": "NY",
        "postcode": "11201",
        "country": "US",
        "phone": "+12125550142",
        "timezone": "America/New_York",
    },
    {
        "name": "Berlin Mitte",
        "address_line1": "Torstraße 88",
        "city": "Berlin",
        "postcode": "10119",
        "country": "DE",
        "phone": "+493012345678",
        "timezone": "Europe/Berlin",
    },
]
_THERAPISTS = [
    # username, first, last, credentials, licence, colour, location names
    ("therapist", "Maya", "Okafor", "LMT", "NY-LMT-028114", "#2F855A", ["Brooklyn"]),
    (
        "therapist.lena",
        "Lena",
        "Hoffmann",
        "Heilpraktikerin (Physiotherapie)",
        "B-HP-5521",
        "#B7791F",
        ["Berlin Mitte"],
    ),
    (
        "therapist.sam",
        "Sam",
        "Rivera",
        "LMT, NMT",
        "NY-LMT-031907",
        "#6B46C1",
        ["Brooklyn", "Berlin Mitte"],
    ),
]
_CLIENTS = [
    # first, last, dob, email, phone, channel, zone, login username, care team
    (
        "Daniel",
        "Brooks",
        date(1984, 3, 12),
        "daniel.brooks@example.com",
        "+12125550188",
        "email",
        "America/New_York",
        "client",
        ["therapist"],
    ),
    (
        "Priya",
        "Nair",
        date(1990, 7, 2),
        "priya.nair@example.com",
        "+12125550163",
        "sms",
        "America/New_York",
        "",
        ["therapist"],
    ),
    (
        "Tom",
        "Walsh",
        date(1971, 11, 30),
        "tom.walsh@example.com",
        "",
        "email",
        "America/New_York",
        "",
        ["therapist.sam"],
    ),
    (
        "Grace",
        "Kim",
        date(1998, 1, 19),
        "grace.kim@example.com",
        "+12125550127",
        "email",
        "America/New_York",
        "",
        ["therapist", "therapist.sam"],
    ),
    (
        "Jonas",
        "Becker",
        date(1979, 5, 8),
        "jonas.becker@example.com",
        "+4915112345678",
        "sms",
        "Europe/Berlin",
        "",
        ["therapist.lena"],
    ),
    (
        "Sofia",
        "Romano",
        date(1987, 9, 23),
        "sofia.romano@example.com",
        "+4915112345679",
        "email",
        "Europe/Berlin",
        "",
        ["therapist.lena"],
    ),
    (
        "Ahmet",
        "Yilmaz",
        date(1965, 2, 14),
        "ahmet.yilmaz@example.com",
        "+4917612345670",
        "email",
        "Europe/Berlin",
        "",
        ["therapist.lena", "therapist.sam"],
    ),
    (
        "Claire",
        "Dubois",
        date(1993, 12, 4),
        "claire.dubois@example.com",
        "",
        "email",
        "Europe/Berlin",
        "",
        [],
    ),
]


def _ensure_user(
    *, username: str, role: str, clinic: Clinic, first_name: str, last_name: str, email: str
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = services.create_user(
            username=username,
            role=role,
            clinic=clinic,
            password=DEMO_PASSWORD,
            first_name=first_name,
            last_name=last_name,
            email=email,
        )
    return user


@transaction.atomic
def seed_demo() -> Clinic:
    """Create whatever part of the demo data is missing; return the clinic."""
    clinic = Clinic.objects.filter(name="Northside Massage & Manual Therapy").first()
    if clinic is None:
        clinic = Clinic.objects.create(
            name="Northside Massage & Manual Therapy",
            phone="+12125550100",
            email="hello@northside-clinic.example",
            timezone="America/New_York",
            cancellation_window_hours=24,
            reminder_lead_hours=24,
        )
    owner = _ensure_user(
        username="owner",
        role=Role.OWNER,
        clinic=clinic,
        first_name="Olivia",
        last_name="Grant",
        email="olivia@northside-clinic.example",
    )
    for spec in _LOCATIONS:
        if not Location.objects.filter(clinic=clinic, name=spec["name"]).exists():
            services.create_location(clinic=clinic, created_by=owner, **spec)
    locations = {loc.name: loc for loc in Location.objects.filter(clinic=clinic)}
    _ensure_user(
        username="frontdesk",
        role=Role.FRONT_DESK,
        clinic=clinic,
        first_name="Ben",
        last_name="Carter",
        email="desk@northside-clinic.example",
    )
    therapists: dict[str, Therapist] = {}
    for username, first, last, credentials, licence, colour, where in _THERAPISTS:
        staff = _ensure_user(
            username=username,
            role=Role.THERAPIST,
            clinic=clinic,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}@northside-clinic.example",
        )
        therapist = Therapist.objects.filter(user=staff).first()
        if therapist is None:
            therapist = services.create_therapist(
                user=staff,
                credentials=credentials,
                licence_number=licence,
                calendar_colour=colour,
                locations=[locations[n] for n in where],
            )
        therapists[username] = therapist
    for first, last, dob, email, phone, channel, zone, login, team in _CLIENTS:
        if Client.objects.filter(clinic=clinic, email=email).exists():
            continue
        user: User | None = None
        if login:
            user = _ensure_user(
                username=login,
                role=Role.CLIENT,
                clinic=clinic,
                first_name=first,
                last_name=last,
                email=email,
            )
        services.create_client(
            clinic=clinic,
            created_by=owner,
            first_name=first,
            last_name=last,
            user=user,
            date_of_birth=dob,
            email=email,
            phone=phone,
            preferred_channel=channel,
            timezone=zone,
            care_team=[therapists[t] for t in team],
        )
    return clinic
