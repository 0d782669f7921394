"""Keeping a sign-in safe: per-device API tokens and password changes.

Each API sign-in issues a token of its own (made and hashed by django-rest-knox;
only its digest is stored), so signing out on one device leaves the others signed in. A token
stops working when it expires (``API_TOKEN_DAYS`` after sign-in, fixed: use
does not extend it), when its owner revokes it, or when the password changes.

Password changes need no signal: every token carries a fingerprint of the
password it was issued under (an HMAC of the password hash, like Django's
session hash), and the token authentication refuses a token whose fingerprint
no longer matches. A password changed in the admin, with ``changepassword`` or
through ``change_password`` below therefore ends every token at once, and
Django's session hash already ends every other session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from knox.crypto import create_token_string, hash_token
from knox.settings import CONSTANTS

from clinic.core.audit import record_audit
from clinic.core.errors import InvalidInput
from clinic.core.models import ApiToken, AuditAction, User

_FINGERPRINT_SALT = "clinic.core.accounts.password_fingerprint"
# A token's last use is written at most this often (one UPDATE, not one per request).
LAST_USED_PRECISION = timedelta(minutes=1)
DEVICE_LABEL_LENGTH = 120


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``key`` is the token itself, shown to its owner only now."""

    token: ApiToken
    key: str

    @property
    def expiry(self) -> datetime | None:
        return self.token.expiry


def password_fingerprint(user: User, *, secret: str | bytes | None = None) -> str:
    """An HMAC of the user's password hash: changes whenever the password does."""
    return salted_hmac(
        _FINGERPRINT_SALT, user.password, secret=secret, algorithm="sha256"
    ).hexdigest()


def _current_fingerprints(user: User) -> list[str]:
    # SECRET_KEY_FALLBACKS keep tokens working through a key rotation, as they
    # keep sessions.
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [password_fingerprint(user, secret=secret) for secret in secrets]


def has_current_password(token: ApiToken) -> bool:
    """Whether the token was issued under the user's present password."""
    return any(
        constant_time_compare(token.password_fingerprint, fingerprint)
        for fingerprint in _current_fingerprints(token.user)
    )


def is_api_token_usable(token: ApiToken, *, now: datetime | None = None) -> bool:
    """Whether the token still opens the API: not expired, issued under the
    present password, and with a second factor if the clinic now asks its
    staff for one. (Setting up a second factor revokes the user's tokens that
    had none; see ``clinic.core.two_factor.devices``.)"""
    now = now or timezone.now()
    if token.expiry is not None and token.expiry <= now:
        return False
    if not has_current_password(token):
        return False
    user = token.user
    clinic = user.clinic
    requires_second_factor = (
        clinic is not None and clinic.require_two_factor_for_staff and user.is_clinic_staff
    )
    return token.second_factor or not requires_second_factor


def device_label(*, given: str = "", user_agent: str = "") -> str:
    """What to call the device in its owner's list of tokens."""
    label = " ".join((given or user_agent or "").split())
    return label[:DEVICE_LABEL_LENGTH]


def list_api_tokens_for(user: User, *, now: datetime | None = None) -> QuerySet[ApiToken]:
    """The user's tokens that still work, newest first (never anyone else's)."""
    now = now or timezone.now()
    return ApiToken.objects.filter(
        Q(expiry__isnull=True) | Q(expiry__gt=now),
        user_id=user.pk,
        password_fingerprint__in=_current_fingerprints(user),
    ).order_by("-created", "-id")


@transaction.atomic
def issue_api_token(
    *, user: User, device: str = "", second_factor: bool = False, now: datetime | None = None
) -> IssuedToken:
    """A new token for one device. The caller has checked the password (and the
    second factor, if the user has one). The user's expired tokens are removed,
    and their oldest ones beyond ``API_TOKENS_PER_USER``."""
    now = now or timezone.now()
    ApiToken.objects.filter(user_id=user.pk, expiry__lte=now).delete()
    key = create_token_string()
    token = ApiToken.objects.create(
        user=user,
        digest=hash_token(key),
        token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
        expiry=now + timedelta(days=settings.API_TOKEN_DAYS),
        device=device_label(given=device),
        password_fingerprint=password_fingerprint(user),
        second_factor=second_factor,
    )
    keep = list(
        ApiToken.objects.filter(user_id=user.pk)
        .order_by("-created", "-id")
        .values_list("pk", flat=True)[: settings.API_TOKENS_PER_USER]
    )
    ApiToken.objects.filter(user_id=user.pk).exclude(pk__in=keep).delete()
    return IssuedToken(token=token, key=key)


def revoke_api_token(*, token: ApiToken) -> None:
    """End one token (signing out of one device)."""
    ApiToken.objects.filter(pk=token.pk).delete()


def revoke_api_tokens(*, user: User, only_without_second_factor: bool = False) -> int:
    """End the user's tokens (all, or those issued without a second factor);
    returns how many."""
    tokens = ApiToken.objects.filter(user_id=user.pk)
    if only_without_second_factor:
        tokens = tokens.filter(second_factor=False)
    count, _ = tokens.delete()
    return count


def record_api_token_use(*, token: ApiToken, now: datetime | None = None) -> None:
    """Remember when a token was last used, to the minute (one conditional UPDATE)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)
    token.last_used_at = now


@transaction.atomic
def change_password(*, user: User, new_password: str, changed_by: User | None = None) -> User:
    """Set a new password (checked by the password validators) and end every
    API token of the user. Django's session hash ends their other sessions; a
    page that changes the caller's own password keeps the caller signed in
    with ``update_session_auth_hash`` after calling this."""
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise InvalidInput(fields={"new_password": list(exc.messages)}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    revoked = revoke_api_tokens(user=user)
    record_audit(
        actor=changed_by or user,
        action=AuditAction.UPDATE,
        obj=user,
        detail={"password": "changed", "api_tokens_revoked": revoked},
    )
    return user
