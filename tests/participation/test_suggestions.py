"""Suggest a correction: abuse limits, privacy, the queue, opening pending changes, replies."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import Commitment, PendingChange, StatusChange
from participation.models import Suggestion
from participation.services import erase_addresses
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "problem": "The adoption date is wrong.",
    "suggested_text": "Adopted on 5 December 2006.",
    "source_url": "https://www.osce.org/mc/23078",
    "email": "reader@example.org",
    "website": "",
}


@pytest.fixture
def record(db):
    return CommitmentFactory(slug="mc-dec-7-06", title="Countering the use of the internet")


def post(client, data, slug="mc-dec-7-06", **extra):
    url = (
        reverse("participation:suggest_record", args=[slug])
        if slug
        else reverse("participation:suggest")
    )
    return client.post(url, data, **extra)


def test_record_page_links_to_its_form_and_the_form_says_how_the_address_is_used(client, record):
    page = client.get(record.get_absolute_url()).content.decode()
    assert 'href="/en/commitments/mc-dec-7-06/suggest/"' in page
    form = client.get("/en/commitments/mc-dec-7-06/suggest/")
    html = form.content.decode()
    assert form.status_code == 200
    assert "csrfmiddlewaretoken" in html
    assert (
        "Your e-mail address is used only to reply to you. It is never shown publicly and is "
        "erased 30 days after your suggestion is resolved." in html
    )
    assert 'name="website"' in html  # the honeypot


def test_about_links_to_the_general_form(client, db):
    assert 'href="/en/suggest/"' in client.get(reverse("catalog:about")).content.decode()
    assert client.get("/en/suggest/").status_code == 200


def test_a_good_suggestion_is_stored_and_thanked(client, record):
    response = post(client, GOOD)
    assert response.status_code == 302
    assert response["Location"] == "/en/suggest/sent/?r=mc-dec-7-06"
    suggestion = Suggestion.objects.get()
    assert (suggestion.commitment, suggestion.problem, suggestion.email, suggestion.status) == (
        record,
        "The adoption date is wrong.",
        "reader@example.org",
        "new",
    )
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you: your suggestion was sent" in thanks
    assert "reader@example.org" not in thanks


def test_a_general_suggestion_has_no_record(client, db):
    assert post(client, GOOD, slug=None).status_code == 302
    assert Suggestion.objects.get().commitment is None


@pytest.mark.parametrize("trait", ["draft", "in_review", "archived", "scheduled"])
def test_no_form_for_an_unpublished_record(client, trait):
    CommitmentFactory(slug="hidden", **{trait: True})
    assert client.get("/en/commitments/hidden/suggest/").status_code == 404
    assert post(client, GOOD, slug="hidden").status_code == 404
    assert Suggestion.objects.count() == 0


BAD = [
    ({"problem": ""}, "What is wrong: This field is required."),
    ({"problem": "x" * 2001}, "Ensure this value has at most 2000 characters (it has 2001)."),
    ({"suggested_text": "y" * 4001}, "Ensure this value has at most 4000 characters"),
    ({"source_url": "ftp://example.org/file"}, "Source (web address): Enter a valid URL."),
    ({"source_url": "javascript:alert(1)"}, "Source (web address): Enter a valid URL."),
    ({"email": "not-an-address"}, "Enter a valid email address."),
    (
        {"problem": "See https://a.example http://b.example www.c.example https://d.example"},
        "Put at most 3 web addresses in the text (you gave 4)",
    ),
]


@pytest.mark.parametrize("change, message", BAD)
def test_bad_input_is_a_400_with_the_reason_and_stores_nothing(client, record, change, message):
    response = post(client, {**GOOD, **change})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The suggestion was not sent; nothing was stored." in html
    assert message in html
    assert Suggestion.objects.count() == 0


def test_honeypot_is_a_400_and_stores_nothing(client, record):
    response = post(client, {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 400
    assert "looks as if a program sent it" in response.content.decode()
    assert Suggestion.objects.count() == 0


def test_csrf_is_required(record):
    response = post(Client(enforce_csrf_checks=True), GOOD)
    assert response.status_code == 403
    assert Suggestion.objects.count() == 0


def rate_limit_holds(client, settings):
    settings.SUGGESTION_RATE_LIMIT = 2
    assert post(client, GOOD).status_code == 302
    assert post(client, GOOD).status_code == 302
    response = post(client, GOOD)
    assert response.status_code == 429
    assert (
        "Too many suggestions from your address: at most 2 in 60 minutes. Nothing was stored"
        in response.content.decode()
    )
    assert Suggestion.objects.count() == 2
    # Another address is counted apart.
    assert post(client, GOOD, REMOTE_ADDR="10.0.0.7").status_code == 302


def test_rate_limit_per_address_in_the_cache(client, record, settings):
    rate_limit_holds(client, settings)


def test_rate_limit_per_address_in_redis(client, record, settings, redis_cache):
    rate_limit_holds(client, settings)
    own = f"{redis_cache.key_prefix}:*ratelimit:suggest:*"  # other workers share the database
    keys = [k.decode() for k in redis_cache._cache.get_client().keys(own)]
    assert sorted(k.split(":", 2)[2] for k in keys) == [
        "ratelimit:suggest:10.0.0.7",
        "ratelimit:suggest:127.0.0.1",
    ]


def test_a_forged_forwarded_address_does_not_reset_the_limit(client, record, settings):
    settings.SUGGESTION_RATE_LIMIT = 1
    assert post(client, GOOD, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 302
    assert post(client, GOOD, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 429
    assert Suggestion.objects.count() == 1


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(client, record, settings):
    settings.SUGGESTION_RATE_LIMIT = 1
    settings.TRUSTED_PROXIES = 1
    assert post(client, GOOD, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 302
    assert post(client, GOOD, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    assert post(client, GOOD, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 302
    assert Suggestion.objects.count() == 2


def test_rate_limit_window_expires(client, record, settings):
    settings.SUGGESTION_RATE_LIMIT = 1
    settings.SUGGESTION_RATE_WINDOW = 600
    assert post(client, GOOD).status_code == 302
    assert post(client, GOOD).status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=601)):
        assert post(client, GOOD).status_code == 302


def test_in_redis_a_count_expires_with_its_window(client, record, settings, redis_cache):
    settings.SUGGESTION_RATE_LIMIT = 1
    settings.SUGGESTION_RATE_WINDOW = 600
    assert post(client, GOOD).status_code == 302
    assert post(client, GOOD).status_code == 429  # the second hit (INCR) keeps the expiry
    key = redis_cache.make_and_validate_key("ratelimit:suggest:127.0.0.1")
    assert 590 <= redis_cache._cache.get_client(key).ttl(key) <= 600


# --- the queue ------------------------------------------------------------------------


def make(record, n=1, **kwargs):
    return [
        Suggestion.objects.create(commitment=record, problem=f"Problem {i}", **kwargs)
        for i in range(n)
    ]


def test_queue_on_the_desk_with_counts(client, record, editor):
    make(record, 3)
    make(record, 2, status="accepted")
    make(record, 1, status="duplicate")
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Suggested corrections: new (3)" in html
    text = re.sub(
        r"<[^>]+>", "", re.search(r'<p class="suggestion-counts">(.*?)</p>', html).group(1)
    )
    assert text == "new 3 · accepted 2 · rejected 0 · duplicate 1"


def test_staff_without_a_role_see_no_queue(client, record, django_user_model):
    make(record)
    staff = django_user_model.objects.create_user(username="s", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:participation_suggestion_changelist")).status_code == 403


def test_open_pending_changes_from_a_suggestion_in_one_step(client, record, editor):
    (suggestion,) = make(record)
    client.force_login(editor)
    change_page = client.get(reverse("admin:participation_suggestion_change", args=[suggestion.pk]))
    assert "Open pending changes of this record" in change_page.content.decode()
    response = client.post(
        reverse("admin:participation_suggestion_open_changes", args=[suggestion.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:catalog_commitment_change", args=[record.pk])
    change = PendingChange.objects.get(commitment=record)
    assert change.created_by == editor
    record.refresh_from_db()
    assert record.status == Commitment.Status.PUBLISHED
    log = StatusChange.objects.filter(commitment=record).latest("pk")
    assert log.comment == (
        f"Opened from suggested correction #{suggestion.pk}: "
        f"http://testserver/admin/participation/suggestion/{suggestion.pk}/change/"
    )
    assert log.changed_by == editor
    # Twice: the same pending version is kept.
    client.post(reverse("admin:participation_suggestion_open_changes", args=[suggestion.pk]))
    assert PendingChange.objects.get(commitment=record).pk == change.pk


def test_open_changes_refused_for_a_role_the_policy_refuses(client, record, django_user_model):
    (suggestion,) = make(record)
    client.force_login(django_user_model.objects.create_user(username="s", is_staff=True))
    response = client.post(
        reverse("admin:participation_suggestion_open_changes", args=[suggestion.pk])
    )
    assert response.status_code == 403
    assert PendingChange.objects.count() == 0
    assert client.get(
        reverse("admin:participation_suggestion_open_changes", args=[suggestion.pk])
    ).status_code in (403, 405)


def test_resolving_sends_a_reply_over_smtp(client, record, publisher, smtp):
    (suggestion,) = make(record, email="reader@example.org")
    client.force_login(publisher)
    url = reverse("admin:participation_suggestion_change", args=[suggestion.pk])
    response = client.post(url, {"status": "accepted", "reply": "Corrected, thank you."})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted" and suggestion.resolved_by == publisher
    assert suggestion.reply_sent_at is not None
    (message,) = smtp.messages
    assert message.envelope_to == ["reader@example.org"]
    assert message["Subject"] == "Your suggestion to the OSCE Portal: accepted"
    body = smtp.body()
    assert "Corrected, thank you." in body
    assert "The editors accepted it; the record will be corrected." in body
    assert "http://127.0.0.1:8000/en/commitments/mc-dec-7-06/" in body
    # Saving again does not send a second reply.
    client.post(url, {"status": "accepted", "reply": "Corrected, thank you."})
    assert len(smtp.messages) == 1


def test_no_reply_without_an_address(client, record, publisher, smtp):
    (suggestion,) = make(record)
    client.force_login(publisher)
    client.post(
        reverse("admin:participation_suggestion_change", args=[suggestion.pk]),
        {"status": "rejected", "reply": "No change."},
    )
    assert Suggestion.objects.get().status == "rejected"
    assert smtp.messages == []


def test_addresses_are_erased_after_the_retention_period(record, settings):
    settings.SUGGESTION_RETENTION_DAYS = 30
    now = timezone.now()
    old, recent = make(record, 2, email="reader@example.org", status="accepted")
    (unresolved,) = make(record, email="waiting@example.org")
    Suggestion.objects.filter(pk=old.pk).update(resolved_at=now - datetime.timedelta(days=31))
    Suggestion.objects.filter(pk=recent.pk).update(resolved_at=now - datetime.timedelta(days=29))
    call_command("erase_suggestion_addresses", stdout=open("/dev/null", "w"))
    emails = dict(Suggestion.objects.values_list("pk", "email"))
    assert emails == {
        old.pk: "",
        recent.pk: "reader@example.org",
        unresolved.pk: "waiting@example.org",
    }
    assert Suggestion.objects.get(pk=old.pk).email_erased_at is not None
    assert erase_addresses() == 0  # idempotent


def test_suggestions_never_appear_on_public_pages(client, record):
    make(record, email="secret-reader@example.org")
    for url in [
        record.get_absolute_url(),
        "/en/commitments/",
        "/en/commitments/export.csv",
        "/en/commitments/export.json",
        "/en/commitments/feed.atom",
        f"/api/v1/commitments/{record.slug}/",
        "/en/suggest/sent/?r=mc-dec-7-06",
        "/en/commitments/mc-dec-7-06/suggest/",
    ]:
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"secret-reader" not in content, url
        assert b"Problem 0" not in content, url
