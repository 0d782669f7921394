"""The timeline page: a therapist's read of a client before the next visit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from clinic.core.models import User
from clinic.core.selectors import list_clients_for
from homework import selectors as homework_selectors
from homework import services as homework_services
from notes import clinical_charts, selectors
from records import timeline


def _page_url(name: str, pk: int) -> str:
    """A staff workspace page, when this installation has it (by URL name: the
    workspace sits above records and is never imported here)."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


@login_required
def timeline_page(request: HttpRequest, client_id: int) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not selectors.has_note_access(user):
        raise Http404
    client = list_clients_for(user, include_archived=True).filter(pk=client_id).first()
    if client is None:
        raise Http404
    data = timeline.build(client=client, reader=user)
    for item in data["items"]:
        if item["type"] == "note":
            item["page_url"] = _page_url("workspace:note", item["id"])
            if item["note"].get("status") == "signed":
                item["plan_url"] = _page_url("workspace:plan-from-note", item["id"])
    plans = list(homework_selectors.list_plans_for(user).filter(client=client)[:20])
    homework_services.record_plan_reads(plans=plans, read_by=user, via="timeline")
    plan_links = [{"plan": plan, "url": _page_url("workspace:plan", plan.pk)} for plan in plans]
    return render(
        request,
        "records/timeline.html",
        {
            "client": client,
            "data": data,
            "plan_links": plan_links,
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
