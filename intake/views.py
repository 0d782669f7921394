"""The client's intake page, reached by a signed link (no sign-in)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from clinic.core.errors import Conflict
from clinic.core.middleware import client_ip
from intake import bodymap, services
from intake.forms import QuestionnaireForm
from intake.vocabulary import RED_FLAG_LABELS


@csrf_protect
@require_http_methods(["GET", "POST"])
def intake_page(request: HttpRequest, token: str) -> HttpResponse:
    check = services.check_token(token)
    invitation = check.invitation
    if check.state == "invalid" or invitation is None:
        return render(request, "intake/link_problem.html", {"problem": "invalid"}, status=404)
    clinic = invitation.client.clinic
    if check.state == "used":
        submission = invitation.submission
        return render(
            request,
            "intake/thanks.html",
            {"clinic": clinic, "submission": submission, "again": True},
        )
    if check.state in ("expired", "replaced"):
        return render(
            request,
            "intake/link_problem.html",
            {"problem": check.state, "clinic": clinic},
            status=410,
        )
    questions = list(invitation.questionnaire.questions.all())
    form = QuestionnaireForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submit_questionnaire(
                invitation=invitation, cleaned=form.cleaned_data, ip_address=client_ip(request)
            )
        except Conflict:  # the link expired or was replaced while the form was open
            problem = services.check_token(token).state
            return render(
                request,
                "intake/link_problem.html",
                {"problem": "replaced" if problem == "replaced" else "expired", "clinic": clinic},
                status=410,
            )
        return render(
            request,
            "intake/thanks.html",
            {
                "clinic": clinic,
                "submission": submission,
                "red_flags": [
                    RED_FLAG_LABELS[c] for c in submission.red_flags if c in RED_FLAG_LABELS
                ],
            },
        )
    return render(
        request,
        "intake/form.html",
        {
            "clinic": clinic,
            "questionnaire": invitation.questionnaire,
            "form": form,
            "client": invitation.client,
            "views": bodymap.views(),
            "outline": bodymap.OUTLINE,
            "correction": invitation.corrects_id is not None,
        },
        status=400 if form.errors else 200,
    )
