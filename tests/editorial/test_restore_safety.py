"""Revert and recover are safe by construction: they write the record named in the address and
its own inlines only, whatever else the revision holds. These replay the two attacks that
used to let an editor publish or unpublish other people's records."""

import pytest
import reversion
from reversion.models import Revision, Version

from catalog.editorial import history, services
from catalog.models import Commitment, StatusChange
from tests.editorial.conftest import messages_of
from tests.editorial.helpers import commitment_snapshot, database_snapshot
from tests.factories import CommitmentFactory, SourceFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/commitment/"


def revert_url(record, version):
    return f"/admin/catalog/commitment/{record.pk}/history/{version.pk}/"


def test_the_import_attack_changes_no_other_record(editor_client, editor, publisher):
    """A revision holding several records (what an import used to make): an editor reverts
    their own draft to it; the archived and the published record in it stay as they are."""
    draft = CommitmentFactory(draft=True, title="Editor's draft")
    archived = CommitmentFactory(archived=True, title="Archived record")
    published = CommitmentFactory(title="Published record")
    # The shared revision: the archived record was published then, the published one a draft.
    with reversion.create_revision():
        Commitment.objects.filter(pk=archived.pk).update(status="published")
        Commitment.objects.filter(pk=published.pk).update(status="draft")
        for record in (draft, archived, published):
            reversion.add_to_revision(Commitment.objects.get(pk=record.pk))
    Commitment.objects.filter(pk=archived.pk).update(status="archived")
    Commitment.objects.filter(pk=published.pk).update(status="published")
    shared = Revision.objects.get()
    assert shared.version_set.filter(content_type__model="commitment").count() == 3
    Commitment.objects.filter(pk=draft.pk).update(title="Editor's draft, edited")
    others = database_snapshot(skip_commitments=[draft.pk])
    version = Version.objects.get_for_object(draft).get(revision=shared)

    response = editor_client.post(revert_url(draft, version), {"comment": ""}, follow=True)

    assert response.status_code == 200
    assert Commitment.objects.get(pk=draft.pk).title == "Editor's draft"
    assert database_snapshot(skip_commitments=[draft.pk]) == others
    assert Commitment.objects.get(pk=archived.pk).status == "archived"
    assert Commitment.objects.get(pk=published.pk).is_public
    assert set(StatusChange.objects.values_list("commitment_id", flat=True)) == {draft.pk}


def test_the_list_action_attack_changes_no_other_record(editor_client, publisher):
    """A revision made by a bulk action over several records (as list actions used to make):
    reverting the editor's draft to it restores nothing but that draft."""
    draft = CommitmentFactory(draft=True, title="Draft")
    ready = CommitmentFactory(in_review=True, title="Ready")
    with reversion.create_revision():  # the old changelist wrapped every move in one revision
        services.transition(ready, "published", user=publisher)
        reversion.add_to_revision(draft)
    shared = Revision.objects.order_by("-pk").first()
    assert shared.version_set.filter(content_type__model="commitment").count() == 2
    services.transition(ready, "draft", user=publisher, comment="Needs a new summary")
    Commitment.objects.filter(pk=draft.pk).update(title="Draft, edited")
    others = database_snapshot(skip_commitments=[draft.pk])
    version = Version.objects.get_for_object(draft).get(revision=shared)

    editor_client.post(revert_url(draft, version), {"comment": ""})

    assert Commitment.objects.get(pk=draft.pk).title == "Draft"
    assert database_snapshot(skip_commitments=[draft.pk]) == others
    assert Commitment.objects.get(pk=ready.pk).status == "draft"


def test_list_actions_and_imports_make_one_revision_per_record(editor_client, editor):
    records = CommitmentFactory.create_batch(3, draft=True)

    editor_client.post(
        CHANGELIST,
        {"action": "submit_for_review", "_selected_action": [r.pk for r in records], "index": 0},
    )

    revisions = Revision.objects.all()
    assert revisions.count() == 3
    for revision in revisions:
        assert revision.version_set.filter(content_type__model="commitment").count() == 1


def test_reverting_restores_only_the_records_own_inlines(publisher_client, publisher):
    mine = CommitmentFactory(draft=True)
    other = CommitmentFactory(draft=True)
    SourceFactory(commitment=mine, url="https://www.osce.org/mine")
    SourceFactory(commitment=other, url="https://www.osce.org/other")
    with reversion.create_revision():
        reversion.add_to_revision(mine)
        reversion.add_to_revision(other)
    version = Version.objects.get_for_object(mine).get()
    other.sources.update(label="Changed later")
    mine.sources.update(label="Changed later")
    before_other = commitment_snapshot(other.pk)

    publisher_client.post(revert_url(mine, version), {"comment": ""})

    assert list(mine.sources.values_list("label", flat=True)) == [""]
    assert commitment_snapshot(other.pk) == before_other


def test_an_editors_revert_of_a_published_record_becomes_pending_changes(editor_client, publisher):
    record = CommitmentFactory(title="Old title")
    with reversion.create_revision():
        reversion.add_to_revision(record)
    version = Version.objects.get_for_object(record).get()
    services.transition(record, "draft", user=publisher, comment="Retitle")
    Commitment.objects.filter(pk=record.pk).update(title="New title")
    services.transition(record, "published", user=publisher)
    live = commitment_snapshot(record.pk)

    response = editor_client.post(revert_url(record, version), {"comment": ""}, follow=True)

    assert "pending changes" in " ".join(messages_of(response))
    assert commitment_snapshot(record.pk) == live
    assert record.pending_change.data["fields"]["title_en"] == "Old title"


def test_a_restore_that_would_change_a_published_records_relations_is_refused_for_editors(
    editor_client, publisher
):
    from tests.factories import CommitmentRelationFactory

    draft = CommitmentFactory(draft=True)
    public = CommitmentFactory(title="Public neighbour")
    with reversion.create_revision():
        reversion.add_to_revision(draft)  # no relations yet
    version = Version.objects.get_for_object(draft).get()
    CommitmentRelationFactory(source=public, target=draft)  # the public record links to it now
    before = database_snapshot()

    response = editor_client.post(revert_url(draft, version), {"comment": ""}, follow=True)

    assert "Public neighbour" in " ".join(messages_of(response))
    assert database_snapshot() == before


def test_recover_checks_the_policy_for_the_recovered_status(editor_client, publisher):
    record = CommitmentFactory(title="Deleted while public")
    services.delete([record], user=publisher)
    deleted = Version.objects.get_deleted(Commitment).get()

    response = editor_client.post(f"/admin/catalog/commitment/recover/{deleted.pk}/", follow=True)

    assert "Only publishers can bring back" in " ".join(messages_of(response))
    assert not Commitment.objects.filter(pk=record.pk).exists()


def test_the_wrapped_reversion_api_is_what_the_restore_relies_on():
    """history.followed_relations() wraps reversion's private `_get_options`; this pins it."""
    from reversion.revisions import _get_options

    assert history.followed_relations(Commitment) == (
        "sources",
        "category_assignments",
        "outgoing_relations",
        "incoming_relations",
    )
    assert tuple(_get_options(Commitment).follow) == history.followed_relations(Commitment)


def test_reverting_one_institution_of_an_import_revision_restores_only_it(publisher_client):
    from catalog.models import Institution
    from tests.factories import InstitutionFactory

    first = InstitutionFactory(name="First body")
    second = InstitutionFactory(name="Second body")
    with reversion.create_revision():  # what an institution import used to make
        reversion.add_to_revision(first)
        reversion.add_to_revision(second)
    Institution.objects.filter(pk=first.pk).update(name="First body, renamed")
    Institution.objects.filter(pk=second.pk).update(name="Second body, renamed")
    version = Version.objects.get_for_object(first).get()

    response = publisher_client.post(
        f"/admin/catalog/institution/{first.pk}/history/{version.pk}/", {"comment": ""}
    )

    assert response.status_code == 302
    assert Institution.objects.get(pk=first.pk).name == "First body"
    assert Institution.objects.get(pk=second.pk).name == "Second body, renamed"


def test_editors_cannot_revert_reference_records(editor_client):
    from catalog.models import Theme
    from tests.factories import ThemeFactory

    theme = ThemeFactory(name="Theme")
    with reversion.create_revision():
        reversion.add_to_revision(theme)
    Theme.objects.filter(pk=theme.pk).update(name="Renamed")
    version = Version.objects.get_for_object(theme).get()

    editor_client.post(f"/admin/catalog/theme/{theme.pk}/history/{version.pk}/", {"comment": ""})

    assert Theme.objects.get(pk=theme.pk).name == "Renamed"


def test_records_whose_relations_a_delete_or_recover_changes_are_logged(publisher):
    from tests.factories import CommitmentRelationFactory

    record = CommitmentFactory(draft=True, title="Deleted and recovered")
    neighbour = CommitmentFactory(title="Neighbour")
    CommitmentRelationFactory(source=neighbour, target=record)
    pk = record.pk

    services.delete([record], user=publisher)
    services.recover(user=publisher, version=Version.objects.get_deleted(Commitment).get())

    log = [step.comment for step in StatusChange.objects.filter(commitment=neighbour)]
    assert log == [
        "Relations to “Deleted and recovered” restored with it (Recovered after deletion.)",
        "Relations to “Deleted and recovered” removed with its deletion",
    ]
    assert neighbour.outgoing_relations.get().target_id == pk
    assert Version.objects.get_for_object(neighbour).count() == 2
