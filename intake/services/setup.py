"""A clinic's starting intake: the first-visit form, the Oswestry questionnaire
and the default culprit rules (wording in ``intake/data/``), and new versions
of a questionnaire for the clinic to edit."""

from __future__ import annotations

from django.db import transaction

from clinic.core.errors import NotAllowed
from clinic.core.models import Clinic, Muscle, Role, User
from intake import defaults
from intake.defaults import QuestionnaireSpec, QuestionSpec
from intake.models import CulpritRule, Question, Questionnaire, QuestionnaireKind


def _create_version(
    clinic: Clinic, kind: str, version: int, title: str, intro: str, questions: list[QuestionSpec]
) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(
        clinic=clinic, kind=kind, version=version, title=title, intro=intro
    )
    Question.objects.bulk_create(
        Question(
            questionnaire=questionnaire,
            order=(i + 1) * 10,
            key=q["key"],
            section=q["section"],
            label=q["label"],
            help_text=q.get("help_text", ""),
            type=q["type"],
            choices=q.get("choices", []),
            required=q.get("required", False),
            maps_to=q.get("maps_to", ""),
        )
        for i, q in enumerate(questions)
    )
    return questionnaire


@transaction.atomic
def ensure_questionnaires(clinic: Clinic) -> int:
    """Give a clinic the starting intake form and Oswestry questionnaire (each
    only if the clinic has no version of it); return how many were created."""
    created = 0
    starting: list[tuple[str, QuestionnaireSpec]] = [
        (QuestionnaireKind.INTAKE, defaults.INTAKE),
        (QuestionnaireKind.ODI, defaults.ODI),
    ]
    for kind, spec in starting:
        if not Questionnaire.objects.filter(clinic=clinic, kind=kind).exists():
            _create_version(clinic, kind, 1, spec.title, spec.intro, spec.questions)
            created += 1
    return created


@transaction.atomic
def ensure_default_rules(clinic: Clinic) -> int:
    """Seed the clinic's culprit rules with the working hypotheses, once (a
    clinic that has any rule keeps its own); return how many were created."""
    if CulpritRule.objects.filter(clinic=clinic).exists():
        return 0
    muscles = {m.slug: m for m in Muscle.objects.all()}
    for spec in defaults.DEFAULT_RULES:
        rule = CulpritRule.objects.create(
            clinic=clinic,
            name=spec["name"],
            priority=spec["priority"],
            regions=spec["regions"],
            region_match=spec["region_match"],
            triggers=spec["triggers"],
            functional_groups=spec["functional_groups"],
            reason=spec["reason"],
            source_note=spec["source_note"],
        )
        rule.muscles.set([muscles[slug] for slug in spec["muscles"] if slug in muscles])
    return len(defaults.DEFAULT_RULES)


def current_questionnaire(clinic: Clinic, kind: str) -> Questionnaire:
    """The newest published version of a clinic's questionnaire."""
    ensure_questionnaires(clinic)
    return Questionnaire.objects.filter(clinic=clinic, kind=kind, published=True).latest("version")


@transaction.atomic
def create_new_version(*, questionnaire: Questionnaire, created_by: User) -> Questionnaire:
    """Copy a version into the next one (unpublished) for the clinic to edit:
    submissions keep pointing at the version they answered."""
    if created_by.role != Role.OWNER:
        raise NotAllowed()
    latest = Questionnaire.objects.filter(
        clinic=questionnaire.clinic, kind=questionnaire.kind
    ).latest("version")
    copy = _create_version(
        questionnaire.clinic,
        questionnaire.kind,
        latest.version + 1,
        questionnaire.title,
        questionnaire.intro,
        [
            {
                "key": q.key,
                "section": q.section,
                "label": q.label,
                "help_text": q.help_text,
                "type": q.type,
                "choices": q.choices,
                "required": q.required,
                "maps_to": q.maps_to,
            }
            for q in questionnaire.questions.all()
        ],
    )
    copy.published = False
    copy.save(update_fields=["published"])
    return copy
