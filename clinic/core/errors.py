"""Domain errors raised by services; the API's exception handler turns each into
the project's single 4xx error shape."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request."""

    status_code = 400
    code = "invalid"
    default_message = "The request was refused."

    def __init__(self, message: str = "", *, fields: dict[str, list[str]] | None = None) -> None:
        self.message = message or self.default_message
        self.fields = fields or {}
        super().__init__(self.message)


class InvalidInput(DomainError):
    """One or more fields break a rule; ``fields`` names them."""

    default_message = "Some fields are not valid."


class NotAllowed(DomainError):
    status_code = 403
    code = "permission_denied"
    default_message = "You are not allowed to do this."


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    default_message = "This conflicts with the current state."


class SecondFactorRequired(DomainError):
    """The password was right; this sign-in needs a code from the second factor."""

    code = "second_factor_required"
    default_message = "Please enter the code from your authenticator app."


class SecondFactorSetupRequired(DomainError):
    """The clinic asks staff for a second factor and this person has none yet."""

    status_code = 403
    code = "second_factor_setup_required"
    default_message = (
        "Your clinic asks staff to sign in with an authenticator app. Please sign in on "
        "the staff pages once to set it up, then try again here."
    )
