from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clinic.core.demo import DEMO_LOGINS, seed_demo
from clinic.core.models import User
from homework.demo import seed_homework
from intake.demo import seed_intake
from notes.demo import seed_notes
from records.onboarding import set_up_clinic
from scheduling.demo import seed_scheduling


class Command(BaseCommand):
    help = "Load the demo clinic (idempotent: running it again changes nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = seed_demo()
        set_up_clinic(clinic=clinic)  # the defaults any new clinic gets: forms, rules, phrases

        seed_intake(clinic)  # before bookings, so red flags are known when booking
        seed_scheduling(clinic, booked_by=User.objects.get(username="frontdesk"))

        seed_notes(clinic)

        seed_homework(clinic)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {clinic.name}"))
        self.stdout.write("Demo logins (admin at /admin/, API token at /api/v1/auth/token/):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<11} {login.username:<11} {login.password}")
