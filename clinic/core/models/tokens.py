"""API tokens: one per signed-in device, stored only as a hash (django-rest-knox's
token format and digest, in a model of our own).

The token itself is shown once, when it is issued; the database keeps its
SHA-512 digest and its first characters (``token_key``) to find it. A token
works until ``expiry``, until its owner (or a password change) revokes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from knox.settings import CONSTANTS


class ApiToken(models.Model):
    """A token for one device: knox's fields (``digest``, ``token_key``,
    ``user``, ``created``, ``expiry``) and ours.

    ``password_fingerprint`` ties the token to the password it was issued
    under: after any password change (the admin, ``changepassword``, a service)
    it no longer matches and the token stops working, with no signal needed.
    ``second_factor`` says whether the sign-in that issued it passed a
    two-factor check.
    """

    # knox makes the digest the primary key; ours is a plain number the owner
    # can name in a URL without learning anything about the token.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    token_key = models.CharField(
        max_length=CONSTANTS.MAXIMUM_TOKEN_PREFIX_LENGTH + CONSTANTS.TOKEN_KEY_LENGTH,
        db_index=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auth_token_set"
    )
    created = models.DateTimeField(auto_now_add=True)
    expiry = models.DateTimeField(null=True, blank=True)
    device = models.CharField(
        max_length=120, blank=True, help_text="What the device called itself at sign-in."
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    password_fingerprint = models.CharField(max_length=64)
    second_factor = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.token_key[:8]}… ({self.device or 'device'})"
