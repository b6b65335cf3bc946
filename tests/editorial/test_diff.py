"""The comparisons read live → proposed, word by word, for pending changes and history alike;
reverting asks first (a page, then a POST) and says what it did."""

import pytest
from django.urls import reverse
from reversion.models import Version

from catalog.admin.compare import word_diff
from catalog.models import Commitment
from tests.editorial.conftest import messages_of
from tests.editorial.test_history import create_through_admin, edit_title
from tests.editorial.test_pending import edit_published, live  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_a_one_letter_fix_marks_the_word_it_changes():
    removed, added = word_diff("Countering Terrorst Use", "Countering Terrorist Use")
    assert removed == "Countering <del>Terrorst</del> Use"
    assert added == "Countering <ins>Terrorist</ins> Use"


def test_the_diff_escapes_the_text_around_its_marks():
    removed, added = word_diff("a <b> c", "a <b> d")
    assert removed == "a &lt;b&gt; <del>c</del>"
    assert added == "a &lt;b&gt; <ins>d</ins>"


def changed_row(html):
    start = html.index('<tr class="changed">')
    return html[start : html.index("</tr>", start)]


def test_pending_changes_read_from_live_to_proposed(editor_client, live):  # noqa: F811
    live.title = "Countering the Terrorst Use of the Internet"
    live.save()
    saved = edit_published(
        editor_client, live, title="Countering the Terrorist Use of the Internet"
    )
    assert saved.status_code == 302, saved.context["adminform"].form.errors

    html = editor_client.get(
        reverse("admin:catalog_commitment_pending_compare", args=[live.pk])
    ).content.decode()
    table = html[html.index('id="revision-diff"') :]
    header = table[: table.index("</thead>")]
    assert header.index("Live") < header.index("Pending")
    row = changed_row(html)
    assert '<td class="diff-live">Countering the <del>Terrorst</del> Use' in row
    assert '<td class="diff-stored">Countering the <ins>Terrorist</ins> Use' in row
    assert "struck words are removed" in html and "marked words are added" in html


def test_history_compares_and_reverts_from_live_to_the_revision(publisher_client):
    record = create_through_admin(publisher_client)
    edit_title(publisher_client, record, "Decision on histories")
    first = Version.objects.get_for_object(record).last()

    compare = publisher_client.get(
        reverse("admin:catalog_commitment_compare", args=[record.pk, first.pk])
    ).content.decode()
    row = changed_row(compare)
    assert "Decision on <del>histories</del>" in row
    assert "Decision on <ins>history</ins>" in row

    # Revert asks first: the page shows what would change and a form, nothing is written.
    revert_url = reverse("admin:catalog_commitment_revision", args=[record.pk, first.pk])
    confirm = publisher_client.get(revert_url)
    assert 'value="Revert to this version"' in confirm.content.decode()
    assert "Decision on <ins>history</ins>" in changed_row(confirm.content.decode())
    assert Commitment.objects.get(pk=record.pk).title == "Decision on histories"

    done = publisher_client.post(revert_url, {"comment": "Back"}, follow=True)
    assert Commitment.objects.get(pk=record.pk).title == "Decision on history"
    assert any("was reverted to its version of" in m for m in messages_of(done))


def test_recover_says_what_it_did(publisher_client):
    record = create_through_admin(publisher_client)
    pk = record.pk
    publisher_client.post(reverse("admin:catalog_commitment_delete", args=[pk]), {"post": "yes"})
    version = Version.objects.get_deleted(Commitment).get(object_id=str(pk))
    url = reverse("admin:catalog_commitment_recover", args=[version.pk])
    assert Commitment.objects.filter(pk=pk).count() == 0
    assert 'value="Recover this record"' in publisher_client.get(url).content.decode()
    done = publisher_client.post(url, {}, follow=True)
    assert any("was recovered as it was saved on" in m for m in messages_of(done))
