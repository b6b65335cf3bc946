"""The index follows every change a service makes: edits, themes, categories, renames,
reverts, deletions; writes behind the services' back need an explicit refresh."""

import pytest
from django.core.management import call_command
from reversion.models import Version

from catalog import search
from catalog.editorial import reference, services
from catalog.models import Commitment, Institution, SearchDocument, Theme
from tests.factories import (
    ActivityCategoryFactory,
    CategoryAssignmentFactory,
    CommitmentFactory,
    InstitutionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def found(query):
    return list(
        search.search_commitments(Commitment.objects.published(), query).values_list(
            "slug", flat=True
        )
    )


def test_new_commitment_is_found_by_its_title_words():
    CommitmentFactory(slug="wiretap", title="Decision on lawful interception of wiretaps")
    assert found("interception") == ["wiretap"]


def correct(publisher, commitment, **parts):
    """An immediate correction of a published record through the service layer."""
    return services.save_commitment(
        user=publisher, commitment=commitment, correction=True, comment="Fix.", **parts
    )


def test_edited_title_replaces_the_old_words(publisher):
    commitment = CommitmentFactory(slug="edited", title="Decision on hydroelectric dams")
    correct(publisher, commitment, fields={"title": "Decision on seaports"})
    assert found("hydroelectric") == []
    assert found("seaports") == ["edited"]


def test_edited_symbol_is_found_in_every_spelling(publisher):
    commitment = CommitmentFactory(slug="renumbered")
    correct(
        publisher,
        commitment,
        fields={"symbol": "PC.DEC/9999", "symbol_status": "derived", "number": "9999"},
    )
    assert found("pc dec 9999")[0] == "renumbered"
    assert found("9999")[0] == "renumbered"


def test_added_theme_makes_the_commitment_findable_by_its_name(publisher):
    commitment = CommitmentFactory(slug="themed")
    correct(publisher, commitment, themes=[ThemeFactory(name="Maritime piracy")])
    assert found("piracy") == ["themed"]


def test_removed_theme_no_longer_finds_the_commitment(publisher):
    theme = ThemeFactory(name="Maritime piracy")
    commitment = CommitmentFactory(slug="unthemed", themes=[theme])
    assert found("piracy") == ["unthemed"]
    correct(publisher, commitment, themes=[])
    assert found("piracy") == []


def test_renamed_theme_is_found_by_its_new_name(publisher):
    theme = ThemeFactory(name="Maritime piracy")
    CommitmentFactory(slug="renamed", themes=[theme])
    reference.save_reference(
        user=publisher, model=Theme, record=theme, fields={"name": "Seaborne banditry"}
    )
    assert found("banditry") == ["renamed"]
    assert found("piracy") == []


def test_category_assignment_makes_the_commitment_findable_by_the_category(publisher):
    commitment = CommitmentFactory(slug="classified")
    category = ActivityCategoryFactory(name="Steganography")
    correct(publisher, commitment, category_assignments=[{"category": category, "note": "Yes."}])
    assert found("steganography") == ["classified"]
    correct(publisher, commitment, category_assignments=[])
    assert found("steganography") == []


def test_renamed_adopting_body_is_found_by_its_new_name(publisher):
    body = InstitutionFactory(name="Council of Elders", acronym="COE")
    CommitmentFactory(slug="elders", adopting_body=body)
    reference.save_reference(
        user=publisher, model=Institution, record=body, fields={"name": "Assembly of Sages"}
    )
    assert found("sages") == ["elders"]


def test_bulk_refresh_indexes_rows_created_without_save():
    commitment = CommitmentFactory(slug="bulk")
    Commitment.objects.filter(pk=commitment.pk).update(title="Decision on glaciers")
    assert found("glaciers") == []
    search.refresh([commitment.pk])
    assert found("glaciers") == ["bulk"]


def test_refresh_of_everything_rebuilds_missing_entries():
    commitment = CommitmentFactory(slug="rebuilt", title="Decision on volcanoes")
    SearchDocument.objects.all().delete()
    search.refresh()
    assert found("volcanoes") == ["rebuilt"]
    assert SearchDocument.objects.filter(commitment=commitment).exists()


def test_reverting_to_an_earlier_revision_updates_the_index(publisher):
    commitment = CommitmentFactory(slug="reverted", title="Decision on avalanches")
    correct(publisher, commitment, fields={"title": "Decision on glaciers"})
    correct(publisher, commitment, fields={"title": "Decision on earthquakes"})
    first = Version.objects.get_for_object(commitment).order_by("pk").first()
    services.revert(user=publisher, commitment=commitment, version=first)
    assert found("glaciers") == ["reverted"]
    assert found("earthquakes") == []


def test_deleted_commitment_leaves_the_index(publisher):
    commitment = CommitmentFactory(slug="deleted", title="Decision on tsunamis")
    CategoryAssignmentFactory(commitment=commitment)
    pk = commitment.pk
    services.delete([commitment], user=publisher)
    assert found("tsunamis") == []
    assert not SearchDocument.objects.filter(commitment_id=pk).exists()


@pytest.mark.parametrize(
    "trait", [{"draft": True}, {"in_review": True}, {"archived": True}, {"scheduled": True}]
)
def test_unpublished_commitment_is_never_found(trait, client):
    CommitmentFactory(
        slug="hidden",
        title="Decision on cryptography",
        symbol="PC.DEC/4242",
        symbol_status="derived",
        **trait,
    )
    assert "hidden" not in found("cryptography")
    assert "hidden" not in found("PC.DEC/4242")
    page = client.get("/en/search/", {"q": "cryptography"}, follow=True).content.decode()
    assert "Decision on cryptography" not in page


def test_rebuild_command_indexes_rows_changed_behind_the_orm():
    commitment = CommitmentFactory(slug="raw")
    Commitment.objects.filter(pk=commitment.pk).update(summary="Covers permafrost.")
    call_command("rebuild_search_index", verbosity=0)
    assert found("permafrost") == ["raw"]
