"""The index follows every change: edits, themes, categories, renames, imports, deletions."""

import pytest
from django.core import serializers
from django.core.management import call_command

from catalog import search
from catalog.models import Commitment, SearchDocument
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


def test_edited_title_replaces_the_old_words():
    commitment = CommitmentFactory(slug="edited", title="Decision on hydroelectric dams")
    commitment.title = "Decision on seaports"
    commitment.save()
    assert found("hydroelectric") == []
    assert found("seaports") == ["edited"]


def test_edited_symbol_is_found_in_every_spelling():
    commitment = CommitmentFactory(slug="renumbered")
    commitment.symbol, commitment.symbol_status, commitment.number = (
        "PC.DEC/9999",
        "derived",
        "9999",
    )
    commitment.save()
    assert found("pc dec 9999")[0] == "renumbered"
    assert found("9999")[0] == "renumbered"


def test_added_theme_makes_the_commitment_findable_by_its_name():
    commitment = CommitmentFactory(slug="themed")
    commitment.themes.add(ThemeFactory(name="Maritime piracy"))
    assert found("piracy") == ["themed"]


def test_removed_theme_no_longer_finds_the_commitment():
    theme = ThemeFactory(name="Maritime piracy")
    commitment = CommitmentFactory(slug="unthemed", themes=[theme])
    commitment.themes.remove(theme)
    assert found("piracy") == []


def test_theme_side_change_updates_every_commitment():
    theme = ThemeFactory(name="Maritime piracy")
    first, second = CommitmentFactory(slug="first"), CommitmentFactory(slug="second")
    theme.commitments.add(first, second)
    assert sorted(found("piracy")) == ["first", "second"]
    theme.commitments.clear()
    assert found("piracy") == []


def test_renamed_theme_is_found_by_its_new_name():
    theme = ThemeFactory(name="Maritime piracy")
    CommitmentFactory(slug="renamed", themes=[theme])
    theme.name = "Seaborne banditry"
    theme.save()
    assert found("banditry") == ["renamed"]
    assert found("piracy") == []


def test_category_assignment_makes_the_commitment_findable_by_the_category():
    commitment = CommitmentFactory(slug="classified")
    assignment = CategoryAssignmentFactory(
        commitment=commitment, category=ActivityCategoryFactory(name="Steganography")
    )
    assert found("steganography") == ["classified"]
    assignment.delete()
    assert found("steganography") == []


def test_renamed_adopting_body_is_found_by_its_new_name():
    body = InstitutionFactory(name="Council of Elders", acronym="COE")
    CommitmentFactory(slug="elders", adopting_body=body)
    body.name = "Assembly of Sages"
    body.save()
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


def test_deserialised_save_like_an_import_or_a_revert_updates_the_index():
    commitment = CommitmentFactory(slug="reverted", title="Decision on avalanches")
    data = serializers.serialize("json", [commitment])
    commitment.title = "Decision on earthquakes"
    commitment.save()
    for restored in serializers.deserialize("json", data):
        restored.save()
    assert found("avalanches") == ["reverted"]
    assert found("earthquakes") == []


def test_deleted_commitment_leaves_the_index():
    commitment = CommitmentFactory(slug="deleted", title="Decision on tsunamis")
    CategoryAssignmentFactory(commitment=commitment)
    pk = commitment.pk
    commitment.delete()
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
    page = client.get("/search/", {"q": "cryptography"}, follow=True).content.decode()
    assert "Decision on cryptography" not in page


def test_rebuild_command_indexes_rows_changed_behind_the_orm():
    commitment = CommitmentFactory(slug="raw")
    Commitment.objects.filter(pk=commitment.pk).update(summary="Covers permafrost.")
    call_command("rebuild_search_index", verbosity=0)
    assert found("permafrost") == ["raw"]
