"""The timeline page: a therapist's read of a client before the next visit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from clinic.core.models import User
from clinic.core.selectors import list_clients_for
from notes import clinical_charts, selectors
from records import timeline


@login_required
def timeline_page(request: HttpRequest, client_id: int) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not selectors.has_note_access(user):
        raise Http404
    client = list_clients_for(user, include_archived=True).filter(pk=client_id).first()
    if client is None:
        raise Http404
    data = timeline.build(client=client, reader=user)
    return render(
        request,
        "records/timeline.html",
        {
            "client": client,
            "data": data,
            # Our own SVG, built with ElementTree from escaped text: safe to inline.
            "body_chart": mark_safe(
                clinical_charts.client_body_chart(
                    client=client,
                    reader=user,
                    visits=5,
                )
            ),
            "pain_trend": mark_safe(clinical_charts.pain_trend(client=client)),
        },
    )
