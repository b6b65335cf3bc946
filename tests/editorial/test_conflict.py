import pytest
from django.test import Client

from tests.editorial.conftest import change_url, load_form
from tests.factories import CommitmentFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(django_user_model):
    from tests.conftest import make_staff

    return make_staff(django_user_model, "ella", "Editor")


def test_second_save_is_refused_with_who_and_when(editor, second_editor):
    record = CommitmentFactory(draft=True, title="Original")
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    first_data, second_data = load_form(first, record), load_form(second, record)

    first_data["title"] = "First editor's title"
    assert first.post(change_url(record), first_data).status_code == 302
    second_data["title"] = "Second editor's title"
    response = second.post(change_url(record), second_data)

    content = response.content.decode()
    assert response.status_code == 200
    assert "erin changed this record at" in content
    assert "Second editor&#x27;s title" in content  # the refused input is kept in the form
    record.refresh_from_db()
    assert record.title == "First editor's title"


def test_saving_again_after_the_warning_replaces_the_other_version(editor, second_editor):
    record = CommitmentFactory(draft=True)
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    first_data, second_data = load_form(first, record), load_form(second, record)
    first_data["title"] = "First"
    first.post(change_url(record), first_data)
    second_data["title"] = "Second"
    refused = second.post(change_url(record), second_data)

    retry = dict(
        second_data, loaded_version=refused.context["adminform"].form["loaded_version"].value()
    )
    assert second.post(change_url(record), retry).status_code == 302

    record.refresh_from_db()
    assert record.title == "Second"


def test_conflict_is_detected_on_institutions_too(publisher_client):
    body = InstitutionFactory(name="Council")
    url = f"/admin/catalog/institution/{body.pk}/change/"
    response = publisher_client.get(url)
    data = {
        key: value
        for key, value in response.context["adminform"].form.initial.items()
        if value is not None
    }
    data.update(
        organisation=body.organisation_id,
        loaded_version=response.context["adminform"].form["loaded_version"].value(),
    )
    body.seat = "Vienna"
    body.save()
    data["name"] = "Renamed council"

    response = publisher_client.post(url, data)

    assert "changed this record at" in response.content.decode()
    body.refresh_from_db()
    assert body.name == "Council"


@pytest.mark.parametrize("status", ["draft", "in_review", "archived"])
def test_the_service_checks_the_version_against_the_locked_row(publisher, status):
    from catalog.editorial import services
    from catalog.editorial.policy import Refused
    from tests.writes import committed

    record = CommitmentFactory(**{status: True}, title="Before")
    opened = services.version_token(record).isoformat()
    with committed():
        services.save_commitment(
            user=publisher, commitment=record, fields={"title": "First"}, expected_version=opened
        )
    stale = record  # the instance loaded before the first save still holds the old time
    with pytest.raises(Refused, match="Someone saved this record after you opened it"):
        services.save_commitment(
            user=publisher, commitment=stale, fields={"title": "Second"}, expected_version=opened
        )
    record.refresh_from_db()
    assert record.title == "First"
    assert services.version_token(stale) == record.updated_at
