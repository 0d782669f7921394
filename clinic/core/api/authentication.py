"""How API callers prove who they are: a per-device token, or a staff session
that has finished its second step."""

from __future__ import annotations

from hmac import compare_digest
from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.request import Request

from clinic.core import accounts
from clinic.core.models import ApiToken, User
from clinic.core.two_factor.devices import Need, get_session_need

NOT_VALID = "The token is not valid any more (it expired or was revoked). Please sign in again."


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <token>``: a django-rest-knox token, looked up by
    its first characters and compared by digest (our ``ApiToken``).

    A token is refused, and deleted, when it has expired, when the password
    changed after it was issued, or when the clinic now requires a second
    factor and the sign-in that issued it had none.
    """

    def authenticate_header(self, request: Request) -> str:
        return str(knox_settings.AUTH_HEADER_PREFIX)

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.authenticate_header(request).lower().encode():
            return None  # no token, or another scheme
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "The Authorization header should read: Token <your token>."
            )
        return self.authenticate_credentials(parts[1])

    def authenticate_credentials(self, token: bytes) -> tuple[User, ApiToken]:
        try:
            key = token.decode("utf-8")
            digest = hash_token(key)
        except (UnicodeError, ValueError) as exc:
            raise exceptions.AuthenticationFailed(NOT_VALID) from exc
        candidates = ApiToken.objects.filter(
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH]
        ).select_related("user", "user__clinic")
        found = next((c for c in candidates if compare_digest(c.digest, digest)), None)
        if found is None:
            raise exceptions.AuthenticationFailed(NOT_VALID)
        now = timezone.now()
        if not accounts.is_api_token_usable(found, now=now):
            accounts.revoke_api_token(token=found)
            raise exceptions.AuthenticationFailed(NOT_VALID)
        if not found.user.is_active:
            raise exceptions.AuthenticationFailed("This sign-in has been switched off.")
        accounts.record_api_token_use(token=found, now=now)
        return found.user, found


class VerifiedSessionAuthentication(SessionAuthentication):
    """Django's session (pages calling the API), counted only once the session
    has passed its second step when the person needs one: a session signed in
    before the clinic required a second factor is not enough for the API."""

    def authenticate(self, request: Request) -> tuple[User, None] | None:
        found = super().authenticate(request)
        if found is None:
            return None
        user = found[0]
        if not isinstance(user, User) or get_session_need(user) is not Need.NOTHING:
            return None
        return user, None


# --- how the OpenAPI schema describes them -----------------------------------------


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "clinic.core.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        definition: dict[str, Any] = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )
        return definition


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "clinic.core.api.authentication.VerifiedSessionAuthentication"
    name = "cookieAuth"
    priority = -1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
