"""Translations in the editorial workflow: the admin edits the languages side by side, every
write names its language (a French admin never overwrites the English), a translation of a
published record goes through review, and the desk lists missing and out-of-date ones."""

import json

import pytest
import tablib
from django.utils import translation
from reversion.models import Version

from catalog.editorial import reference, services
from catalog.export_resources import CommitmentExportResource
from catalog.models import Commitment, PendingChange, Theme
from catalog.resources import CommitmentResource
from catalog.templatetags.editorial_admin import translation_panels
from catalog.translation import translation_state
from tests.editorial.conftest import change_url, load_form
from tests.factories import CommitmentFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(db):
    return CommitmentFactory(title="Live title", summary="Live summary.")


def test_the_change_form_shows_each_language_beside_the_english(editor_client, live):
    live.title_fr = "Titre en français"
    live.save()
    response = editor_client.get(change_url(live), headers={"accept-language": "fr"})
    form = response.context["adminform"].form
    assert form["title"].value() == "Live title"  # the English, in a French admin
    assert form["title_fr"].value() == "Titre en français"
    assert "title_en" not in form.fields
    content = response.content.decode()
    assert "Traduction : Deutsch" in content  # one group of fields per language


def test_an_edit_in_a_french_admin_does_not_overwrite_the_english(editor_client, editor):
    draft = CommitmentFactory(draft=True, title="English title", summary="English summary.")
    data = load_form(editor_client, draft)
    data.update(title_fr="Titre français", summary="New English summary.")
    editor_client.post(change_url(draft), data, headers={"accept-language": "fr"})
    draft.refresh_from_db()
    assert (draft.title_en, draft.title_fr) == ("English title", "Titre français")
    assert draft.summary_en == "New English summary."
    assert not draft.summary_fr


def test_a_service_write_while_french_is_active_writes_the_english(editor):
    draft = CommitmentFactory(draft=True, title="English title")
    with translation.override("fr"):
        services.save_commitment(user=editor, commitment=draft, fields={"title": "New title"})
    draft.refresh_from_db()
    assert draft.title_en == "New title"
    assert draft.title_fr is None
    theme = ThemeFactory(name="Youth")
    with translation.override("fr"):
        reference.save_reference(
            user=_publisher(), model=Theme, record=theme, fields={"name_fr": "Jeunesse"}
        )
    theme.refresh_from_db()
    assert (theme.name_en, theme.name_fr) == ("Youth", "Jeunesse")


def _publisher():
    from django.contrib.auth import get_user_model

    from tests.conftest import make_staff

    return make_staff(get_user_model(), "pat", "Publisher")


def test_a_french_title_of_a_published_record_is_pending_until_approved(
    client, editor_client, publisher, live, django_capture_on_commit_callbacks
):
    data = load_form(editor_client, live)
    data.update(title_fr="Titre en attente")
    editor_client.post(change_url(live), data)

    change = PendingChange.objects.get(commitment=live)
    assert change.data["fields"]["title_fr"] == "Titre en attente"
    assert Commitment.objects.get(pk=live.pk).title_fr is None
    page = client.get(f"/fr/commitments/{live.slug}/").content.decode()
    assert "Titre en attente" not in page

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_changes(user=change.created_by, commitment=live)
        services.approve_changes(user=publisher, commitment=live, comment="Checked")

    assert Commitment.objects.get(pk=live.pk).title_fr == "Titre en attente"
    assert "Titre en attente" in client.get(f"/fr/commitments/{live.slug}/").content.decode()


def test_a_translation_is_out_of_date_once_the_english_changes(editor):
    draft = CommitmentFactory(draft=True, title="English title", title_fr="Titre français")
    assert translation_state(draft, "title", "fr") == "current"
    assert translation_state(draft, "title", "de") == "missing"

    services.save_commitment(user=editor, commitment=draft, fields={"title": "Changed title"})
    draft.refresh_from_db()
    assert translation_state(draft, "title", "fr") == "outdated"

    services.save_commitment(user=editor, commitment=draft, fields={"title_fr": "Nouveau titre"})
    draft.refresh_from_db()
    assert translation_state(draft, "title", "fr") == "current"


def test_the_desk_lists_missing_and_out_of_date_translations(editor_client):
    CommitmentFactory(title="Untranslated", title_fr=None)
    translated = CommitmentFactory(title="Translated", title_fr="Traduit", summary_fr="Résumé.")
    # A publisher's direct correction of the English of the published record.
    translated.title = "Translated again"  # English is active: this is title_en
    translated.save()
    ThemeFactory(name="Youth", description="About youth.", name_fr="Jeunesse")

    panels = translation_panels()

    missing = {code: count for code, _name, count in panels["missing"]}
    assert missing["fr"] == 1 and missing["de"] == 2
    assert [row.pk for row in panels["outdated"]["rows"]] == [translated.pk]
    assert panels["outdated"]["rows"][0].translation_sources["outdated"] == ["fr"]
    youth = next(item for item in panels["vocabulary"] if item["term"].name_en == "Youth")
    assert youth["gaps"]["fr"] == ["description"]
    assert sorted(youth["gaps"]["de"]) == ["description", "name"]

    content = editor_client.get("/admin/").content.decode()
    assert "Translations older than their English (1)" in content
    assert "?workflow=public&amp;translation=missing-fr" in content
    listed = editor_client.get("/admin/catalog/commitment/?translation=outdated-fr")
    assert [row.pk for row in listed.context["cl"].result_list] == [translated.pk]


def test_an_export_and_import_in_a_french_admin_keep_to_the_english(publisher):
    record = CommitmentFactory(draft=True, title="English title", title_fr="Titre français")
    with translation.override("fr"):
        dataset = CommitmentExportResource().export(Commitment.objects.filter(pk=record.pk))
        assert dataset.dict[0]["title"] == "English title"
        dataset.dict = [{**dataset.dict[0], "title": "Corrected English title"}]
        row = dataset.dict[0]
        data = tablib.Dataset(headers=list(row))
        data.append(list(row.values()))
        result = CommitmentResource(user=publisher).import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    record.refresh_from_db()
    assert (record.title_en, record.title_fr) == ("Corrected English title", "Titre français")


def test_a_revert_to_a_revision_older_than_the_translations_keeps_the_english(editor):
    draft = CommitmentFactory(draft=True, title="Old title", summary="Old summary.")
    services.record_initial_history()
    version = Version.objects.get_for_object(draft).get()
    # As stored before the content had a column per language: the English as `title`.
    data = json.loads(version.serialized_data)
    data[0]["fields"] = {
        name: value
        for name, value in data[0]["fields"].items()
        if not name.startswith(("title_", "short_title_", "summary_", "translation_sources"))
    }
    version.serialized_data = json.dumps(data)
    version.save()
    services.save_commitment(
        user=editor, commitment=draft, fields={"title": "New title", "title_fr": "Nouveau titre"}
    )

    with translation.override("fr"):
        services.revert(user=editor, commitment=draft, version=version)

    draft.refresh_from_db()
    assert (draft.title_en, draft.summary_en) == ("Old title", "Old summary.")
    assert not draft.title_fr
