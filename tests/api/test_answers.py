"""Anonymous API answers are kept whole under the catalogue version (catalog/api/answers.py),
after the throttle and the conditional GET, never for signed-in users."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Commitment
from tests.api.conftest import ids, results
from tests.factories import CommitmentFactory
from tests.writes import move

LIST_URL = "/api/v1/commitments/"
# A kept answer is served by the page cache before the view (and its transaction): no query.
KEPT_ANSWER_QUERIES = 0


def get(client, url, *args, **kwargs):
    """The response and how many queries it ran."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, *args, **kwargs)
    return response, len(context.captured_queries)


def retitle_unnoticed(commitment, title):
    """Change a record without the signals that replace the catalogue version, so an answer
    computed since shows the new title and a kept one the old. (It is saved anew, as any
    edit is: the record's own cached representation is not the kept answer.)"""
    Commitment.objects.filter(pk=commitment.pk).update(title=title, updated_at=timezone.now())


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("editor", password="x" * 12))
    return client


@pytest.mark.parametrize("url", [LIST_URL, f"{LIST_URL}countering-internet-use/"])
def test_a_repeated_anonymous_answer_is_the_kept_one(client, commitment, url):
    first, _queries = get(client, url)
    retitle_unnoticed(commitment, "Changed behind the cache's back")

    again, queries = get(client, url)

    assert queries == KEPT_ANSWER_QUERIES
    assert again.content == first.content
    assert "Changed" not in again.content.decode()
    for header in ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "Vary", "Allow"):
        assert again[header] == first[header]


def test_a_kept_list_keeps_its_pagination_headers(client, commitment):
    CommitmentFactory(slug="second", year=1999)
    first = client.get(LIST_URL, {"page_size": 1})

    again, queries = get(client, LIST_URL, {"page_size": 1})

    assert queries == KEPT_ANSWER_QUERIES
    assert (
        again["Link"]
        == first["Link"]
        == ('<http://testserver/api/v1/commitments/?page=2&page_size=1>; rel="next"')
    )
    assert again["X-Total-Count"] == "2"


def test_a_publish_shows_in_the_list_at_once(client, commitment):
    draft = CommitmentFactory(slug="new-decision", year=2030, draft=True)
    assert ids(client.get(LIST_URL)) == ["countering-internet-use"]

    move(draft, Commitment.Status.PUBLISHED)

    assert ids(client.get(LIST_URL)) == ["new-decision", "countering-internet-use"]
    assert client.get(f"{LIST_URL}new-decision/").status_code == 200


def test_an_unpublish_shows_in_the_list_and_the_record_at_once(client, commitment):
    detail = f"{LIST_URL}{commitment.slug}/"
    assert ids(client.get(LIST_URL)) == ["countering-internet-use"]
    assert client.get(detail).status_code == 200

    move(commitment, Commitment.Status.ARCHIVED)

    assert ids(client.get(LIST_URL)) == []
    assert client.get(detail).status_code == 404


def test_a_staff_session_never_gets_a_kept_answer(client, commitment, django_user_model):
    client.get(LIST_URL)  # anonymous: kept
    retitle_unnoticed(commitment, "Corrected by staff")
    client.force_login(django_user_model.objects.create_user("editor", password="x" * 12))

    response, queries = get(client, LIST_URL)

    assert results(response)[0]["title"] == "Corrected by staff"
    assert queries > KEPT_ANSWER_QUERIES
    assert "private" in response["Cache-Control"]


def test_a_staff_session_never_fills_the_cache(staff_client, client, commitment):
    assert results(staff_client.get(LIST_URL))[0]["title"] == commitment.title
    retitle_unnoticed(commitment, "Corrected since")
    staff_client.logout()

    assert results(client.get(LIST_URL))[0]["title"] == "Corrected since"


def test_the_throttle_counts_kept_answers(client, commitment, settings):
    settings.API_ANON_THROTTLE_RATE = "3/minute"
    client.get(LIST_URL)
    kept = [get(client, LIST_URL) for _ in range(2)]

    refused = client.get(LIST_URL)

    assert [(response.status_code, queries) for response, queries in kept] == [
        (200, KEPT_ANSWER_QUERIES),
        (200, KEPT_ANSWER_QUERIES),
    ]
    assert refused.status_code == 429
    assert "Retry-After" in refused


@pytest.mark.parametrize("url", [LIST_URL, f"{LIST_URL}countering-internet-use/"])
def test_a_current_etag_still_answers_304_when_the_answer_is_kept(client, commitment, url):
    etag = client.get(url)["ETag"]
    client.get(url)

    response, queries = get(client, url, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert queries == KEPT_ANSWER_QUERIES


def test_a_missing_record_stays_404_with_a_current_etag(client, commitment):
    etag = client.get(f"{LIST_URL}{commitment.slug}/")["ETag"]

    response = client.get(f"{LIST_URL}no-such-record/", headers={"If-None-Match": etag})

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ({"format": "json"}, {}),  # the links keep ?format=json
        ({"format": "csv"}, {}),
        ({}, {"Accept": "text/csv"}),
        ({}, {"Accept": "application/json; indent=4"}),
        ({}, {"Host": "api.example.org"}),  # absolute links name the host
        ({}, {"X-Forwarded-Proto": "https"}),
        ({"lang": "fr"}, {}),  # kept per language, like the pages
        ({}, {"Accept-Language": "ru"}),
        ({"translations": "all"}, {}),
    ],
)
def test_each_address_format_and_host_has_its_own_answer(
    client, commitment, settings, query, headers
):
    settings.ALLOWED_HOSTS = ["testserver", "api.example.org"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get(LIST_URL)
    fresh = client.get(LIST_URL, query, headers=headers)
    assert fresh.content != plain.content

    again, queries = get(client, LIST_URL, query, headers=headers)

    assert queries == KEPT_ANSWER_QUERIES
    assert again.content == fresh.content
    assert again["Content-Type"] == fresh["Content-Type"]


def test_the_browsable_api_is_never_kept(client, commitment):
    client.get(LIST_URL, headers={"Accept": "text/html"})

    response, queries = get(client, LIST_URL, headers={"Accept": "text/html"})

    assert response["Content-Type"].startswith("text/html")
    assert queries > KEPT_ANSWER_QUERIES


def test_errors_are_never_kept(client, commitment):
    assert client.get(LIST_URL, {"kind": "foo"}).status_code == 400
    response, queries = get(client, LIST_URL, {"page": 9})

    assert response.status_code == 404
    assert client.get(LIST_URL, {"page": 9}).status_code == 404
    assert queries > KEPT_ANSWER_QUERIES


def test_nothing_is_kept_with_the_page_cache_off(client, commitment, settings):
    settings.PAGE_CACHE_ENABLED = False
    client.get(LIST_URL)
    retitle_unnoticed(commitment, "Seen at once")

    assert results(client.get(LIST_URL))[0]["title"] == "Seen at once"


@pytest.mark.parametrize("url", [LIST_URL, f"{LIST_URL}countering-internet-use/"])
def test_a_304_is_answered_before_rendering_and_never_kept(client, commitment, url):
    etag = client.get(url)["ETag"]
    cache.clear()  # nothing kept, nor the catalogue state

    response = client.get(url, headers={"If-None-Match": etag})
    again, queries = get(client, url)

    assert response.status_code == 304
    assert response["ETag"] == etag
    assert again.status_code == 200
    assert queries > KEPT_ANSWER_QUERIES


def test_an_answer_with_a_parameter_the_endpoint_does_not_read_is_not_kept(client, commitment):
    for _ in range(2):
        response = client.get(LIST_URL, {"x": "8f3a"})
        assert response.status_code == 400
        assert "x" in response.json()["errors"]
    assert not [key for key in list(cache._cache) if "api-answer" in key]  # noqa: SLF001


def test_a_kept_answer_builds_no_queryset(client, monkeypatch, db):
    """Checking the request's parameters names them without building the list's queryset
    (or describing every filter's values): a kept answer is read and sent, nothing more."""
    from catalog.api.views import CommitmentViewSet

    CommitmentFactory(title="Kept")
    built = []
    get_queryset = CommitmentViewSet.get_queryset

    def counting(view):
        built.append(view.action)
        return get_queryset(view)

    monkeypatch.setattr(CommitmentViewSet, "get_queryset", counting)
    assert client.get("/api/v1/commitments/").status_code == 200
    built.clear()

    response = client.get("/api/v1/commitments/")

    assert response.status_code == 200
    assert built == []
    refused = client.get("/api/v1/commitments/", {"symbl": "MC.DEC/7/06"})
    assert refused.status_code == 400
    assert refused.json()["allowed"]["kind"] != ""  # the error still describes the values


def test_an_overlong_accept_header_is_answered_but_never_kept(client, commitment):
    """The `Accept` header is part of the key: one over 200 characters is not looked up nor
    kept, so it cannot make the cache's keys unbounded."""
    accept = "application/json, " + ", ".join(f"x/y{index}" for index in range(40))
    assert len(accept) > 200
    first = client.get(LIST_URL, headers={"Accept": accept})
    retitle_unnoticed(commitment, "Seen at once")

    again, queries = get(client, LIST_URL, headers={"Accept": accept})

    assert (first.status_code, again.status_code) == (200, 200)
    assert "X-Page-Cache" not in again
    assert results(again)[0]["title"] == "Seen at once"
    assert queries > KEPT_ANSWER_QUERIES


def test_a_kept_answer_over_the_throttle_gets_the_apis_own_429(client, commitment, settings):
    """Counted before the kept answer is served; over the limit, the request goes on to the
    view, which answers as for any client (429 with the API's JSON error and Retry-After)."""
    settings.API_ANON_THROTTLE_RATE = "2/minute"
    assert client.get(LIST_URL)["X-Page-Cache"] == "miss"
    assert client.get(LIST_URL)["X-Page-Cache"] == "hit"

    refused = client.get(LIST_URL)

    assert refused.status_code == 429
    assert "X-Page-Cache" not in refused
    assert refused["Content-Type"] == "application/json"
    assert "detail" in refused.json()
    assert int(refused["Retry-After"]) > 0


@pytest.mark.parametrize("url", [LIST_URL, f"{LIST_URL}countering-internet-use/"])
def test_no_accept_any_and_json_are_one_kept_answer(client, commitment, settings, url):
    """The answers to no `Accept`, `*/*` and `application/json` are the same (JSON), so they
    are kept once: the warm-up's request (no header) fills the entry curl's `*/*` reads."""
    settings.PAGE_CACHE_ENABLED = False
    computed = [
        client.get(url, headers={"Accept": accept} if accept else {})
        for accept in ("", "*/*", "application/json")
    ]
    assert len({(answer.content, answer["Content-Type"]) for answer in computed}) == 1
    settings.PAGE_CACHE_ENABLED = True
    assert client.get(url)["X-Page-Cache"] == "miss"

    for accept in ("*/*", "application/json", " application/json "):
        again, queries = get(client, url, headers={"Accept": accept})
        assert (again["X-Page-Cache"], queries) == ("hit", KEPT_ANSWER_QUERIES)
        assert again.content == computed[0].content
