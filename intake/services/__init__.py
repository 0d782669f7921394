"""Writes of intake, one module per use case: a clinic's starting forms and
rules and new questionnaire versions (``setup``), links sent through the outbox
(``links``), submissions (``submissions``), culprit rules at work (``rules``),
the Oswestry score and pain series (``outcomes``), red-flag clearance
(``clearance``) and the documents on a client's record (``documents``).

Callers use ``from intake import services``; the modules import one another
directly, never this package."""

from intake.services.clearance import (
    check_homework_clearance,
    open_referral_from_intake,
    record_clearance,
    record_clearance_read,
)
from intake.services.documents import (
    open_document,
    record_document_reads,
    sniff_type,
    upload_document,
)
from intake.services.links import TokenCheck, check_token, invitation_token, send_intake_link
from intake.services.outcomes import ODI_BANDS, odi_score, record_pain
from intake.services.reads import record_outcomes_read
from intake.services.rules import evaluate_rules
from intake.services.setup import (
    create_new_version,
    current_questionnaire,
    ensure_default_rules,
    ensure_questionnaires,
)
from intake.services.submissions import submit_questionnaire

__all__ = [
    "ODI_BANDS",
    "TokenCheck",
    "check_homework_clearance",
    "check_token",
    "create_new_version",
    "current_questionnaire",
    "ensure_default_rules",
    "ensure_questionnaires",
    "evaluate_rules",
    "invitation_token",
    "odi_score",
    "open_document",
    "open_referral_from_intake",
    "record_clearance",
    "record_clearance_read",
    "record_document_reads",
    "record_outcomes_read",
    "record_pain",
    "send_intake_link",
    "sniff_type",
    "submit_questionnaire",
    "upload_document",
]
