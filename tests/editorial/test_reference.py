"""Reference data goes through its service: the policy, one revision and log entry per record
changed — every commitment carrying a changed name included — and one change set, so search
and the public pages follow a rename or a deletion."""

import pytest
from django.contrib.admin.models import LogEntry
from reversion.models import Version

from catalog.editorial import reference
from catalog.editorial.policy import Refused
from catalog.models import Commitment, Organisation, StatusChange, Theme
from catalog.search import search_commitments
from tests.editorial.test_change_set import counted  # noqa: F401 (fixture)
from tests.factories import (
    CategoryAssignmentFactory,
    CommitmentFactory,
    InstitutionFactory,
    OrganisationFactory,
    ThemeFactory,
)
from tests.writes import committed

pytestmark = pytest.mark.django_db


def found(query):
    return sorted(
        search_commitments(Commitment.objects.published(), query).values_list("slug", flat=True)
    )


def log_of(record):
    return list(
        StatusChange.objects.filter(commitment=record)
        .order_by("pk")
        .values_list("comment", flat=True)
    )


def test_a_renamed_organisation_acronym_is_searched_by_the_new_one_only(publisher):
    organisation = OrganisationFactory(name="Shanghai Cooperation", acronym="SCOX")
    body = InstitutionFactory(organisation=organisation)
    CommitmentFactory(slug="first", adopting_body=body)
    CommitmentFactory(slug="second", adopting_body=body, draft=True)
    assert found("scox") == ["first"]

    reference.save_reference(
        user=publisher, model=Organisation, record=organisation, fields={"acronym": "SCOQ"}
    )

    assert found("scox") == []
    assert found("scoq") == ["first"]


def test_a_deleted_theme_no_longer_finds_its_records(publisher):
    theme = ThemeFactory(name="Maritime piracy")
    CommitmentFactory(slug="themed", themes=[theme])
    assert found("piracy") == ["themed"]

    reference.delete_reference(user=publisher, record=theme)

    assert found("piracy") == []
    assert Commitment.objects.get(slug="themed").themes.count() == 0


def test_a_rename_gives_every_carrying_record_a_revision_and_a_log_entry(publisher):
    organisation = OrganisationFactory(name="Shanghai Cooperation", acronym="SCOX")
    body = InstitutionFactory(organisation=organisation)
    carriers = [CommitmentFactory(adopting_body=body), CommitmentFactory(adopting_body=body)]
    bystander = CommitmentFactory()

    reference.save_reference(
        user=publisher, model=Organisation, record=organisation, fields={"acronym": "SCOQ"}
    )

    note = "Organisation “Shanghai Cooperation” changed: acronym “SCOX” → “SCOQ”"
    for record in carriers:
        assert log_of(record) == [note]
        versions = Version.objects.get_for_object(record)
        assert [v.revision.get_comment() for v in versions] == [note]
        assert versions[0].revision.user == publisher
    assert log_of(bystander) == []
    assert Version.objects.get_for_object(bystander).count() == 0
    # The organisation itself: one revision, one log entry.
    assert Version.objects.get_for_object(organisation).count() == 1
    entries = LogEntry.objects.filter(object_id=str(organisation.pk))
    assert [(entry.action_flag, entry.user) for entry in entries] == [(2, publisher)]


def test_a_deleted_theme_gives_each_record_that_had_it_a_revision_and_a_log_entry(publisher):
    theme, kept = ThemeFactory(name="Maritime piracy"), ThemeFactory(name="Ports")
    records = [CommitmentFactory(themes=[theme, kept]), CommitmentFactory(themes=[theme])]

    reference.delete_reference(user=publisher, record=theme)

    for record in records:
        assert log_of(record) == ["Theme “Maritime piracy” deleted"]
        version = Version.objects.get_for_object(record).get()
        assert version.field_dict["themes"] == [pk for pk in [kept.pk] if record == records[0]]
    assert Version.objects.get_deleted(Theme).get().object_repr == "Maritime piracy"


def test_a_change_nobody_carries_touches_no_record(publisher, counted):  # noqa: F811
    theme = ThemeFactory(name="Maritime piracy")
    record = CommitmentFactory(themes=[theme])
    counted.reset()

    with committed():
        reference.save_reference(
            user=publisher, model=Theme, record=theme, fields={"description": "New words."}
        )

    assert log_of(record) == []
    assert counted == {"refresh": [], "version": 1}  # the theme page is public


def test_a_rename_is_one_refresh_of_exactly_its_records_and_one_version_step(
    publisher,
    counted,  # noqa: F811
):
    theme = ThemeFactory(name="Maritime piracy")
    records = [CommitmentFactory(themes=[theme]), CommitmentFactory(themes=[theme], draft=True)]
    CommitmentFactory()
    counted.reset()

    with committed():
        reference.save_reference(
            user=publisher, model=Theme, record=theme, fields={"name": "Seaborne banditry"}
        )

    assert counted == {"refresh": [sorted(r.pk for r in records)], "version": 1}
    assert found("banditry") == [records[0].slug]


def test_editors_may_not_change_reference_data(editor):
    theme = ThemeFactory(name="Maritime piracy")
    with pytest.raises(Refused):
        reference.save_reference(user=editor, model=Theme, record=theme, fields={"name": "X"})
    with pytest.raises(Refused):
        reference.delete_reference(user=editor, record=theme)
    assert Theme.objects.get(pk=theme.pk).name == "Maritime piracy"


def test_a_record_still_in_use_is_not_deleted(publisher):
    assignment = CategoryAssignmentFactory()
    with pytest.raises(Refused, match="still used by 1 record"):
        reference.delete_reference(user=publisher, record=assignment.category)
    assert Version.objects.count() == 0
    assert LogEntry.objects.count() == 0


def test_partners_are_changed_on_both_sides_with_a_revision_each(publisher):
    first, second = OrganisationFactory(name="First"), OrganisationFactory(name="Second")

    reference.save_reference(
        user=publisher, model=Organisation, record=first, fields={"partners": [second]}
    )

    assert list(second.partners.all()) == [first]
    assert Version.objects.get_for_object(second).get().revision.get_comment() == (
        "Partnership with “First” changed"
    )


def test_the_admin_saves_reference_data_through_the_service(client, publisher):
    client.force_login(publisher)
    organisation = OrganisationFactory(name="Shanghai Cooperation", acronym="SCOX")
    CommitmentFactory(adopting_body=InstitutionFactory(organisation=organisation), slug="one")
    url = f"/admin/catalog/organisation/{organisation.pk}/change/"
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: form[name].value() for name in form.fields if form[name].value() not in (None, [])
    }
    data.update(acronym="SCOQ", is_primary="")
    data.pop("is_primary")

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert found("scoq") == ["one"]
    assert Version.objects.get_for_object(organisation).count() == 1
    assert LogEntry.objects.filter(object_id=str(organisation.pk)).count() == 1
