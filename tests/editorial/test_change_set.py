"""One write, one step: the change set a service records is followed once — one search-index
refresh for exactly the changed ids, one move of the public state, and only when public data
changed (a draft edit leaves every public cache entry valid)."""

import pytest
from django.test import Client
from django.urls import reverse

from catalog import caching, changes, search
from catalog.editorial import services
from catalog.pagecache import HEADER
from tests.editorial.conftest import change_url, load_form
from tests.factories import CommitmentFactory, ThemeFactory

pytestmark = pytest.mark.django_db


class Calls(dict):
    def reset(self):
        """Forget what building the test's records did."""
        self.update(refresh=[], version=0)


@pytest.fixture
def counted(monkeypatch):
    """Counts the real index refreshes (with the ids they were given) and version steps."""
    calls = Calls(refresh=[], version=0)
    real_refresh, real_version = search.refresh, caching.new_catalogue_version
    real_changed = caching.catalogue_changed

    def refresh(ids=None):
        calls["refresh"].append(None if ids is None else sorted(ids))
        return real_refresh(ids)

    def new_version():
        calls["version"] += 1
        return real_version()

    monkeypatch.setattr(search, "refresh", refresh)

    def changed(*args, **kwargs):  # the commit step's version step
        calls["version"] += 1
        return real_changed(*args, **kwargs)

    monkeypatch.setattr(caching, "new_catalogue_version", new_version)
    monkeypatch.setattr(caching, "catalogue_changed", changed)
    return calls


def save_through_admin(client, record, **changes_):
    data = load_form(client, record)
    data.update(changes_)
    response = client.post(change_url(record), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_one_admin_save_of_a_published_record_is_one_refresh_and_one_version_step(
    publisher_client, counted, django_capture_on_commit_callbacks
):
    record = CommitmentFactory(title="Decision on seaports")
    other = CommitmentFactory()
    data = load_form(publisher_client, record)
    data.update(title="Decision on harbours", transition_comment="Title corrected.", _correct="1")
    counted.reset()

    with django_capture_on_commit_callbacks(execute=True):
        response = publisher_client.post(change_url(record), data)

    assert response.status_code == 302
    assert counted == {"refresh": [[record.pk]], "version": 1}
    assert other.pk not in counted["refresh"][0]


def test_one_admin_save_of_a_draft_refreshes_its_entry_and_moves_nothing_public(
    editor_client, counted, django_capture_on_commit_callbacks
):
    record = CommitmentFactory(draft=True, title="Decision on seaports")
    counted.reset()

    with django_capture_on_commit_callbacks(execute=True):
        save_through_admin(editor_client, record, title="Decision on harbours")

    assert counted == {"refresh": [[record.pk]], "version": 0}


def test_a_bulk_action_on_many_records_is_one_refresh_and_one_step(
    publisher, counted, django_capture_on_commit_callbacks
):
    records = CommitmentFactory.create_batch(5, in_review=True)
    counted.reset()

    with django_capture_on_commit_callbacks(execute=True):
        services.transition_many(records, "published", user=publisher)

    assert counted == {"refresh": [sorted(r.pk for r in records)], "version": 1}


def test_a_draft_edit_leaves_every_public_cache_entry_valid(
    editor_client, django_capture_on_commit_callbacks
):
    theme = ThemeFactory(name="Cyber security")
    published = CommitmentFactory(themes=[theme], title="Decision on cyber security")
    draft = CommitmentFactory(draft=True, themes=[theme], title="Draft on cyber security")
    pages = [
        reverse("catalog:home"),
        reverse("catalog:commitment_list"),
        reverse("catalog:commitment_list") + "?search=cyber",
        published.get_absolute_url(),
        reverse("catalog:theme_list"),
    ]
    visitor = Client()
    first = {page: visitor.get(page) for page in pages}
    assert {page: response[HEADER] for page, response in first.items()} == dict.fromkeys(
        pages, "miss"
    )
    version = caching.catalogue_version()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        save_through_admin(editor_client, draft, title="Draft on cyber resilience")

    assert len(callbacks) == 1  # the change set's one step, which moves nothing public
    assert caching.catalogue_version() == version
    again = {page: visitor.get(page) for page in pages}
    assert {page: response[HEADER] for page, response in again.items()} == dict.fromkeys(
        pages, "hit"
    )
    assert all(again[page].content == first[page].content for page in pages)


def test_a_published_edit_moves_the_public_state_on_commit_only(
    publisher, django_capture_on_commit_callbacks
):
    record = CommitmentFactory()
    version = caching.catalogue_version()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.save_commitment(
            user=publisher,
            commitment=record,
            fields={"title": "Decision on harbours"},
            correction=True,
            comment="Fix.",
        )
        assert caching.catalogue_version() == version  # not before the commit

    for callback in callbacks:
        callback()
    assert caching.catalogue_version() != version


def test_a_failed_write_records_nothing(publisher, counted, django_capture_on_commit_callbacks):
    records = [CommitmentFactory(in_review=True), CommitmentFactory(archived=True)]
    counted.reset()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(services.Refused):
            # The archived record cannot be published: neither moves, nothing is followed.
            services.transition_many(records, "published", user=publisher)

    assert callbacks == []
    assert counted == {"refresh": [], "version": 0}


def test_nested_blocks_merge_into_one_change_set(counted, django_capture_on_commit_callbacks):
    first, second = CommitmentFactory(draft=True), CommitmentFactory()
    counted.reset()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with changes.atomic():
            changes.record(commitments=[first.pk])
            with changes.atomic():
                changes.record(commitments=[second.pk], public=True)
            with pytest.raises(RuntimeError), changes.atomic():
                changes.record(commitments=[999], public=True)
                raise RuntimeError("rolled back")

    assert len(callbacks) == 1
    assert counted == {"refresh": [sorted([first.pk, second.pk])], "version": 1}


def test_another_kind_of_index_is_rebuilt_with_the_change_set(monkeypatch):
    rebuilt = []
    monkeypatch.setitem(changes._INDEXES, "paragraphs", rebuilt.append)
    with changes.atomic():
        changes.record(indexed={"paragraphs": [3, 1]})
        with changes.atomic():
            changes.record(indexed={"paragraphs": [2]}, public=True)
        assert rebuilt == []  # not before the outermost block ends
    assert rebuilt == [[1, 2, 3]]
