"""The client's form, built from one questionnaire version's questions.

Special types become Django fields with the vocabulary as choices: the body
map is a set of checkboxes (the SVG figure on the page ticks them), pain
ratings are 0-10 radio buttons, consent must be ticked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from clinic.core.validators import normalize_phone
from intake.models import Question, QuestionType
from intake.vocabulary import CONTRAINDICATIONS, RED_FLAGS, REGIONS, TRIGGERS

NRS_CHOICES = [(str(i), str(i)) for i in range(11)]


class PhoneFormField(forms.CharField):
    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return normalize_phone(value) if value else ""


def _vocab(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return list(mapping.items())


def field_for(question: Question) -> forms.Field:
    common: dict[str, Any] = {
        "label": question.label,
        "help_text": question.help_text,
        "required": question.required,
    }
    kind = question.type
    listed = [(c["value"], c["label"]) for c in question.choices]
    if kind == QuestionType.TEXT:
        return forms.CharField(max_length=500, **common)
    if kind == QuestionType.TEXTAREA:
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == QuestionType.INTEGER:
        return forms.IntegerField(min_value=0, max_value=10_000, **common)
    if kind == QuestionType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == QuestionType.BOOLEAN:
        return forms.TypedChoiceField(
            choices=[("yes", "Yes"), ("no", "No")],
            coerce=lambda v: v == "yes",
            widget=forms.RadioSelect,
            empty_value=None,
            **common,
        )
    if kind == QuestionType.CHOICE:
        return forms.ChoiceField(choices=[("", "Choose…"), *listed], **common)
    if kind == QuestionType.MULTICHOICE:
        return forms.MultipleChoiceField(
            choices=listed, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == QuestionType.PHONE:
        return PhoneFormField(
            max_length=32,
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            **common,
        )
    if kind == QuestionType.NRS:
        return forms.TypedChoiceField(
            choices=NRS_CHOICES, coerce=int, widget=forms.RadioSelect, empty_value=None, **common
        )
    if kind == QuestionType.BODY_MAP:
        return forms.MultipleChoiceField(
            choices=[(r.code, r.label) for r in REGIONS],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == QuestionType.TRIGGERS:
        return forms.MultipleChoiceField(
            choices=_vocab(TRIGGERS), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == QuestionType.RED_FLAGS:
        return forms.MultipleChoiceField(
            choices=_vocab(RED_FLAGS), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == QuestionType.CONTRAINDICATIONS:
        return forms.MultipleChoiceField(
            choices=_vocab(CONTRAINDICATIONS), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == QuestionType.CONSENT:
        return forms.BooleanField(**common)
    if kind == QuestionType.SIGNATURE:
        return forms.CharField(
            min_length=2,
            max_length=200,
            widget=forms.TextInput(attrs={"autocomplete": "name"}),
            **common,
        )
    if kind == QuestionType.ODI_SECTION:
        return forms.ChoiceField(choices=listed, widget=forms.RadioSelect, **common)
    raise ValueError(f"unknown question type {kind!r}")


class QuestionnaireForm(forms.Form):
    """One field per question, named by the question's key."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question.key] = field_for(question)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        by_type = {q.type: q.key for q in self.questions}
        best, worst = data.get("nrs_best"), data.get("nrs_worst")
        if best is not None and worst is not None and best > worst:
            self.add_error(
                "nrs_best", ValidationError("Your best should not be higher than your worst.")
            )
        if QuestionType.ODI_SECTION in by_type:
            answered = [
                q
                for q in self.questions
                if q.type == QuestionType.ODI_SECTION and data.get(q.key) not in (None, "")
            ]
            if not answered:
                raise ValidationError("Please answer at least one part.")
        return data

    def sections(self) -> list[tuple[str, list[tuple[Question, forms.BoundField, str]]]]:
        """Questions grouped by section, in order, each with how it is laid out:
        "body_map", "group" (a list of radio buttons or checkboxes), "consent"
        or "single" (one input with its label)."""
        out: list[tuple[str, list[tuple[Question, forms.BoundField, str]]]] = []
        for question in self.questions:
            if not out or out[-1][0] != question.section:
                out.append((question.section, []))
            out[-1][1].append((question, self[question.key], _LAYOUT.get(question.type, "single")))
        return out


_LAYOUT: dict[str, str] = {
    QuestionType.BODY_MAP: "body_map",
    QuestionType.CONSENT: "consent",
    **dict.fromkeys(
        (
            QuestionType.NRS,
            QuestionType.BOOLEAN,
            QuestionType.ODI_SECTION,
            QuestionType.MULTICHOICE,
            QuestionType.TRIGGERS,
            QuestionType.RED_FLAGS,
            QuestionType.CONTRAINDICATIONS,
        ),
        "group",
    ),
}
