"""Outcome measures: the Oswestry score and band, and the client's 0-10 pain
series (from intake, visits and homework replies)."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.core.errors import InvalidInput
from clinic.core.models import Client
from intake.models import PainRating

ODI_BANDS = [
    (20, "Minimal disability"),
    (40, "Moderate disability"),
    (60, "Severe disability"),
    (80, "Crippling back pain"),
    (100, "Bed-bound, or symptoms may be exaggerated"),
]


def odi_score(section_scores: list[int | None]) -> tuple[Decimal, str, int] | None:
    """Oswestry: total / (5 x sections answered) x 100, and its band."""
    answered = [s for s in section_scores if s is not None]
    if not answered:
        return None
    score = (Decimal(sum(answered)) / Decimal(5 * len(answered)) * 100).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    band = next(label for limit, label in ODI_BANDS if score <= limit)
    return score, band, len(answered)


def record_pain(
    *,
    client: Client,
    score: int,
    source: str,
    recorded_at: datetime | None = None,
    reference: str = "",
) -> PainRating:
    """Add one 0-10 pain rating to the client's series (once per reference)."""
    if not 0 <= score <= 10:
        raise InvalidInput(fields={"score": ["Pain is rated from 0 to 10."]})
    if reference:
        existing = PainRating.objects.filter(source=source, reference=reference).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            return PainRating.objects.create(
                client=client,
                score=score,
                source=source,
                recorded_at=recorded_at or timezone.now(),
                reference=reference,
            )
    except IntegrityError:
        return PainRating.objects.get(source=source, reference=reference)
