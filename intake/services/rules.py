"""Culprit rules at work: a submission's pain regions and triggers, run through
the clinic's active rules, become stored suggestions for the therapist, each
with the rule's reason and its source note."""

from __future__ import annotations

from clinic.core.models import Muscle
from intake.models import CulpritRule, CulpritSuggestion, RegionMatch, Submission
from intake.vocabulary import REGION_BY_CODE


def _sides(codes: list[str]) -> list[str]:
    sides = {REGION_BY_CODE[c].side for c in codes if c in REGION_BY_CODE}
    if "centre" in sides or {"left", "right"} <= sides:
        return ["both"]
    return sorted(sides) or ["both"]


_REASON_MAX = CulpritSuggestion._meta.get_field("reason").max_length or 1000


def suggestion_reason(rule: CulpritRule) -> str:
    """The rule's reason followed by its source note, within the stored length
    (the reason is shortened, never the note, so the source always shows)."""
    if not rule.source_note:
        return rule.reason[:_REASON_MAX]
    note = f" Source: {rule.source_note}"
    room = _REASON_MAX - len(note)
    reason = rule.reason if len(rule.reason) <= room else rule.reason[: room - 1] + "…"
    return reason + note


def evaluate_rules(submission: Submission) -> list[CulpritSuggestion]:
    """Run the clinic's active rules on a submission and store what they suggest,
    each muscle on the side(s) where the pain is, with the rule that suggested it."""
    rules = CulpritRule.objects.filter(
        clinic_id=submission.client.clinic_id, active=True
    ).prefetch_related("muscles")
    regions, triggers = set(submission.pain_regions), set(submission.triggers)
    group_members: dict[str, list[Muscle]] = {}
    for muscle in Muscle.objects.all():
        group_members.setdefault(muscle.functional_group, []).append(muscle)
    suggestions: list[CulpritSuggestion] = []
    seen: set[tuple[int, str]] = set()
    for rule in rules:
        matched = sorted(regions & set(rule.regions))
        if rule.region_match == RegionMatch.ALL:
            if not set(rule.regions) <= regions:
                continue
        elif not matched:
            continue
        matched_triggers = sorted(triggers & set(rule.triggers))
        if rule.triggers and not matched_triggers:
            continue
        muscles = list(rule.muscles.all())
        for group in rule.functional_groups:
            muscles += [m for m in group_members.get(group, []) if m not in muscles]
        for muscle in muscles:
            for side in _sides(matched) if muscle.sided else ["both"]:
                if (muscle.pk, side) in seen:
                    continue
                seen.add((muscle.pk, side))
                suggestions.append(
                    CulpritSuggestion(
                        submission=submission,
                        rule=rule,
                        rule_name=rule.name,
                        muscle=muscle,
                        side=side,
                        reason=suggestion_reason(rule),
                        matched_regions=matched,
                        matched_triggers=matched_triggers,
                    )
                )
    CulpritSuggestion.objects.bulk_create(suggestions)
    return suggestions
