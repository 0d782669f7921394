"""factory_boy factories for the core domain. Roles are set through the service
so group membership always matches, as in production."""

from __future__ import annotations

import factory

from clinic.core import services
from clinic.core.models import Client, Clinic, Location, Role, Therapist, User

PASSWORD = "correct-horse-battery"


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    phone = "+12125550100"
    email = factory.Sequence(lambda n: f"clinic{n}@example.com")
    timezone = "America/New_York"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Location {n}")
    address_line1 = "1 Main Street"
    city = "New York"
    country = "US"
    timezone = "America/New_York"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    clinic = factory.SubFactory(ClinicFactory)
    role = Role.CLIENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def apply_role(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()
            services.set_user_role(user=self, role=self.role)


class TherapistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Therapist
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=Role.THERAPIST)
    credentials = "LMT"
    licence_number = factory.Sequence(lambda n: f"LMT-{n:05d}")


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    clinic = factory.SubFactory(ClinicFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    phone = "+12125550199"
    timezone = "America/New_York"

    @factory.post_generation
    def care_team(self, create: bool, extracted: list[Therapist] | None, **kwargs: object) -> None:
        if create and extracted:
            self.care_team.set(extracted)
