"""The workspace's entry: each member of staff lands on their role's home."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from clinic.core.models import User
from workspace.access import role_home, staff_page


@staff_page()
def home(request: HttpRequest) -> HttpResponse:
    """Straight to the role's page (the desk's day, the therapist's day)."""
    assert isinstance(request.user, User)
    try:
        return redirect(reverse(role_home(request.user)))
    except NoReverseMatch:
        return render(request, "workspace/home.html")
