"""A text from upload to reading view: nothing public before extraction and approval; the
live text stays online while a replacement waits; bad files end with a message and a retry."""

import pytest
from django.urls import reverse

from catalog.editorial.policy import Refused
from catalog.models import StatusChange
from tests.writes import committed
from texts import services, tasks
from texts.models import Text

from .pdfs import blank_pdf, decision_pdf

pytestmark = pytest.mark.django_db


def upload(user, record, data, language="fr", **kwargs):
    return services.add_text(user=user, commitment=record, language=language, data=data, **kwargs)


def public_answers(client, record, language="fr"):
    """Status of the reading view and the file, and whether the record page names the text."""
    reading = client.get(reverse("texts:reading", args=[record.slug, language]))
    file = client.get(reverse("texts:file", args=[record.slug, language]))
    page = client.get(record.get_absolute_url()).content.decode()
    return reading.status_code, file.status_code, "Read in French" in page


def test_an_uploaded_french_text_is_public_only_after_extraction_and_approval(
    client, decision, editor, publisher, french_pdf
):
    text = upload(editor, decision, french_pdf)
    assert (text.state, text.extraction) == ("pending", "queued")
    assert public_answers(client, decision) == (404, 404, False)

    assert tasks.run_queued() == 1
    text.refresh_from_db()
    assert (text.state, text.extraction, text.page_count) == ("pending", "done", 3)
    assert text.extractor.startswith("pdfminer.six ")
    assert text.paragraphs.count() == 14
    assert public_answers(client, decision) == (404, 404, False)

    with committed():
        services.approve_text(user=publisher, text=text)
    text.refresh_from_db()
    assert text.state == "live"
    assert public_answers(client, decision) == (200, 200, True)
    reading = client.get(reverse("texts:reading", args=["mc-dec-7-06", "fr"])).content.decode()
    assert 'id="op-3"' in reading and 'id="pp-2"' in reading and 'id="annex-1-2"' in reading
    assert 'id="page-2"' in reading
    assert "De surveiller les sites web des organisations terroristes" in reading
    log = list(StatusChange.objects.filter(commitment=decision).values_list("comment", flat=True))
    assert any(c.startswith("Official text approved (fr)") for c in log)


def test_the_file_is_served_through_the_publication_check_as_a_download(
    client, decision, editor, publisher, french_pdf
):
    text = upload(editor, decision, french_pdf)
    tasks.run_queued()
    services.approve_text(user=publisher, text=text)
    response = client.get(reverse("texts:file", args=["mc-dec-7-06", "fr"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == french_pdf
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="MC-DEC-7-06-fr.pdf"'
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    # The stored file is not under the static files or any public folder.
    assert "static" not in text.file.path


def test_a_paragraph_can_be_cited_in_four_formats(client, decision, editor, publisher, french_pdf):
    text = upload(editor, decision, french_pdf)
    tasks.run_queued()
    services.approve_text(user=publisher, text=text)
    page = client.get(reverse("texts:cite", args=["mc-dec-7-06", "fr", "op-3"])).content.decode()
    assert "MC.DEC/7/06, para. 3" in page
    assert (
        "OSCE Ministerial Council. Decision No. 7/06 Countering the Use of the Internet for "
        in page
    )
    assert "Para. 3. Brussels, 5 December 2006. https://www.osce.org/mc/23078" in page
    assert "@misc{mc-dec-7-06-op-3," in page
    assert "pages        = {para. 3}" in page
    assert "TY  - GOVDOC" in page and "SP  - para. 3" in page and "LA  - fr" in page
    assert "&quot;locator&quot;: &quot;para. 3&quot;" in page
    assert "http://testserver/en/commitments/mc-dec-7-06/texts/fr/#op-3" in page


def test_a_replacement_waits_while_the_live_text_stays_online(
    client, decision, editor, publisher, french_pdf
):
    first = upload(editor, decision, french_pdf)
    tasks.run_queued()
    services.approve_text(user=publisher, text=first)
    replacement = upload(editor, decision, decision_pdf())
    tasks.run_queued()
    replacement.refresh_from_db()
    assert (replacement.state, replacement.replaces_id) == ("pending", first.pk)
    file = client.get(reverse("texts:file", args=["mc-dec-7-06", "fr"]))
    assert b"".join(file.streaming_content) == french_pdf
    services.approve_text(user=publisher, text=replacement)
    first.refresh_from_db()
    assert first.state == "replaced"
    file = client.get(reverse("texts:file", args=["mc-dec-7-06", "fr"]))
    assert b"".join(file.streaming_content) == decision_pdf()


def test_a_text_of_a_draft_goes_live_after_extraction_but_stays_unpublished(
    client, decision, editor
):
    decision.status = "draft"
    decision.save()
    text = upload(editor, decision, decision_pdf())
    tasks.run_queued()
    text.refresh_from_db()
    assert text.state == "live"
    assert public_answers(client, decision) == (404, 404, False)
    decision.status = "published"
    decision.save()
    assert public_answers(client, decision) == (200, 200, True)


@pytest.mark.parametrize(
    "data, outcome, words",
    [
        (decision_pdf(encrypt="pw"), "failed", "encrypted"),
        (decision_pdf()[:500], "failed", "damaged"),
        (blank_pdf(), "needs_ocr", "needs OCR"),
    ],
    ids=["encrypted", "broken", "scan"],
)
def test_a_bad_file_leaves_a_message_keeps_the_live_text_and_can_be_retried(
    client, decision, editor, publisher, french_pdf, data, outcome, words
):
    live = upload(editor, decision, french_pdf)
    tasks.run_queued()
    services.approve_text(user=publisher, text=live)
    bad = upload(editor, decision, data)
    tasks.run_queued()
    bad.refresh_from_db()
    assert bad.extraction == outcome
    assert words in bad.message
    assert bad.state == "pending"
    live.refresh_from_db()
    assert live.state == "live" and live.paragraphs.count() == 14
    file = client.get(reverse("texts:file", args=["mc-dec-7-06", "fr"]))
    assert b"".join(file.streaming_content) == french_pdf
    with pytest.raises(Refused):
        services.approve_text(user=publisher, text=bad)
    services.retry_extraction(user=editor, text=bad)
    bad.refresh_from_db()
    assert bad.extraction == "queued"


def test_wrong_type_and_oversized_files_are_refused_before_anything_is_stored(
    decision, editor, settings
):
    from texts.extraction import ExtractionError

    with pytest.raises(ExtractionError, match="neither a PDF nor an HTML"):
        upload(editor, decision, b"PK\x03\x04 word document", declared_type="application/pdf")
    settings.TEXTS_MAX_BYTES = 100
    with pytest.raises(ExtractionError, match="the limit is 100"):
        upload(editor, decision, decision_pdf())
    assert Text.objects.count() == 0


def test_only_staff_with_the_editorial_policy_may_add_texts(decision, django_user_model):
    stranger = django_user_model.objects.create_user(username="x", is_staff=True)
    with pytest.raises(Refused):
        upload(stranger, decision, decision_pdf())
    assert Text.objects.count() == 0


def test_editors_cannot_approve_texts(decision, editor, french_pdf):
    text = upload(editor, decision, french_pdf)
    tasks.run_queued()
    with pytest.raises(Refused):
        services.approve_text(user=editor, text=text)
