"""Publishers extend the search thesaurus in the admin: a term they add (or forms they add to a
shipped term) finds records on the next request and expands on public pages; it is reference
data, so it has a revision and a log entry, and editors may only read it."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.urls import reverse
from reversion.models import Version

from catalog import thesaurus
from catalog.editorial import reference
from catalog.models import ThesaurusTerm
from tests.factories import CommitmentFactory
from tests.writes import committed

pytestmark = pytest.mark.django_db

ADD = reverse("admin:catalog_thesaurusterm_add")
CHANGELIST = reverse("admin:catalog_thesaurusterm_changelist")
CATALOGUE = reverse("catalog:commitment_list")


def slugs(client, query):
    response = client.get(CATALOGUE, {"search": query})
    assert response.status_code == 200
    return sorted(record.slug for record in response.context["commitments"])


def add_term(client, **data):
    with committed():
        return client.post(ADD, {"meaning": "", "abbreviations": "", "variants": "", **data})


def test_a_term_added_in_the_admin_finds_records_written_with_its_meaning(client, publisher):
    CommitmentFactory(slug="qkd-guidelines", title="Guidelines on quantum key distribution")
    CommitmentFactory(slug="other", title="Guidelines on border management")
    assert slugs(client, "QKD") == []

    client.force_login(publisher)
    response = add_term(
        client, meaning="quantum key distribution", abbreviations="QKD\nQKDs\n\nQKD"
    )
    assert response.status_code == 302
    client.logout()

    assert slugs(client, "QKD") == ["qkd-guidelines"]
    term = ThesaurusTerm.objects.get()
    assert term.abbreviations == "QKD\nQKDs"  # blank lines and repeats dropped
    entry = LogEntry.objects.get(object_id=str(term.pk))
    assert (entry.action_flag, entry.user) == (ADDITION, publisher)
    assert Version.objects.get_for_object(term).count() == 1


def test_forms_added_to_a_shipped_term_join_it(client, publisher):
    CommitmentFactory(slug="cbm-record", title="Adoption of confidence-building measures")
    assert "cbm-record" not in slugs(client, "trust building steps")

    client.force_login(publisher)
    response = add_term(
        client, meaning="confidence-building measures", variants="trust-building steps"
    )
    assert response.status_code == 302
    client.logout()

    assert "cbm-record" in slugs(client, "trust building steps")
    (cbm,) = [term for term in thesaurus.terms() if term.meaning == "confidence-building measures"]
    assert cbm.abbreviations == ("CBM", "CBMs")
    assert cbm.variants == ("confidence-building measure", "trust-building steps")


def test_an_added_abbreviation_is_expanded_on_public_pages_and_removed_with_its_term(
    client, publisher
):
    CommitmentFactory(title="A QKD pilot for secure channels")
    assert "A QKD pilot" in client.get(CATALOGUE).content.decode()
    with committed():
        term = reference.save_reference(
            user=publisher,
            model=ThesaurusTerm,
            fields={"meaning": "quantum key distribution", "abbreviations": "QKD"},
        )
    marked = '<abbr title="quantum key distribution">QKD</abbr> pilot'
    assert marked in client.get(CATALOGUE).content.decode()

    with committed():
        reference.delete_reference(user=publisher, record=term)
    page = client.get(CATALOGUE).content.decode()
    assert "A QKD pilot for secure channels" in page
    assert '<abbr title="quantum key distribution">' not in page


def test_a_form_that_belongs_to_another_term_is_refused_with_its_name(client, publisher):
    client.force_login(publisher)
    response = add_term(client, meaning="cooperative border measures", abbreviations="CBMs")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "abbreviations": ["“CBMs” already belongs to the term “confidence-building measures”."]
    }
    assert not ThesaurusTerm.objects.exists()


def test_a_term_without_forms_or_repeating_a_meaning_is_refused(client, publisher):
    client.force_login(publisher)
    response = add_term(client, meaning="quantum key distribution")
    assert response.context["adminform"].form.errors == {
        "abbreviations": ["Give at least one abbreviation or variant."]
    }
    add_term(client, meaning="quantum key distribution", abbreviations="QKD")
    response = add_term(client, meaning="Quantum-key distribution", variants="QKD links")
    assert response.context["adminform"].form.errors == {
        "meaning": ["A term with this meaning has already been added."]
    }
    response = add_term(client, meaning="CBM", variants="trust measures")
    assert response.context["adminform"].form.errors == {
        "meaning": ["“CBM” already belongs to the term “confidence-building measures”."]
    }
    assert list(ThesaurusTerm.objects.values_list("meaning", flat=True)) == [
        "quantum key distribution"
    ]


def test_editors_read_the_thesaurus_and_publishers_curate_it(client, editor, publisher):
    client.force_login(editor)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    # The shipped terms are listed under the added ones.
    assert "Shipped terms" in page.content.decode()
    assert "confidence-building measures" in page.content.decode()
    assert client.get(ADD).status_code == 403
    response = add_term(client, meaning="quantum key distribution", abbreviations="QKD")
    assert response.status_code == 403
    assert not ThesaurusTerm.objects.exists()

    client.force_login(publisher)
    assert client.get(ADD).status_code == 200


def test_a_deleted_term_can_be_recovered_from_its_history(client, publisher):
    CommitmentFactory(slug="qkd-guidelines", title="Guidelines on quantum key distribution")
    with committed():
        term = reference.save_reference(
            user=publisher,
            model=ThesaurusTerm,
            fields={"meaning": "quantum key distribution", "abbreviations": "QKD"},
        )
    with committed():
        reference.delete_reference(user=publisher, record=term)
    assert slugs(client, "QKD") == []

    (deleted,) = Version.objects.get_deleted(ThesaurusTerm)
    with committed():
        reference.restore_reference(user=publisher, version=deleted)

    assert slugs(client, "QKD") == ["qkd-guidelines"]
