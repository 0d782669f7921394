"""A clinic's homework settings: dosing profiles, the order of body areas, and
how much a proposal holds and the words of the client's plan page. The starting
ones are data, in ``homework/data/dosing_profiles.json``,
``homework/data/area_order.json`` and ``homework/data/plan_page_words.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, get_origin, get_type_hints

from django.db import transaction
from django.db.models import TextField

from clinic.core.models import Clinic, FunctionalGroup
from homework.models import AreaPriority, DoseKind, DosingProfile, HomeworkSettings, Side


@dataclass(frozen=True)
class DosingProfileSpec:
    name: str
    hold_seconds: int
    repetitions: int
    sets: int
    side: str
    sessions_per_week: int
    description: str
    dose_kinds: list[str]
    how_to_move: str
    if_it_hurts: str


@dataclass(frozen=True)
class HomeworkSetup:
    """What ``ensure_homework_setup`` created."""

    dosing_profiles: int = 0
    area_priorities: int = 0
    settings: int = 0


def _read(name: str) -> Any:
    return json.loads((files("homework") / "data" / name).read_text(encoding="utf-8"))


def _load_profiles() -> list[DosingProfileSpec]:
    """The starting profiles, checked: a wrong key or side fails at start-up."""
    name = "dosing_profiles.json"
    types = get_type_hints(DosingProfileSpec)
    profiles = []
    for i, record in enumerate(_read(name)):
        if (
            not isinstance(record, dict)
            or set(record) != set(types)
            or not all(
                isinstance(record[key], get_origin(kind) or kind) for key, kind in types.items()
            )
        ):
            raise ValueError(f"{name}, profile {i}: expected {types}")
        profile = DosingProfileSpec(**record)
        if profile.side not in Side.values:
            raise ValueError(f"{name}, profile {i}: unknown side {profile.side!r}")
        if not profile.dose_kinds or any(k not in DoseKind.values for k in profile.dose_kinds):
            raise ValueError(f"{name}, profile {i}: dose_kinds must be some of {DoseKind.values}")
        profiles.append(profile)
    return profiles


def _load_settings() -> dict[str, Any]:
    """The starting clinic homework settings and plan-page words, checked."""
    name = "plan_page_words.json"
    record = _read(name)
    fields = {
        f.name: f for f in HomeworkSettings._meta.concrete_fields if f.name not in ("id", "clinic")
    }
    if not isinstance(record, dict) or set(record) != set(fields):
        raise ValueError(f"{name}: expected the keys {sorted(fields)}")
    for key, value in record.items():
        text = isinstance(fields[key], TextField)
        if not isinstance(value, str if text else int) or isinstance(value, bool):
            raise ValueError(f"{name}: {key} has the wrong type")
        if text and len(value) > (fields[key].max_length or 0):
            raise ValueError(f"{name}: {key} is too long")
    return dict(record)


def _load_area_order() -> list[str]:
    name = "area_order.json"
    areas = _read(name)
    if not isinstance(areas, list) or any(a not in FunctionalGroup.values for a in areas):
        raise ValueError(f"{name}: expected a list of functional groups")
    return [str(a) for a in areas]


DEFAULT_AREA_ORDER = _load_area_order()
DEFAULT_PROFILES = _load_profiles()
DEFAULT_SETTINGS = _load_settings()


def settings_for(clinic_id: int) -> HomeworkSettings:
    """The clinic's homework settings; the starting ones (unsaved) when it has
    none yet, so reading never writes."""
    found = HomeworkSettings.objects.filter(clinic_id=clinic_id).first()
    return found or HomeworkSettings(clinic_id=clinic_id, **DEFAULT_SETTINGS)


@transaction.atomic
def ensure_homework_setup(clinic: Clinic) -> HomeworkSetup:
    """Give a clinic its dosing profiles (one matching the clinic's default
    dose is the default) and the default area order, each once: a clinic that
    has any keeps its own. Return what was created."""
    profiles = areas = 0
    if not DosingProfile.objects.filter(clinic=clinic).exists():
        for spec in DEFAULT_PROFILES:
            DosingProfile.objects.create(
                clinic=clinic,
                name=spec.name,
                hold_seconds=spec.hold_seconds,
                repetitions=spec.repetitions,
                sets=spec.sets,
                side=spec.side,
                sessions_per_week=spec.sessions_per_week,
                description=spec.description,
                dose_kinds=list(spec.dose_kinds),
                how_to_move=spec.how_to_move,
                if_it_hurts=spec.if_it_hurts,
            )
        profiles = len(DEFAULT_PROFILES)
        match = DosingProfile.objects.filter(
            clinic=clinic,
            hold_seconds=clinic.default_hold_seconds,
            sessions_per_week=clinic.default_sessions_per_week,
        ).first()
        if match is None:
            match = DosingProfile.objects.create(
                clinic=clinic,
                name="Clinic default",
                hold_seconds=clinic.default_hold_seconds,
                repetitions=clinic.default_repetitions,
                sets=clinic.default_sets,
                side=clinic.default_side,
                sessions_per_week=clinic.default_sessions_per_week,
            )
            profiles += 1
        match.is_default = True
        match.save(update_fields=["is_default"])
    if not AreaPriority.objects.filter(clinic=clinic).exists():
        created = AreaPriority.objects.bulk_create(
            AreaPriority(clinic=clinic, area=area, rank=rank)
            for rank, area in enumerate(DEFAULT_AREA_ORDER, start=1)
        )
        areas = len(created)
    _, made = HomeworkSettings.objects.get_or_create(clinic=clinic, defaults=DEFAULT_SETTINGS)
    return HomeworkSetup(dosing_profiles=profiles, area_priorities=areas, settings=int(made))
