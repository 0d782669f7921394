from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import factory

from scheduling.models import Room, RoomKind, Service, WeeklyHours
from tests.clinic.factories import ClinicFactory, LocationFactory


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Deep tissue {n}")
    duration_minutes = 60
    price = Decimal("95.00")
    buffer_after_minutes = 10
    room_kind = RoomKind.TREATMENT

    @factory.post_generation
    def therapists(self, create, extracted, **kwargs):
        if create and extracted:
            self.therapists.set(extracted)


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    kind = RoomKind.TREATMENT


def weekday_hours(
    therapist,
    location,
    *,
    intervals=((time(9), time(12, 30)), (time(13, 30), time(17))),
    weekdays=(0, 1, 2, 3, 4),
    valid_from=date(2026, 1, 1),
):
    """Mon-Fri split days by default: 09:00-12:30 and 13:30-17:00."""
    for weekday in weekdays:
        for start, end in intervals:
            WeeklyHours.objects.create(
                therapist=therapist,
                location=location,
                weekday=weekday,
                start_time=start,
                end_time=end,
                valid_from=valid_from,
            )
