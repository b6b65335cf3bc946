"""Complete history from the first load: every seeded record can be undone and recovered."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.test import Client
from reversion.models import Revision, Version

from catalog.models import (
    ActivityCategory,
    Commitment,
    Institution,
    Organisation,
    Theme,
)
from tests.editorial.conftest import change_url, load_form
from tests.editorial.helpers import commitment_snapshot
from tests.snapshots import put_load_seed

pytestmark = pytest.mark.django_db

HISTORY_MODELS = [Commitment, Organisation, Institution, Theme, ActivityCategory]


@pytest.fixture
def seeded(db):
    """The seed catalogue as `load_seed` leaves it, in this test's transaction."""
    put_load_seed()


def test_load_seed_leaves_one_initial_revision_for_every_record(seeded):
    records = sum(model.objects.count() for model in HISTORY_MODELS)

    assert Revision.objects.count() == records
    for model in HISTORY_MODELS:
        with_history = set(Version.objects.get_for_model(model).values_list("object_id", flat=True))
        assert with_history == {str(pk) for pk in model.objects.values_list("pk", flat=True)}
    # Each commitment's revision holds its sources, evidence and relations too.
    record = Commitment.objects.filter(sources__isnull=False).first()
    version = Version.objects.get_for_object(record).get()
    held = version.revision.version_set.filter(content_type__model="source").count()
    assert held == record.sources.count()


def test_loading_the_seed_again_adds_no_revisions(seeded):
    before = Revision.objects.count()

    call_command("load_seed", verbosity=0)

    assert Revision.objects.count() == before


def test_ensure_history_gives_an_existing_database_its_initial_revisions(seed):
    assert Revision.objects.count() == 0  # loaded with plain loaddata, as before this release

    call_command("ensure_history", verbosity=0)
    call_command("ensure_history", verbosity=0)

    assert Revision.objects.count() == sum(model.objects.count() for model in HISTORY_MODELS)


def browser_form(client, record):
    """The change form as a browser posts it: text areas with CRLF line ends."""
    data = load_form(client, record)
    return {
        key: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for key, value in data.items()
    }


def test_the_first_save_of_an_unchanged_seeded_record_changes_no_field(seeded, publisher_client):
    record = Commitment.objects.filter(status="draft").exclude(keywords="").first()
    before = commitment_snapshot(record.pk)

    response = publisher_client.post(change_url(record), browser_form(publisher_client, record))

    assert response.status_code == 302
    entry = LogEntry.objects.get(object_id=str(record.pk))
    assert entry.get_change_message() == "No fields changed."
    assert commitment_snapshot(record.pk) == before


def test_edit_once_then_revert_is_identical_to_the_seed(seeded, publisher_client):
    for record in Commitment.objects.exclude(status="published").order_by("pk"):
        seeded_state = commitment_snapshot(record.pk)
        initial = Version.objects.get_for_object(record).get()
        data = load_form(publisher_client, record)
        data["title"] = "Edited once"
        data["keywords"] = "a new keyword"
        if data.get("sources-TOTAL_FORMS", "0") != "0":
            data["sources-0-DELETE"] = "on"
        assert publisher_client.post(change_url(record), data).status_code == 302
        assert commitment_snapshot(record.pk) != seeded_state

        url = f"/admin/catalog/commitment/{record.pk}/history/{initial.pk}/"
        assert publisher_client.post(url, {"comment": ""}).status_code == 302

        assert commitment_snapshot(record.pk) == seeded_state


def test_a_published_seeded_record_reverts_identically_too(seeded, publisher_client):
    record = Commitment.objects.published().filter(sources__isnull=False).first()
    seeded_state = commitment_snapshot(record.pk)
    initial = Version.objects.get_for_object(record).get()
    data = browser_form(publisher_client, record)
    data.update(title="Corrected at once", transition_comment="Typo in the title", _correct="1")
    assert publisher_client.post(change_url(record), data).status_code == 302
    assert Commitment.objects.get(pk=record.pk).title == "Corrected at once"

    url = f"/admin/catalog/commitment/{record.pk}/history/{initial.pk}/"
    publisher_client.post(url, {"comment": ""})

    assert commitment_snapshot(record.pk) == seeded_state


def test_every_seeded_record_deleted_and_recovered_is_identical(seeded, publisher):
    client = Client()
    client.force_login(publisher)
    for pk in Commitment.objects.order_by("pk").values_list("pk", flat=True):
        seeded_state = commitment_snapshot(pk)
        response = client.post(f"/admin/catalog/commitment/{pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert not Commitment.objects.filter(pk=pk).exists()
        deleted = Version.objects.get_deleted(Commitment).get(object_id=str(pk))

        response = client.post(f"/admin/catalog/commitment/recover/{deleted.pk}/", {"comment": ""})

        assert response.status_code == 302, pk
        assert commitment_snapshot(pk) == seeded_state, pk
