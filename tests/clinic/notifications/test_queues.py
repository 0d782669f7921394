"""Each kind of work has its queue, so a stuck channel holds up only its own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinic.notifications import services, tasks
from clinic.project.celery import app
from tests.clinic.factories import ClientFactory


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("clinic.notifications.dispatch_due", "sweep"),
        ("clinic.notifications.send_email", "email"),
        ("clinic.notifications.send_sms", "sms"),
        ("homework.daily", "default"),
    ],
)
def test_each_task_is_routed_to_its_queue(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_a_worker_without_a_queue_list_consumes_all_four():
    assert set(app.amqp.queues) == {"sweep", "email", "sms", "default"}


def test_the_sweep_hands_each_channel_its_own_send_task(
    clinic, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_TASK_CHUNK = 2
    now = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)
    for i in range(3):
        for channel in ("email", "sms"):
            person = ClientFactory(clinic=clinic, preferred_channel=channel, phone="+12125550123")
            services.enqueue(
                recipient=person,
                template_key="clinic_notice",
                context={"headline": "h", "body": "b"},
                send_after=now,
                idempotency_key=f"{channel}-{i}",
            )
    with django_capture_on_commit_callbacks() as callbacks:
        assert tasks.dispatch_due(now=now) == 6
    handed = [(cb.func.__self__.name, len(cb.args[0])) for cb in callbacks]
    assert sorted(handed) == [
        ("clinic.notifications.send_email", 1),
        ("clinic.notifications.send_email", 2),
        ("clinic.notifications.send_sms", 1),
        ("clinic.notifications.send_sms", 2),
    ]
