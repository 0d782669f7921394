"""Setting up a clinic: everything a new clinic needs before its first client.

Each app keeps its own ``ensure_*`` service and its own starting data; this
module only calls them, in one transaction, so a clinic made in the admin (or
by ``manage.py set_up_clinic``) gets the same defaults as the demo clinic:

- intake: the first-visit form, the Oswestry questionnaire and the default
  culprit rules (without rules, intakes suggest nothing);
- notes: the quick phrases;
- homework: the dosing profiles and the order of body areas in a plan.

Message templates (e-mail, SMS) are files shared by every clinic, and services,
rooms and rotas are each clinic's own business, so none of them is here.

Every ``ensure_*`` creates only what the clinic has none of, so running this
twice creates nothing the second time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction

from clinic.core.models import Clinic
from homework import services as homework_services
from intake import services as intake_services
from notes import services as notes_services


@dataclass(frozen=True)
class ClinicSetUp:
    """What ``set_up_clinic`` created for one clinic (all zeros: nothing new)."""

    clinic_id: int
    questionnaires: int = 0
    culprit_rules: int = 0
    note_templates: int = 0
    dosing_profiles: int = 0
    area_priorities: int = 0

    @property
    def created(self) -> dict[str, int]:
        """The counts by kind, without the clinic."""
        counts = asdict(self)
        del counts["clinic_id"]
        return counts

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())

    def summary(self) -> str:
        """E.g. "2 questionnaires, 7 culprit rules", or "nothing new"."""
        parts = [f"{n} {kind.replace('_', ' ')}" for kind, n in self.created.items() if n]
        return ", ".join(parts) or "nothing new"


@transaction.atomic
def set_up_clinic(*, clinic: Clinic) -> ClinicSetUp:
    """Give a clinic every app's defaults that it does not have yet. Safe to
    run again, and for a clinic that has already edited its defaults: what it
    has of a kind it keeps, and nothing is added beside it."""
    # One set-up at a time per clinic: two racing runs would both see "none yet".
    clinic = Clinic.objects.select_for_update().get(pk=clinic.pk)
    questionnaires = intake_services.ensure_questionnaires(clinic)
    culprit_rules = intake_services.ensure_default_rules(clinic)
    note_templates = notes_services.ensure_default_templates(clinic)
    homework = homework_services.ensure_homework_setup(clinic)
    return ClinicSetUp(
        clinic_id=clinic.pk,
        questionnaires=questionnaires,
        culprit_rules=culprit_rules,
        note_templates=note_templates,
        dosing_profiles=homework.dosing_profiles,
        area_priorities=homework.area_priorities,
    )
