"""Whole anonymous pages from the shared cache: fresh after every publish, never for staff,
never holding a CSRF token or a session."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse

from catalog.pagecache import HEADER
from tests.factories import CommitmentFactory, ThemeFactory
from tests.writes import move

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("catalog:commitment_list")
PUBLIC_PAGES = [
    reverse("catalog:home"),
    CATALOGUE,
    CATALOGUE + "?kind=decision",
    CATALOGUE + "?search=decision",
    reverse("catalog:theme_list"),
    reverse("catalog:institution_list"),
]


@pytest.fixture
def records(db):
    theme = ThemeFactory(name="Cyber security", slug="cyber")
    return CommitmentFactory.create_batch(2, themes=[theme], title="Decision on cyber security")


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(username="paul", is_staff=True)
    user.groups.add(Group.objects.get(name="Publisher"))
    client.force_login(user)
    return client


def cached_pages():
    """Every page entry in the cache (the local-memory cache the tests run on)."""
    entries = []
    for key in list(cache._cache):  # noqa: SLF001 - the test inspects what was stored
        if ":page:" in key:
            entries.append(cache.get(key.split(":", 2)[2]))
    return [entry for entry in entries if entry]


def test_a_repeated_anonymous_request_is_served_from_the_cache(client, records):
    first = client.get(CATALOGUE)
    second = client.get(CATALOGUE)
    assert (first[HEADER], second[HEADER]) == ("miss", "hit")
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == first["Cache-Control"]


def test_pages_say_how_shared_caches_may_keep_them(client, records):
    response = client.get(CATALOGUE)
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert directives == {
        "public",
        f"max-age={settings.PAGE_CACHE_BROWSER_MAX_AGE}",
        f"s-maxage={settings.PAGE_CACHE_S_MAXAGE}",
        f"stale-while-revalidate={settings.PAGE_CACHE_STALE_WHILE_REVALIDATE}",
    }


def test_a_matching_etag_answers_304_without_a_body(client, records):
    etag = client.get(CATALOGUE)["ETag"]
    for _ in range(2):  # from the freshly rendered page, then from the cache
        response = client.get(CATALOGUE, headers={"if-none-match": etag})
        assert response.status_code == 304
        assert response.content == b""


def test_a_publish_shows_up_at_once(client, records):
    draft = CommitmentFactory(title="Freshly approved decision", draft=True)
    assert b"Freshly approved decision" not in client.get(CATALOGUE).content
    assert client.get(CATALOGUE)[HEADER] == "hit"
    move(draft, "published")
    response = client.get(CATALOGUE)
    assert response[HEADER] == "miss"
    assert b"Freshly approved decision" in response.content


def test_an_unpublication_shows_up_at_once(client, records):
    assert b"Decision on cyber security" in client.get(records[0].get_absolute_url()).content
    move(records[0], "archived")
    assert client.get(records[0].get_absolute_url()).status_code == 404


def test_staff_never_get_a_cached_page(client, staff_client, records):
    # An anonymous visitor fills the cache …
    from django.test import Client

    anonymous = Client()
    assert anonymous.get(CATALOGUE)[HEADER] == "miss"
    # … staff get a page rendered for them, which is not stored either.
    response = staff_client.get(CATALOGUE)
    assert response.status_code == 200
    assert HEADER not in response
    assert "s-maxage" not in response.get("Cache-Control", "")
    assert anonymous.get(CATALOGUE)[HEADER] == "hit"


def test_previews_are_never_cached(staff_client, records):
    draft = CommitmentFactory(draft=True)
    url = reverse("commitment_preview", kwargs={"slug": draft.slug})
    for _ in range(2):
        response = staff_client.get(url)
        assert response.status_code == 200
        assert HEADER not in response


def test_a_staff_page_is_not_stored_for_anonymous_visitors(client, staff_client, records):
    staff_client.get(CATALOGUE)
    staff_client.logout()
    from django.test import Client

    assert Client().get(CATALOGUE)[HEADER] == "miss"


def test_no_cached_page_holds_a_csrf_token_or_a_session(client, records):
    client.cookies["csrftoken"] = "a" * 32  # a visitor who once saw a form
    for url in PUBLIC_PAGES:
        assert client.get(url).status_code == 200
    pages = cached_pages()
    assert len(pages) == len(PUBLIC_PAGES)
    for _scope, status, headers, content in pages:
        assert status == 200
        names = {name.lower() for name, _value in headers}
        assert "set-cookie" not in names
        assert b"csrfmiddlewaretoken" not in content
        assert settings.SESSION_COOKIE_NAME.encode() not in content
        assert b"a" * 32 not in content


@pytest.mark.urls("tests.site.pagecache_urls")
def test_a_page_with_a_csrf_token_is_never_cached(client, records):
    for _ in range(2):
        response = client.get("/form-page/")
        assert b"csrfmiddlewaretoken" in response.content
        assert HEADER not in response
    assert cached_pages() == []


def test_exports_are_left_to_their_own_caching(client, records):
    for _ in range(2):
        assert HEADER not in client.get(reverse("catalog:commitment_export_csv"))


def test_an_anonymous_api_answer_is_kept_in_the_same_cache(client, records):
    """One answer cache: the API's anonymous answers are kept by the page cache, with the
    API's own validators and caching headers (no page ETag nor page Cache-Control)."""
    first = client.get("/api/v1/commitments/")
    again = client.get("/api/v1/commitments/")

    assert (first[HEADER], again[HEADER]) == ("miss", "hit")
    assert again.content == first.content
    for name in ("ETag", "Last-Modified", "Cache-Control", "Vary", "Content-Type"):
        assert again[name] == first[name]
    assert again["Cache-Control"] == f"public, max-age={settings.API_CACHE_MAX_AGE}"
    assert [key for key in list(cache._cache) if ":api-answer:" in key] != []  # noqa: SLF001
