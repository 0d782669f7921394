"""Intake's domain errors."""

from __future__ import annotations

from clinic.core.errors import Conflict

CLEARANCE_OVERRIDE_FIELD = "clearance_override_reason"


class ClearanceRequired(Conflict):
    """The client was referred to a doctor for red flags and is not cleared yet:
    homework goes ahead only with a reason, which is kept and audited."""

    code = "clearance_required"
    default_message = (
        "This client was referred to a doctor for red flags and has not been cleared yet. "
        "Record the clearance, or give a reason to go ahead with homework now."
    )

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message,
            fields={
                CLEARANCE_OVERRIDE_FIELD: [
                    "Give the reason homework goes ahead before the client is cleared."
                ]
            },
        )
