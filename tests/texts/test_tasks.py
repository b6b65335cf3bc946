"""Extraction as background work on the Tasks API: an upload enqueues its extraction when the
write commits, the database worker runs it, and the schedule's sweep extracts a queued text
whose task was lost. Nothing is extracted in the request."""

import pytest
from django.conf import settings as project_settings
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.task_backends import DATABASE_TASKS
from tests.writes import committed
from texts import services, tasks
from texts.models import Text

pytestmark = pytest.mark.django_db


def upload(editor, decision, data):
    with committed():
        return services.add_text(user=editor, commitment=decision, language="fr", data=data)


@pytest.mark.django_db(transaction=True)  # the worker closes its connections after a task
def test_an_upload_enqueues_its_extraction_and_the_worker_runs_it(
    settings, decision, editor, french_pdf
):
    settings.TASKS = DATABASE_TASKS
    text = upload(editor, decision, french_pdf)

    queued = DBTaskResult.objects.get(task_path="texts.tasks.extract_text")
    assert (queued.status, queued.args_kwargs["args"]) == ("READY", [text.pk])
    text.refresh_from_db()
    assert (text.extraction, text.paragraphs.count()) == ("queued", 0)  # not in the request

    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    queued.refresh_from_db()
    text.refresh_from_db()
    assert (queued.status, queued.return_value) == ("SUCCESSFUL", "done")
    assert (text.extraction, text.page_count, text.paragraphs.count()) == ("done", 3, 14)


def test_a_retry_enqueues_the_extraction_again(settings, decision, editor, french_pdf):
    text = upload(editor, decision, french_pdf)
    Text.objects.filter(pk=text.pk).update(extraction=Text.Extraction.FAILED)
    settings.TASKS = DATABASE_TASKS

    with committed():
        services.retry_extraction(user=editor, text=text)

    queued = DBTaskResult.objects.get(task_path="texts.tasks.extract_text")
    assert queued.args_kwargs["args"] == [text.pk]


def test_the_sweep_extracts_a_queued_text_whose_task_was_lost(decision, editor, french_pdf):
    text = upload(editor, decision, french_pdf)  # immediate backend, but its task never ran:
    Text.objects.filter(pk=text.pk).update(extraction=Text.Extraction.QUEUED)
    text.paragraphs.all().delete()

    assert tasks.extract_queued.enqueue().return_value == 1

    text.refresh_from_db()
    assert (text.extraction, text.paragraphs.count()) == ("done", 14)
    assert tasks.extract_queued.enqueue().return_value == 0
    assert ("*/5 * * * *", "texts.tasks.extract_queued") in project_settings.TASK_SCHEDULE


def test_a_task_for_a_text_no_longer_queued_does_nothing(decision, editor, french_pdf):
    text = upload(editor, decision, french_pdf)
    text.refresh_from_db()
    extracted_at = text.extracted_at

    assert tasks.extract_text.enqueue(text.pk).return_value is None
    assert tasks.extract_text.enqueue(10**9).return_value is None
    text.refresh_from_db()
    assert text.extracted_at == extracted_at


def test_an_extraction_of_a_file_replaced_meanwhile_is_dropped(decision, editor, french_pdf):
    text = upload(editor, decision, french_pdf)
    Text.objects.filter(pk=text.pk).update(
        extraction=Text.Extraction.QUEUED, sha256="0" * 64, page_count=None
    )
    text.paragraphs.all().delete()

    assert services.run_extraction(text.pk) is None

    text.refresh_from_db()
    assert (text.extraction, text.page_count, text.paragraphs.count()) == ("queued", None, 0)
