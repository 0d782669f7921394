"""The page a signed unsubscribe link opens.

GET shows what will happen and a button (mail scanners follow links, so a GET
never changes anything); POST records the opt-out. A POST carrying
``List-Unsubscribe=One-Click`` (RFC 8058, sent by mail apps) works the same.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clinic.core.models import Client, User
from clinic.notifications import rendering, services


@csrf_exempt  # the signed token is the authority; mail apps post without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    who = rendering.read_unsubscribe_token(token)
    if who is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    client = user = None
    if "c" in who:
        client = Client.objects.select_related("clinic").filter(pk=who["c"]).first()
    else:
        user = User.objects.select_related("clinic").filter(pk=who["u"]).first()
    person: Client | User | None = client or user
    if person is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    clinic = person.clinic
    if request.method == "POST":
        services.opt_out(client=client, user=None if client else user, via="unsubscribe link")
        return render(request, "notifications/unsubscribed.html", {"clinic": clinic})
    return render(
        request,
        "notifications/unsubscribe.html",
        {"clinic": clinic, "already": not person.message_opt_in},
    )
