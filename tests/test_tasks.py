"""Background work on Django's Tasks API: due approvals and publications, the schedule, the
database worker end to end, failed tasks and their retry, the restore case."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.models import FailedTask
from catalog import caching, changes, tasks
from catalog.editorial import pending, services
from catalog.models import Commitment, PendingChange
from tests.factories import CommitmentFactory
from tests.task_backends import DATABASE_TASKS
from tests.writes import committed


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


def schedule_approval(editor, publisher, record, title, approve_at):
    data = pending.snapshot(record)
    data["fields"]["title"] = title
    services.save_pending(user=editor, commitment=record, data=data)
    services.submit_changes(user=editor, commitment=record)
    services.approve_changes(user=publisher, commitment=record, approve_at=approve_at)


@pytest.mark.django_db
def test_a_scheduled_approval_enqueues_its_task_for_its_moment(database_tasks, editor, publisher):
    record = CommitmentFactory()
    moment = timezone.now() + datetime.timedelta(hours=2)

    with committed():
        schedule_approval(editor, publisher, record, "Later title", moment)

    queued = DBTaskResult.objects.get(task_path="catalog.editorial.services.apply_due_approvals")
    assert (queued.status, queued.run_after) == ("READY", moment)


@pytest.mark.django_db
def test_a_scheduled_publication_enqueues_the_public_step_for_its_moment(database_tasks, publisher):
    record = CommitmentFactory(in_review=True)
    moment = timezone.now() + datetime.timedelta(days=1)

    with committed():
        services.transition(record, "published", user=publisher, publish_at=moment)

    queued = DBTaskResult.objects.get(task_path="catalog.tasks.publish_due")
    assert queued.run_after == moment
    assert DBTaskResult.objects.filter(task_path="catalog.tasks.rewarm").count() == 1


@pytest.mark.django_db
def test_a_draft_edit_enqueues_nothing(database_tasks, publisher):
    record = CommitmentFactory(draft=True)
    with committed():
        services.save_commitment(user=publisher, commitment=record, fields={"title": "Draft"})
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_a_visit_never_applies_a_due_approval(editor, publisher):
    record = CommitmentFactory(title="Live title")
    schedule_approval(
        editor, publisher, record, "Due title", timezone.now() + datetime.timedelta(seconds=1)
    )
    PendingChange.objects.update(approve_at=timezone.now() - datetime.timedelta(minutes=5))

    page = Client().get(record.get_absolute_url()).content.decode()

    assert "Live title" in page and "Due title" not in page
    assert PendingChange.objects.get().state == "scheduled"


@pytest.mark.django_db
def test_the_approvals_task_applies_what_is_due_and_the_page_shows_it(editor, publisher):
    record = CommitmentFactory(title="Live title")
    schedule_approval(
        editor, publisher, record, "Due title", timezone.now() + datetime.timedelta(hours=1)
    )
    visitor = Client()
    assert "Due title" not in visitor.get(record.get_absolute_url()).content.decode()
    assert services.apply_due_approvals.enqueue().return_value == 0  # not due yet
    PendingChange.objects.update(approve_at=timezone.now() - datetime.timedelta(minutes=5))

    with committed():
        result = services.apply_due_approvals.enqueue()

    assert result.return_value == 1
    assert "Due title" in visitor.get(record.get_absolute_url()).content.decode()
    assert not PendingChange.objects.exists()


@pytest.mark.django_db
def test_after_restore_applies_an_approval_that_came_due_meanwhile(editor, publisher):
    """A backup taken with an approval scheduled, restored after its time: the database says
    it is due, whatever the cache holds."""
    record = CommitmentFactory(title="Live title")
    schedule_approval(
        editor, publisher, record, "Due title", timezone.now() + datetime.timedelta(hours=1)
    )
    PendingChange.objects.update(approve_at=timezone.now() - datetime.timedelta(days=1))
    caching.catalogue_version()  # a cache that knows nothing about it

    with committed():
        call_command("after_restore", verbosity=0)

    assert Commitment.objects.get(pk=record.pk).title == "Due title"
    assert not PendingChange.objects.exists()


@pytest.mark.django_db
def test_the_publication_task_moves_the_public_state_when_a_record_comes_due():
    CommitmentFactory(publish_at=timezone.now() + datetime.timedelta(seconds=1))
    version = caching.catalogue_version()
    assert tasks.publish_due.enqueue().return_value is False

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
        assert tasks.publish_due.enqueue().return_value is True
        assert caching.catalogue_version() != version
        assert tasks.publish_due.enqueue().return_value is False  # once


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_enqueued_tasks_end_to_end(settings, editor, publisher):
    """The real database backend and its worker (manage.py db_worker), with committed data."""
    settings.TASKS = DATABASE_TASKS
    record = CommitmentFactory(title="Live title")
    schedule_approval(
        editor, publisher, record, "Due title", timezone.now() + datetime.timedelta(seconds=2)
    )
    queued = DBTaskResult.objects.get(task_path="catalog.editorial.services.apply_due_approvals")
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    assert DBTaskResult.objects.get(pk=queued.pk).status == "READY"  # its moment has not come
    assert Commitment.objects.get(pk=record.pk).title == "Live title"

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3)):
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    assert DBTaskResult.objects.get(pk=queued.pk).status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(pk=queued.pk).return_value == 1
    assert Commitment.objects.get(pk=record.pk).title == "Due title"
    # The approval was a public change: its own follow-up was enqueued and ran too.
    rewarms = DBTaskResult.objects.filter(task_path="catalog.tasks.rewarm")
    assert {(r.status, repr(r.args_kwargs["args"])) for r in rewarms} >= {
        ("SUCCESSFUL", repr([[record.pk]]))
    }


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_is_kept_with_its_error(settings):
    settings.TASKS = DATABASE_TASKS
    tasks.rewarm.enqueue("not a list of ids")  # iterable: it warms nothing
    tasks.rewarm.enqueue(None)
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    failure = FailedTask.objects.get()
    assert (failure.task_path, failure.args) == ("catalog.tasks.rewarm", [None])
    assert failure.exception_class == "builtins.TypeError"
    assert "NoneType" in failure.traceback


@pytest.fixture
def failure(db):
    tasks.rewarm.enqueue(None)  # the immediate backend runs it: it fails and is kept
    return FailedTask.objects.get()


def retry(client, failure):
    return client.post(
        "/admin/background/failedtask/",
        {"action": "retry_tasks", "_selected_action": [failure.pk]},
    )


def test_publishers_see_failed_tasks_and_retry_them(client, publisher, failure):
    client.force_login(publisher)
    assert "catalog.tasks.rewarm" in client.get("/admin/background/failedtask/").content.decode()
    FailedTask.objects.filter(pk=failure.pk).update(args=[[1, 2]])  # fixed: it can run now

    response = retry(client, failure)

    assert response.status_code == 302
    failure.refresh_from_db()
    assert (failure.retried_by, failure.retried_at is not None) == (publisher, True)
    assert FailedTask.objects.count() == 1  # the retry succeeded: no new failure


@pytest.mark.parametrize("role", ["editor", "anonymous"])
def test_only_publishers_may_see_or_retry_failed_tasks(client, editor, failure, role):
    if role == "editor":
        client.force_login(editor)
    assert client.get("/admin/background/failedtask/").status_code in (302, 403)
    assert retry(client, failure).status_code in (302, 403)
    failure.refresh_from_db()
    assert failure.retried_at is None


def test_the_schedule_names_tasks_and_lists_their_next_runs(db, settings):
    out = io.StringIO()
    call_command("run_scheduler", list=True, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(settings.TASK_SCHEDULE) == 9
    assert any(line.endswith("catalog.tasks.prune_search_words 50 3 * * *") for line in lines)
    assert any(line.endswith("participation.tasks.send_alert_digests 5 * * * *") for line in lines)
    assert any(line.endswith("texts.tasks.extract_queued */5 * * * *") for line in lines)
    assert any(
        line.endswith("catalog.editorial.services.apply_due_approvals * * * * *") for line in lines
    )


def test_every_scheduled_entry_is_a_task_that_runs(db):
    from django.conf import settings
    from django.utils.module_loading import import_string

    for _cron, path in settings.TASK_SCHEDULE:
        result = import_string(path).enqueue()
        assert result.status == "SUCCESSFUL", (path, result.errors)


def test_tasks_enqueued_by_a_rolled_back_write_never_run(db, publisher):
    record = CommitmentFactory(in_review=True)
    with committed() as callbacks, pytest.raises(RuntimeError), changes.atomic():
        services.transition(record, "published", user=publisher)
        raise RuntimeError("rolled back")
    assert callbacks == []


@pytest.mark.django_db(transaction=True)
def test_the_rq_backend_runs_a_task_on_a_real_redis_worker(settings):
    """Production's backend: the task goes to Redis and an RQ worker (burst mode) runs it."""
    import os
    import uuid

    import django_rq
    import redis

    url = os.environ.get("OSCE_TEST_REDIS_URL", "redis://127.0.0.1:6379/10")
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError:
        pytest.skip(f"Redis is not reachable at {url}")
    queue = f"test-{uuid.uuid4().hex}"
    settings.RQ_QUEUES = {"default": {"URL": url}, queue: {"URL": url}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue]}}
    try:
        result = tasks.rewarm.using(queue_name=queue).enqueue([4, 5, 6])
        assert result.status == "READY"
        call_command("rqworker", queue, burst=True, job_class="django_tasks_rq.Job")
        result.refresh()
        # (No catalogue version to warm: it warms nothing.)
        assert (result.status, result.return_value) == ("SUCCESSFUL", 0)
    finally:
        django_rq.get_queue(queue).empty()
