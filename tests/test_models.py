import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Commitment, normalise_symbol
from tests.factories import (
    CommitmentFactory,
    CommitmentRelationFactory,
    InstitutionFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def validation_messages(error, field):
    return " ".join(error.value.message_dict[field])


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("mc.dec/5/16", "MC.DEC/5/16"),
        (" MC.DEC / 5/16 ", "MC.DEC/5/16"),
        ("pc.dec/1039", "PC.DEC/1039"),
        ("mc(9).dec/1", "MC(9).DEC/1"),
    ],
)
def test_symbol_is_stored_normalised(typed, stored):
    commitment = CommitmentFactory(symbol=typed, symbol_status="verified")
    commitment.full_clean()
    commitment.refresh_from_db()
    assert commitment.symbol == stored
    assert normalise_symbol(typed) == stored


@pytest.mark.parametrize(
    "bad", ["MC DEC 7 06", "decision seven", "MC.DEC//7", "/7/06", "MC.DEC/7/"]
)
def test_bad_symbol_format_is_a_validation_error_on_symbol(bad):
    commitment = CommitmentFactory.build(
        symbol=bad, symbol_status="verified", adopting_body=InstitutionFactory()
    )
    with pytest.raises(ValidationError) as error:
        commitment.full_clean()
    assert "not an official document symbol" in validation_messages(error, "symbol")


def test_duplicate_symbol_in_same_organisation_is_a_validation_error():
    existing = CommitmentFactory(symbol="MC.DEC/7/06", symbol_status="verified")
    duplicate = CommitmentFactory.build(
        symbol="mc.dec/7/06",
        symbol_status="verified",
        adopting_body=existing.adopting_body,
        organisation=existing.organisation,
        slug="another-slug",
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already has this symbol" in " ".join(error.value.messages)


def test_duplicate_symbol_is_refused_by_the_database_too():
    existing = CommitmentFactory(symbol="MC.DEC/7/06", symbol_status="verified")
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentFactory(
            symbol="MC.DEC/7/06",
            symbol_status="verified",
            adopting_body=existing.adopting_body,
        )


def test_same_symbol_in_another_organisation_is_allowed():
    CommitmentFactory(symbol="A/RES/1/1", symbol_status="verified")
    other = CommitmentFactory.build(
        symbol="A/RES/1/1", symbol_status="verified", adopting_body=InstitutionFactory()
    )
    other.organisation = other.adopting_body.organisation
    other.full_clean()


def test_adoption_date_outside_the_year_is_a_validation_error_on_adopted_on():
    commitment = CommitmentFactory.build(
        year=2006, adopted_on=datetime.date(2007, 12, 5), adopting_body=InstitutionFactory()
    )
    commitment.organisation = commitment.adopting_body.organisation
    with pytest.raises(ValidationError) as error:
        commitment.full_clean()
    assert "is not in 2006" in validation_messages(error, "adopted_on")
    assert "year" in error.value.message_dict


def test_adoption_date_in_the_year_is_valid():
    commitment = CommitmentFactory(year=2006, adopted_on=datetime.date(2006, 12, 5))
    commitment.full_clean()


def test_year_outside_the_allowed_range_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentFactory(year=1200)


def test_symbol_without_status_is_a_validation_error():
    commitment = CommitmentFactory.build(symbol="MC.DEC/1/20", adopting_body=InstitutionFactory())
    commitment.organisation = commitment.adopting_body.organisation
    with pytest.raises(ValidationError) as error:
        commitment.full_clean()
    assert "verified or derived" in validation_messages(error, "symbol_status")


def test_adopting_body_of_another_organisation_is_a_validation_error():
    commitment = CommitmentFactory()
    commitment.organisation = OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        commitment.full_clean()
    assert "another organisation" in validation_messages(error, "adopting_body")


def test_cycle_in_the_institution_tree_is_a_validation_error_on_parent():
    secretariat = InstitutionFactory(name="Secretariat")
    department = InstitutionFactory(
        name="Department", parent=secretariat, organisation=secretariat.organisation
    )
    unit = InstitutionFactory(name="Unit", parent=department, organisation=secretariat.organisation)
    secretariat.parent = unit
    with pytest.raises(ValidationError) as error:
        secretariat.full_clean()
    assert "would create a loop" in validation_messages(error, "parent")


def test_institution_cannot_be_its_own_parent():
    body = InstitutionFactory()
    body.parent = body
    with pytest.raises(ValidationError) as error:
        body.full_clean()
    assert "cannot be part of itself" in validation_messages(error, "parent")


def test_parent_of_another_organisation_is_a_validation_error():
    body = InstitutionFactory()
    body.parent = InstitutionFactory()
    with pytest.raises(ValidationError) as error:
        body.full_clean()
    assert "same organisation" in validation_messages(error, "parent")


def test_descendant_ids_cover_the_whole_subtree():
    root = InstitutionFactory()
    child = InstitutionFactory(parent=root, organisation=root.organisation)
    grandchild = InstitutionFactory(parent=child, organisation=root.organisation)
    InstitutionFactory(organisation=root.organisation)  # a sibling tree, not included
    assert type(root).objects.descendant_ids([root.pk]) == {root.pk, child.pk, grandchild.pk}


def test_relation_to_itself_is_refused():
    commitment = CommitmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentRelationFactory(source=commitment, target=commitment)


def test_relation_has_an_inverse_label_for_the_other_side():
    relation = CommitmentRelationFactory(kind="supersedes")
    assert relation.get_kind_display() == "supersedes"
    assert relation.inverse_label == "superseded by"


def test_published_excludes_drafts_reviews_archived_and_scheduled_records():
    visible = CommitmentFactory()
    CommitmentFactory(draft=True)
    CommitmentFactory(in_review=True)
    CommitmentFactory(archived=True)
    CommitmentFactory(scheduled=True)
    assert list(Commitment.objects.published()) == [visible]


def test_scheduled_record_appears_once_its_time_has_passed():
    scheduled = CommitmentFactory(scheduled=True)
    assert not Commitment.objects.published().filter(pk=scheduled.pk).exists()
    later = scheduled.publish_at + datetime.timedelta(seconds=1)
    assert Commitment.objects.published(now=later).filter(pk=scheduled.pk).exists()
    scheduled.publish_at = timezone.now() - datetime.timedelta(minutes=1)
    scheduled.save()
    assert Commitment.objects.published().filter(pk=scheduled.pk).exists()


def test_display_number_prefixes_plain_numbers_only():
    assert CommitmentFactory.build(number="7/06").display_number == "No. 7/06"
    assert CommitmentFactory.build(number="Declaration No. 5/14").display_number == (
        "Declaration No. 5/14"
    )
