from __future__ import annotations

from django.urls import path

from workspace import desk, desk_book, desk_panel, desk_reports, desk_waitlist, views
from workspace import note as note_pages
from workspace import plan as plan_pages

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    # The front desk (workspace/desk*.py).
    path("day/", desk.day, name="day"),
    path("day/week/", desk.week, name="week"),
    path("waitlist/", desk_waitlist.waitlist, name="waitlist"),
    path("reports/", desk_reports.reports, name="reports"),
    path("waitlist/<int:pk>/leave/", desk_waitlist.leave, name="waitlist-leave"),
    path("book/", desk_book.book, name="book"),
    path("book/slots/", desk_book.book_slots, name="book-slots"),
    path("book/clients/", desk_book.book_clients, name="book-clients"),
    path("appointments/<int:pk>/", desk_panel.appointment, name="appointment"),
    path("appointments/<int:pk>/slots/", desk_panel.reschedule_slots, name="appointment-slots"),
    path(
        "appointments/<int:pk>/<slug:action>/",
        desk_panel.appointment_action,
        name="appointment-action",
    ),
    # The therapist: my day and the session note (workspace/note.py).
    path("my-day/", note_pages.my_day, name="my-day"),
    path("my-day/<int:appointment_id>/note/", note_pages.write_note, name="write-note"),
    path("notes/<int:note_id>/", note_pages.note_page, name="note"),
    path("notes/<int:note_id>/autosave/", note_pages.autosave, name="note-autosave"),
    path("notes/<int:note_id>/phrase/", note_pages.add_phrase, name="note-phrase"),
    path("notes/<int:note_id>/muscles/", note_pages.muscle_picker, name="note-muscles"),
    path("notes/<int:note_id>/suggestions/", note_pages.accept_suggestion, name="note-accept"),
    path("notes/<int:note_id>/findings/", note_pages.add_finding, name="note-finding"),
    path("notes/<int:note_id>/findings/remove/", note_pages.remove_finding, name="note-remove"),
    path("notes/<int:note_id>/links/", note_pages.link_findings, name="note-link"),
    path("notes/<int:note_id>/links/remove/", note_pages.unlink_findings, name="note-unlink"),
    path(
        "notes/<int:note_id>/problems/<int:problem_id>/<slug:step>/",
        note_pages.problem_step,
        name="note-problem",
    ),
    path("notes/<int:note_id>/tests/", note_pages.add_length_test, name="note-test"),
    path(
        "notes/<int:note_id>/tests/remove/", note_pages.remove_length_test, name="note-test-remove"
    ),
    path("notes/<int:note_id>/sign/", note_pages.sign, name="note-sign"),
    path("notes/<int:note_id>/addenda/", note_pages.add_addendum, name="note-addendum"),
    # The plan builder (workspace/plan.py).
    path("notes/<int:note_id>/plan/", plan_pages.plan_from_note, name="plan-from-note"),
    path("plans/<int:plan_id>/", plan_pages.plan_page, name="plan"),
    path("plans/<int:plan_id>/items/", plan_pages.add_item, name="plan-add-item"),
    path("plans/<int:plan_id>/items/<int:item_id>/", plan_pages.change_item, name="plan-item"),
    path(
        "plans/<int:plan_id>/items/<int:item_id>/move/",
        plan_pages.move_item,
        name="plan-item-move",
    ),
    path(
        "plans/<int:plan_id>/items/<int:item_id>/remove/",
        plan_pages.remove_item,
        name="plan-item-remove",
    ),
    path("plans/<int:plan_id>/schedule/", plan_pages.change_settings, name="plan-settings"),
    path("plans/<int:plan_id>/publish/", plan_pages.publish, name="plan-publish"),
    path("plans/<int:plan_id>/<slug:step>/", plan_pages.change_life, name="plan-life"),
]
