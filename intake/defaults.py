"""The starting questionnaires and culprit rules a clinic gets (then edits in the
admin), read from the JSON files in ``intake/data/``:

- ``intake_questionnaire.json``: the first-visit form, question by question;
- ``odi.json``: the Oswestry areas. They follow the structure of the Oswestry
  Disability Index (ten areas of daily life, six statements each) in our own
  words; a statement scores its position in the list, 0 to 5;
- ``culprit_rules.json``: the working hypotheses, each with a short
  ``source_note`` (which article or anatomy reference it follows), stored on
  the rule and shown with every suggestion it makes.

All wording is ours. The files are read once, at import, and checked here, so a
misspelt code fails at start-up instead of giving a rule that never matches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, NotRequired, TypedDict, cast

from intake.models import SOURCE_NOTE_MAX_LENGTH, MapsTo, QuestionType, RegionMatch
from intake.vocabulary import REGION_BY_CODE, TRIGGERS


class Choice(TypedDict):
    value: str
    label: str
    score: NotRequired[int]


class QuestionSpec(TypedDict):
    key: str
    section: str
    label: str
    type: str
    help_text: NotRequired[str]
    choices: NotRequired[list[Choice]]
    required: NotRequired[bool]
    maps_to: NotRequired[str]


class RuleSpec(TypedDict):
    name: str
    priority: int
    regions: list[str]
    region_match: str
    triggers: list[str]
    muscles: list[str]
    functional_groups: list[str]
    reason: str
    source_note: str


@dataclass(frozen=True)
class QuestionnaireSpec:
    title: str
    intro: str
    questions: list[QuestionSpec]


def _read(name: str) -> Any:
    return json.loads((files("intake") / "data" / name).read_text(encoding="utf-8"))


def _check(
    record: Any, where: str, required: dict[str, type], optional: dict[str, type] | None = None
) -> dict[str, Any]:
    """The record, once it has exactly the expected keys with values of the expected types."""
    optional = optional or {}
    if not isinstance(record, dict):
        raise ValueError(f"{where}: expected an object, got {record!r}")
    missing = required.keys() - record.keys()
    unknown = record.keys() - required.keys() - optional.keys()
    if missing or unknown:
        raise ValueError(f"{where}: missing {sorted(missing)}, unknown {sorted(unknown)}")
    for key, kind in (required | optional).items():
        if key in record and not isinstance(record[key], kind):
            raise ValueError(f"{where}: {key} should be a {kind.__name__}")
    return record


def _codes(values: list[Any], known: Any, where: str) -> None:
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValueError(f"{where}: unknown codes {unknown}")


def _question(record: Any, where: str) -> QuestionSpec:
    question = _check(
        record,
        where,
        {"key": str, "section": str, "label": str, "type": str},
        {"help_text": str, "choices": list, "required": bool, "maps_to": str},
    )
    _codes([question["type"]], QuestionType.values, where)
    _codes([question.get("maps_to", "")], MapsTo.values, where)
    for i, choice in enumerate(question.get("choices", [])):
        _check(choice, f"{where}, choice {i}", {"value": str, "label": str}, {"score": int})
    return cast(QuestionSpec, question)


def _intake_questionnaire() -> QuestionnaireSpec:
    name = "intake_questionnaire.json"
    raw = _check(_read(name), name, {"title": str, "intro": str, "questions": list})
    return QuestionnaireSpec(
        title=raw["title"],
        intro=raw["intro"],
        questions=[_question(q, f"{name}, question {i}") for i, q in enumerate(raw["questions"])],
    )


def _odi_questionnaire() -> QuestionnaireSpec:
    name = "odi.json"
    raw = _check(_read(name), name, {"title": str, "intro": str, "section": str, "areas": list})
    questions: list[QuestionSpec] = []
    for i, record in enumerate(raw["areas"]):
        where = f"{name}, area {i}"
        area = _check(
            record, where, {"key": str, "label": str, "statements": list}, {"optional": bool}
        )
        if len(area["statements"]) != 6 or not all(isinstance(s, str) for s in area["statements"]):
            raise ValueError(f"{where}: an area has six statements, scored 0 to 5")
        questions.append(
            {
                "key": area["key"],
                "section": raw["section"],
                "label": area["label"],
                "type": QuestionType.ODI_SECTION.value,
                "required": not area.get("optional", False),
                "choices": [
                    {"value": str(score), "label": text, "score": score}
                    for score, text in enumerate(area["statements"])
                ],
            }
        )
    return QuestionnaireSpec(title=raw["title"], intro=raw["intro"], questions=questions)


def _culprit_rules() -> list[RuleSpec]:
    name = "culprit_rules.json"
    rules: list[RuleSpec] = []
    for i, record in enumerate(_read(name)):
        where = f"{name}, rule {i}"
        rule = _check(
            record,
            where,
            {
                "name": str,
                "priority": int,
                "regions": list,
                "region_match": str,
                "triggers": list,
                "muscles": list,
                "functional_groups": list,
                "reason": str,
                "source_note": str,
            },
        )
        if len(rule["source_note"]) > SOURCE_NOTE_MAX_LENGTH:
            raise ValueError(f"{where}: source_note longer than {SOURCE_NOTE_MAX_LENGTH}")
        _codes(rule["regions"], REGION_BY_CODE, where)
        _codes(rule["triggers"], TRIGGERS, where)
        _codes([rule["region_match"]], RegionMatch.values, where)
        rules.append(cast(RuleSpec, rule))
    return rules


INTAKE = _intake_questionnaire()
ODI = _odi_questionnaire()
DEFAULT_RULES = _culprit_rules()
