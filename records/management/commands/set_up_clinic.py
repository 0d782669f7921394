"""``manage.py set_up_clinic 3 7`` or ``--all``: give clinics the defaults every
app starts a clinic with (see ``records.onboarding``) and say what was created.
Safe to run again: a clinic that has its defaults gets nothing new."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic.core.models import Clinic
from records.onboarding import set_up_clinic


class Command(BaseCommand):
    help = "Give clinics their starting forms, rules, quick phrases and homework settings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("clinic_ids", nargs="*", type=int, metavar="clinic_id")
        parser.add_argument("--all", action="store_true", help="Every clinic.")

    def handle(self, *args: Any, **options: Any) -> None:
        ids: list[int] = options["clinic_ids"]
        if options["all"] == bool(ids):
            raise CommandError("Give one or more clinic ids, or --all.")
        clinics = Clinic.objects.order_by("pk")
        if ids:
            clinics = clinics.filter(pk__in=ids)
            missing = sorted(set(ids) - {c.pk for c in clinics})
            if missing:
                raise CommandError(f"No clinic with id {', '.join(map(str, missing))}.")
        for clinic in clinics:
            report = set_up_clinic(clinic=clinic)
            line = f"{clinic.name} (id {clinic.pk}): {report.summary()}"
            style = self.style.SUCCESS if report.created_anything else self.style.NOTICE
            self.stdout.write(style(line))
