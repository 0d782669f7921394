"""The therapist's pages: My day (the day's clients, with what to know before
each visit) and the session note (SOAP, findings, links, signing, addenda).

Every read and write goes through the notes, intake, homework and scheduling
selectors and services the API uses; reads of clinical content are audited
as the API audits them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from clinic.core.audit import record_audit_many
from clinic.core.errors import DomainError, NotAllowed
from clinic.core.models import AuditAction, MuscleRegion, Role, Therapist, User
from clinic.core.selectors import (
    get_therapist_for_user,
    has_client_relationship,
    list_muscles,
    list_therapists_for,
)
from homework import selectors as homework_selectors
from homework import services as homework_services
from intake import selectors as intake_selectors
from notes import clinical_charts, selectors, services
from notes.models import (
    FindingRole,
    FindingSide,
    MuscleFinding,
    NoteSection,
    NoteStatus,
    SessionNote,
    TestKind,
    TestResult,
    TugOfWar,
)
from scheduling.models import AppointmentStatus
from scheduling.selectors import list_appointments_for
from workspace.access import TREATING, staff_page

SOAP = [
    ("subjective", "Subjective", "What the client tells you"),
    ("objective", "Objective", "What you observe and test"),
    ("assessment", "Assessment", "Your reasoning: culprits and victims"),
    ("plan", "Plan", "Treatment, homework and next visit"),
]
PAIN_FIELDS = [("nrs_before", "Pain before (0-10)"), ("nrs_after", "Pain after (0-10)")]
SCALE = [(0, "0 none"), (1, "1 mild"), (2, "2 moderate"), (3, "3 severe")]


# --- small helpers -------------------------------------------------------------------------------


def zone_label(zone_name: str) -> str:
    """'America/New_York' -> 'New York time'."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ") + " time"


def _hm(moment: datetime, zone_name: str) -> str:
    return moment.astimezone(ZoneInfo(zone_name)).strftime("%H:%M")


def _day(moment: datetime, zone_name: str) -> str:
    local = moment.astimezone(ZoneInfo(zone_name))
    return f"{local:%A} {local.day} {local:%B %Y}"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _errors(exc: DomainError) -> dict[str, list[str]]:
    if isinstance(exc, NotAllowed):
        raise PermissionDenied(exc.message)
    return exc.fields or {"__all__": [exc.message]}


def _plan_link(note: SessionNote) -> str:
    try:
        return reverse("workspace:plan-from-note", args=[note.pk])
    except NoReverseMatch:  # the plan builder is not part of this installation
        return ""


# --- My day --------------------------------------------------------------------------------------


def _chosen_day(request: HttpRequest, zone: ZoneInfo) -> tuple[date, str]:
    raw = request.GET.get("date", "").strip()
    today = timezone.now().astimezone(zone).date()
    if not raw:
        return today, ""
    try:
        return date.fromisoformat(raw), ""
    except ValueError:
        return today, "Give the date as year-month-day, e.g. 2026-06-01. Showing today."


def _chosen_therapist(request: HttpRequest, user: User) -> tuple[Therapist | None, list[Therapist]]:
    if user.role != Role.OWNER:
        return get_therapist_for_user(user), []
    therapists = list(list_therapists_for(user).order_by("user__first_name", "user__last_name"))
    wanted = request.GET.get("therapist", "")
    for therapist in therapists:
        if str(therapist.pk) == wanted:
            return therapist, therapists
    return (therapists[0] if therapists else None), therapists


def _adherence_since(plan: Any, last_visit: datetime | None) -> dict[str, Any]:
    today = homework_selectors.get_plan_today(plan)
    if last_visit is None:
        overall = homework_selectors.get_adherence(plan, today=today)
        return {"done": overall["done"], "prescribed": overall["prescribed"], "since": None}
    first = last_visit.astimezone(ZoneInfo(plan.zone_name or plan.client.zone_name)).date()
    done, prescribed = homework_selectors.get_window_adherence(
        plan, first=first + timedelta(days=1), last=today
    )
    return {"done": done, "prescribed": prescribed, "since": first}


@require_GET
@staff_page(*TREATING)
def my_day(request: HttpRequest) -> HttpResponse:
    """The signed-in therapist's visits of a day (the owner picks a therapist),
    each with intake and red-flag state, the last visit's culprits and victims,
    the active problem list and homework adherence since."""
    user = _user(request)
    assert user.clinic is not None  # staff_page lets in only staff of a clinic
    zone = ZoneInfo(user.clinic.timezone)
    day, date_error = _chosen_day(request, zone)
    therapist, therapists = _chosen_therapist(request, user)
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    appointments = []
    if therapist is not None:
        appointments = list(
            list_appointments_for(user)
            .filter(
                therapist=therapist,
                starts_at__gte=start,
                starts_at__lt=start + timedelta(days=1),
            )
            .exclude(status=AppointmentStatus.CANCELLED)
            .order_by("starts_at", "id")
        )
    client_ids = sorted({a.client_id for a in appointments})
    clients = {a.client_id: a.client for a in appointments}
    badges = intake_selectors.get_intake_badges(client_ids) if client_ids else {}
    last_notes = selectors.list_latest_signed_notes(client_ids) if client_ids else {}
    problems = selectors.list_active_problems_of_clients(client_ids) if client_ids else {}
    plans = homework_selectors.list_live_plans(client_ids) if client_ids else {}
    notes_by_visit = {
        note.appointment_id: note
        for note in selectors.list_notes_for(user).filter(
            appointment_id__in=[a.pk for a in appointments]
        )
    }
    # Audited as the API audits the same reads: the notes, the plans, the lists.
    if last_notes:
        record_audit_many(
            actor=user,
            action=AuditAction.READ,
            objects=list(last_notes.values()),
            client_of=lambda note: note.client_id,
            detail={"via": "my day"},
        )
    homework_services.record_plan_reads(plans=list(plans.values()), read_by=user, via="my day")
    if client_ids:
        record_audit_many(
            actor=user,
            action=AuditAction.READ,
            objects=[clients[i] for i in client_ids],
            client_of=lambda client: client.pk,
            detail={"via": "problem list"},
        )
    rows = []
    for appointment in appointments:
        last = last_notes.get(appointment.client_id)
        findings = list(last.findings.all()) if last else []
        plan = plans.get(appointment.client_id)
        appointment_zone = appointment.location.timezone
        rows.append(
            {
                "appointment": appointment,
                "starts": _hm(appointment.starts_at, appointment_zone),
                "zone": zone_label(appointment_zone),
                "badges": badges.get(appointment.client_id, {}),
                "last": last,
                "last_day": _day(last.seen_at, appointment_zone) if last else "",
                "culprits": [f for f in findings if f.role == FindingRole.CULPRIT],
                "victims": [f for f in findings if f.role == FindingRole.VICTIM],
                "problems": problems.get(appointment.client_id, []),
                "plan": plan,
                "adherence": _adherence_since(plan, last.seen_at if last else None)
                if plan
                else None,
                "note": notes_by_visit.get(appointment.pk),
            }
        )
    return render(
        request,
        "workspace/note/my_day.html",
        {
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "date_error": date_error,
            "therapist": therapist,
            "therapists": therapists,
            "rows": rows,
            "may_write": user.role == Role.THERAPIST,
        },
    )


@require_POST
@staff_page(Role.THERAPIST)
def write_note(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Open the visit's note: start the draft, or open the note it has."""
    user = _user(request)
    appointment = list_appointments_for(user).filter(pk=appointment_id).first()
    if appointment is None:
        raise Http404
    existing = selectors.list_notes_for(user).filter(appointment=appointment).first()
    if existing is None:
        try:
            existing = services.start_note(
                client=appointment.client, written_by=user, appointment=appointment
            )
        except DomainError as exc:
            _errors(exc)  # 403 when not allowed
            existing = selectors.list_notes_for(user).filter(appointment=appointment).first()
            if existing is None:
                messages.error(request, exc.message)
                return redirect("workspace:my-day")
    return redirect("workspace:note", note_id=existing.pk)


# --- the session note ----------------------------------------------------------------------------


def _note_for(user: User, note_id: int) -> SessionNote:
    note = (
        selectors.with_note_details(selectors.list_notes_for(user))
        .select_related("appointment__location", "client__clinic")
        .filter(pk=note_id)
        .first()
    )
    if note is None:
        raise Http404
    return note


def _zone_name(note: SessionNote) -> str:
    if note.appointment_id and note.appointment is not None:
        return note.appointment.location.timezone
    return note.client.clinic.timezone


def _soap_values(note: SessionNote) -> dict[str, str]:
    values = {name: getattr(note, name) or "" for name, _, _ in SOAP}
    for name, _ in PAIN_FIELDS:
        score = getattr(note, name)
        values[name] = "" if score is None else str(score)
    return values


def _phrases(user: User) -> dict[str, list[Any]]:
    by_section: dict[str, list[Any]] = {section: [] for section in NoteSection.values}
    for phrase in selectors.list_templates_for(user).order_by("order", "id"):
        by_section.setdefault(phrase.section, []).append(phrase)
    return by_section


def _soap_fields(
    note: SessionNote,
    user: User,
    values: dict[str, str],
    errors: dict[str, list[str]],
    phrases: dict[str, list[Any]] | None = None,
) -> list[dict[str, Any]]:
    phrases = _phrases(user) if phrases is None else phrases
    return [
        {
            "name": name,
            "label": label,
            "hint": hint,
            "value": values.get(name, ""),
            "errors": errors.get(name, []),
            "phrases": phrases.get(name, []),
        }
        for name, label, hint in SOAP
    ]


def _panel_context(
    note: SessionNote,
    user: User,
    *,
    region: str = "",
    picked: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    test_values: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The findings panel: suggestions, the region picker, the findings and
    their links, and the active problem list."""
    errors = errors or {}
    findings = sorted(note.findings.all(), key=lambda f: (f.role, f.muscle.name, f.side))
    by_id = {f.pk: f for f in findings}
    recorded = {(f.muscle_id, f.side) for f in findings}
    links = [
        {"culprit": f, "victim": by_id[link.victim_id]}
        for f in findings
        for link in f.pulls.all()
        if link.victim_id in by_id
    ]
    suggestions = []
    latest = intake_selectors.get_latest_intake(note.client)
    if latest is not None:
        for suggestion in latest.suggestions.select_related("muscle").order_by("id"):
            sides = (
                [""]
                if not suggestion.muscle.sided
                else ["left", "right"]
                if suggestion.side == "both"
                else [suggestion.side]
            )
            suggestions.append(
                {
                    "row": suggestion,
                    "accepted": all((suggestion.muscle_id, s) in recorded for s in sides),
                }
            )
    muscles = list(list_muscles().filter(region=region).order_by("name")) if region else []
    return {
        "note": note,
        "editable": _editable(note, user),
        "findings": findings,
        "culprits": [f for f in findings if f.role == FindingRole.CULPRIT],
        "victims": [f for f in findings if f.role == FindingRole.VICTIM],
        "links": links,
        "suggestions": suggestions,
        "regions": MuscleRegion.choices,
        "region": region,
        "region_label": dict(MuscleRegion.choices).get(region, ""),
        "muscles": muscles,
        "sides": FindingSide.choices,
        "roles": FindingRole.choices,
        "scale": SCALE,
        "picked": picked or {"side": "left", "role": FindingRole.CULPRIT},
        "errors": errors,
        "problems": getattr(note.client, selectors.ACTIVE_PROBLEMS_ATTR, []),
        # The same rule as notes.services.problems: the owner, or a therapist of the client.
        "can_change_problems": user.role == Role.OWNER
        or (user.role == Role.THERAPIST and has_client_relationship(user, note.client)),
        "length_tests": list(note.tests.all()),
        # The note's culprits and victims drawn (an SVG our code builds with
        # ElementTree, names escaped; colours as attributes, so the CSP holds).
        "chart": mark_safe(clinical_charts.note_body_chart(note)) if findings else "",
        "test_kinds": TestKind.choices,
        "test_sides": FindingSide.choices[:3],
        "test_results": TestResult.choices,
        "test_values": test_values or {"side": "left"},
    }


def _editable(note: SessionNote, user: User) -> bool:
    return note.status == NoteStatus.DRAFT and note.therapist.user_id == user.pk


def _page(
    request: HttpRequest,
    note: SessionNote,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    addendum: str = "",
    **panel: Any,
) -> HttpResponse:
    user = _user(request)
    errors = errors or {}
    values = values if values is not None else _soap_values(note)
    zone = _zone_name(note)
    context = _panel_context(note, user, errors=errors, **panel)
    context.update(
        {
            "client": note.client,
            "seen_day": _day(note.seen_at, zone),
            "seen_time": _hm(note.seen_at, zone),
            "zone": zone_label(zone),
            "zone_name": zone,
            "clearance": intake_selectors.get_clearance_state(note.client),
            "soap": _soap_fields(note, user, values, errors),
            "pain": [
                {"name": n, "label": label, "value": values.get(n, ""), "errors": errors.get(n, [])}
                for n, label in PAIN_FIELDS
            ],
            "addenda": list(note.addenda.all()),
            "addendum": addendum,
            "plan_link": _plan_link(note) if note.status == NoteStatus.SIGNED else "",
            "recheck": note.subjective_data.get("to_recheck", [])
            if isinstance(note.subjective_data, dict)
            else [],
            "general_errors": errors.get("__all__", []),
        }
    )
    return render(request, "workspace/note/note.html", context, status=status)


@require_GET
@staff_page(*TREATING)
def note_page(request: HttpRequest, note_id: int) -> HttpResponse:
    """One session note: the author edits the draft; the owner and the client's
    other therapists read it. Every opening is audited."""
    user = _user(request)
    note = _note_for(user, note_id)
    services.record_note_read(note=note, read_by=user, via="workspace")
    region = request.GET.get("region", "")
    return _page(request, note, region=region if region in MuscleRegion.values else "")


def _parse_soap(post: Any) -> tuple[dict[str, Any], dict[str, str], dict[str, list[str]]]:
    """(changes for update_note, the typed values, errors of shape)."""
    changes: dict[str, Any] = {}
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name, _, _ in SOAP:
        if name in post:
            values[name] = changes[name] = post[name]
    for name, _ in PAIN_FIELDS:
        if name not in post:
            continue
        raw = values[name] = post[name].strip()
        if raw == "":
            changes[name] = None
        elif raw.isdigit() and 0 <= int(raw) <= 10:
            changes[name] = int(raw)
        else:
            errors[name] = ["Give a whole number from 0 to 10."]
    return changes, values, errors


def _save(
    request: HttpRequest, note: SessionNote, extra: str = ""
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Save the posted SOAP fields (``extra`` appends a quick phrase to one)."""
    changes, values, errors = _parse_soap(request.POST)
    if extra:
        section, text = extra.split(":", 1)
        current = values.get(section, getattr(note, section) or "").rstrip()
        values[section] = changes[section] = current + ("\n" if current else "") + text
    if errors:
        return values, errors
    try:
        services.update_note(note=note, changed_by=_user(request), **changes)
    except DomainError as exc:
        return values, _errors(exc)
    return values, {}


@require_POST
@staff_page(*TREATING)
def autosave(request: HttpRequest, note_id: int) -> HttpResponse:
    """Save the draft as it is typed (htmx answers "Saved at 10:42")."""
    note = _note_for(_user(request), note_id)
    values, errors = _save(request, note)
    if request.htmx:  # type: ignore[attr-defined]
        zone = _zone_name(note)
        return render(
            request,
            "workspace/note/saved.html",
            {
                "at": _hm(timezone.now(), zone),
                "zone": zone_label(zone),
                "errors": errors,
                "fields": [n for n, _, _ in SOAP] + [n for n, _ in PAIN_FIELDS],
            },
        )
    if errors:
        return _page(request, note, status=400, values=values, errors=errors)
    messages.success(request, "The draft is saved.")
    return redirect("workspace:note", note_id=note.pk)


@require_POST
@staff_page(*TREATING)
def add_phrase(request: HttpRequest, note_id: int) -> HttpResponse:
    """Append a quick phrase to its section, keeping what was typed."""
    user = _user(request)
    note = _note_for(user, note_id)
    phrase = selectors.list_templates_for(user).filter(pk=request.POST.get("phrase") or 0).first()
    if phrase is None:
        raise Http404
    values, errors = _save(request, note, extra=f"{phrase.section}:{phrase.text}")
    if request.htmx:  # type: ignore[attr-defined]
        field = next(
            f for f in _soap_fields(note, user, values, errors) if f["name"] == phrase.section
        )
        return render(
            request,
            "workspace/note/soap_field.html",
            {"field": field, "note": note, "editable": True},
        )
    if errors:
        return _page(request, note, status=400, values=values, errors=errors)
    return redirect(reverse("workspace:note", args=[note.pk]) + f"#field-{phrase.section}")


@require_GET
@staff_page(*TREATING)
def muscle_picker(request: HttpRequest, note_id: int) -> HttpResponse:
    """The atlas muscles of one body region, to record a finding."""
    user = _user(request)
    note = _note_for(user, note_id)
    region = request.GET.get("region", "")
    if region not in MuscleRegion.values:
        region = ""
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(reverse("workspace:note", args=[note.pk]) + f"?region={region}#picker")
    return render(request, "workspace/note/picker.html", _panel_context(note, user, region=region))


def _panel_answer(
    request: HttpRequest,
    note: SessionNote,
    *,
    errors: dict[str, list[str]] | None = None,
    **kw: Any,
) -> HttpResponse:
    """htmx: the panel again (with errors next to the fields); otherwise the
    page again on an error, or back to the panel."""
    user = _user(request)
    if request.htmx:  # type: ignore[attr-defined]
        fresh = _note_for(user, note.pk)
        return render(
            request,
            "workspace/note/panel.html",
            _panel_context(fresh, user, errors=errors, **kw),
        )
    if errors:
        return _page(request, _note_for(user, note.pk), status=400, errors=errors, **kw)
    return redirect(reverse("workspace:note", args=[note.pk]) + "#findings")


@require_POST
@staff_page(*TREATING)
def accept_suggestion(request: HttpRequest, note_id: int) -> HttpResponse:
    user = _user(request)
    note = _note_for(user, note_id)
    raw = request.POST.get("suggestion", "")
    suggestion = (
        intake_selectors.get_suggestion_for_client(suggestion_id=int(raw), client=note.client)
        if raw.isdigit()
        else None
    )
    if suggestion is None:
        return _panel_answer(request, note, errors={"suggestion": ["No such suggestion."]})
    try:
        services.accept_suggestion(note=note, accepted_by=user, suggestion=suggestion)
    except DomainError as exc:
        return _panel_answer(request, note, errors=_errors(exc))
    return _panel_answer(request, note)


@require_POST
@staff_page(*TREATING)
def add_finding(request: HttpRequest, note_id: int) -> HttpResponse:
    user = _user(request)
    note = _note_for(user, note_id)
    post = request.POST
    picked = {k: post.get(k, "") for k in ("muscle", "side", "role", "tension", "tenderness")}
    region = post.get("region", "")
    region = region if region in MuscleRegion.values else ""
    errors: dict[str, list[str]] = {}
    muscle = None
    if picked["muscle"].isdigit():
        muscle = list_muscles().filter(pk=int(picked["muscle"])).first()
    if muscle is None:
        errors["muscle"] = ["Choose a muscle."]
    scores: dict[str, int] = {}
    for name in ("tension", "tenderness"):
        raw = picked[name].strip() or "0"
        if raw.isdigit():
            scores[name] = int(raw)
        else:
            errors[name] = ["Rate from 0 (none) to 3 (severe)."]
    if not errors:
        assert muscle is not None
        try:
            services.add_finding(
                note=note,
                added_by=user,
                muscle=muscle,
                side=picked["side"],
                role=picked["role"],
                tension=scores["tension"],
                tenderness=scores["tenderness"],
            )
        except DomainError as exc:
            errors = _errors(exc)
    if errors:
        return _panel_answer(request, note, errors=errors, region=region, picked=picked)
    return _panel_answer(request, note, region=region)


@require_POST
@staff_page(*TREATING)
def remove_finding(request: HttpRequest, note_id: int) -> HttpResponse:
    user = _user(request)
    note = _note_for(user, note_id)
    finding = _finding_of(note, request.POST.get("finding", ""))
    try:
        services.remove_finding(finding=finding, removed_by=user)
    except DomainError as exc:
        return _panel_answer(request, note, errors=_errors(exc))
    return _panel_answer(request, note)


def _finding_of(note: SessionNote, raw: str) -> MuscleFinding:
    for finding in note.findings.all():
        if str(finding.pk) == raw:
            return finding
    raise Http404


@require_POST
@staff_page(*TREATING)
def link_findings(request: HttpRequest, note_id: int) -> HttpResponse:
    """Record that a culprit pulls on a victim (tug of war)."""
    user = _user(request)
    note = _note_for(user, note_id)
    errors: dict[str, list[str]] = {}
    chosen = {}
    for name in ("culprit", "victim"):
        try:
            chosen[name] = _finding_of(note, request.POST.get(name, ""))
        except Http404:
            errors[name] = [f"Choose a {name}."]
    if not errors:
        try:
            services.link_tug_of_war(
                note=note, linked_by=user, culprit=chosen["culprit"], victim=chosen["victim"]
            )
        except DomainError as exc:
            errors = _errors(exc)
    return _panel_answer(request, note, errors=errors)


@require_POST
@staff_page(*TREATING)
def unlink_findings(request: HttpRequest, note_id: int) -> HttpResponse:
    """Take back a culprit-victim link of the draft."""
    user = _user(request)
    note = _note_for(user, note_id)
    raw = request.POST.get("link", "")
    link = (
        TugOfWar.objects.filter(pk=int(raw), culprit__note=note)
        .select_related("culprit", "victim")
        .first()
        if raw.isdigit()
        else None
    )
    if link is None:
        raise Http404
    try:
        services.unlink_tug_of_war(link=link, unlinked_by=user)
    except DomainError as exc:
        return _panel_answer(request, note, errors=_errors(exc))
    return _panel_answer(request, note)


PROBLEM_STEPS = ("confirm", "resolve")


@require_POST
@staff_page(*TREATING)
def problem_step(request: HttpRequest, note_id: int, problem_id: int, step: str) -> HttpResponse:
    """Confirm a suspected entry of the client's problem list, or resolve one
    (with an optional reason), from the note page: the same services, checks
    and audit as the API."""
    if step not in PROBLEM_STEPS:
        raise Http404
    user = _user(request)
    note = _note_for(user, note_id)
    entry = selectors.list_problems_for(user).filter(pk=problem_id, client=note.client).first()
    if entry is None:
        raise Http404
    try:
        if step == "confirm":
            services.confirm_problem(entry=entry, confirmed_by=user)
        else:
            reason = request.POST.get("reason", "")
            services.resolve_problem(entry=entry, resolved_by=user, reason=reason)
    except DomainError as exc:
        errors = _errors(exc)
        errors.setdefault("problem", errors.pop("__all__", []) or errors.pop("status", []))
        return _panel_answer(request, note, errors=errors)
    return _panel_answer(request, note)


@require_POST
@staff_page(*TREATING)
def sign(request: HttpRequest, note_id: int) -> HttpResponse:
    """Sign the draft: its content is hashed and locked."""
    user = _user(request)
    note = _note_for(user, note_id)
    try:
        services.sign_note(note=note, signed_by=user)
    except DomainError as exc:
        return _page(request, note, status=409, errors=_errors(exc))
    messages.success(request, "The note is signed.")
    return redirect("workspace:note", note_id=note.pk)


@require_POST
@staff_page(*TREATING)
def add_addendum(request: HttpRequest, note_id: int) -> HttpResponse:
    """A later remark under a signed note."""
    user = _user(request)
    note = _note_for(user, note_id)
    text = request.POST.get("text", "")
    try:
        services.add_addendum(note=note, written_by=user, text=text)
    except DomainError as exc:
        errors = _errors(exc)
        errors.setdefault("text", errors.pop("__all__", []))
        return _page(request, note, status=400, errors=errors, addendum=text)
    messages.success(request, "The addendum is added.")
    return redirect(reverse("workspace:note", args=[note.pk]) + "#addenda")


TEST_FIELDS = ("test", "name", "side", "result", "degrees", "comment")


@require_POST
@staff_page(*TREATING)
def add_length_test(request: HttpRequest, note_id: int) -> HttpResponse:
    """A structured muscle-length test (Thomas, Ely, Ober ...) on the draft;
    its errors are named ``t_<field>`` next to the test form."""
    user = _user(request)
    note = _note_for(user, note_id)
    values = {k: request.POST.get(k, "").strip() for k in TEST_FIELDS}
    errors: dict[str, list[str]] = {}
    degrees: int | None = None
    if values["degrees"]:
        if values["degrees"].isdigit() and int(values["degrees"]) <= 180:
            degrees = int(values["degrees"])
        else:
            errors["t_degrees"] = ["Give whole degrees from 0 to 180."]
    for name, choices in (("test", TestKind), ("side", None), ("result", TestResult)):
        allowed = ("left", "right", "both") if choices is None else choices.values
        if values[name] not in allowed:
            errors["t_" + name] = ["Choose one."]
    if not errors:
        try:
            services.add_test(
                note=note,
                added_by=user,
                test=values["test"],
                side=values["side"],
                result=values["result"],
                degrees=degrees,
                name=values["name"],
                comment=values["comment"],
            )
        except DomainError as exc:
            errors = {"t_" + key: msgs for key, msgs in _errors(exc).items()}
    if errors:
        return _panel_answer(request, note, errors=errors, test_values=values)
    return _panel_answer(request, note)


@require_POST
@staff_page(*TREATING)
def remove_length_test(request: HttpRequest, note_id: int) -> HttpResponse:
    user = _user(request)
    note = _note_for(user, note_id)
    row = next((t for t in note.tests.all() if str(t.pk) == request.POST.get("test")), None)
    if row is None:
        raise Http404
    try:
        services.remove_test(test=row, removed_by=user)
    except DomainError as exc:
        return _panel_answer(request, note, errors=_errors(exc))
    return _panel_answer(request, note)
