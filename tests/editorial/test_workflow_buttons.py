"""One workflow in the admin: new and existing records move on with buttons (the pending
changes of published records have theirs too), never with a status dropdown. Every button is
a save through the service, which asks the policy."""

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Commitment, StatusChange
from tests.editorial.conftest import form_data, load_form, messages_of
from tests.factories import CommitmentFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:catalog_commitment_add")


def buttons(html):
    start = html.index('id="workflow-buttons"')
    row = html[start : html.index("</div>", start)]
    return [part.split(">", 1)[1].split("<", 1)[0] for part in row.split("<button")[1:]]


def new_record_data(client):
    body = InstitutionFactory()
    data = form_data(client.get(ADD))
    data.update(
        title="Decision on buttons",
        slug="",
        kind="decision",
        organisation=str(body.organisation_id),
        adopting_body=str(body.pk),
        symbol="MC.DEC/9/99",
        symbol_status="verified",
        year="2021",
        summary="What it says.",
    )
    return data


def test_the_status_is_not_a_dropdown(editor_client):
    html = editor_client.get(ADD).content.decode()
    assert '<select name="status"' not in html
    assert '<input type="hidden" name="status" value="draft"' in html


def test_an_editor_adds_a_record_with_draft_and_review_buttons(editor_client):
    assert buttons(editor_client.get(ADD).content.decode()) == [
        "Save as draft",
        "Submit for review",
    ]


def test_a_publisher_may_also_publish_a_new_record(publisher_client):
    assert "Publish or schedule" in buttons(publisher_client.get(ADD).content.decode())


def test_submit_for_review_saves_the_new_record_in_review_and_stays_on_it(editor_client):
    data = new_record_data(editor_client)
    response = editor_client.post(ADD, {**data, "_workflow": "in_review"})
    record = Commitment.objects.get(symbol="MC.DEC/9/99")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:catalog_commitment_change", args=[record.pk])
    assert record.status == "in_review"
    assert record.slug == "mc-dec-9-99"  # made from the symbol
    assert StatusChange.objects.filter(commitment=record, to_status="in_review").exists()


def test_a_draft_is_submitted_then_published_with_buttons(editor_client, publisher):
    record = CommitmentFactory(draft=True)
    change = reverse("admin:catalog_commitment_change", args=[record.pk])
    assert buttons(editor_client.get(change).content.decode()) == ["Submit for review"]
    editor_client.post(change, {**load_form(editor_client, record), "_workflow": "in_review"})
    assert Commitment.objects.get(pk=record.pk).status == "in_review"

    reviewer = Client()
    reviewer.force_login(publisher)
    assert buttons(reviewer.get(change).content.decode()) == [
        "Send back to draft",
        "Publish or schedule",
    ]
    done = reviewer.post(
        change, {**load_form(reviewer, record), "_workflow": "published"}, follow=True
    )
    assert Commitment.objects.get(pk=record.pk).status == "published"
    assert messages_of(done)


def test_a_crafted_publish_by_an_editor_is_refused(editor_client):
    data = new_record_data(editor_client)
    response = editor_client.post(ADD, {**data, "_workflow": "published"})
    assert response.status_code == 200  # the form again, with the policy's reason
    assert not Commitment.objects.filter(symbol="MC.DEC/9/99").exists()
