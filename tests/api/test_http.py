import pytest
from django.utils.http import http_date

from tests.factories import CommitmentFactory
from tests.writes import move

LIST_URL = "/api/v1/commitments/"


def test_reads_carry_an_etag_and_last_modified(client, commitment):
    response = client.get(LIST_URL)

    assert response["ETag"].startswith('"')
    assert response["Last-Modified"] == http_date(commitment.updated_at.timestamp())


def test_head_answers_the_headers_of_get(client, commitment):
    response = client.head(LIST_URL)

    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"] == client.get(LIST_URL)["ETag"]


def test_matching_etag_answers_304(client, commitment):
    etag = client.get(LIST_URL)["ETag"]

    response = client.get(LIST_URL, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_unchanged_since_last_modified_answers_304(client, commitment):
    last_modified = client.get(f"{LIST_URL}{commitment.slug}/")["Last-Modified"]

    response = client.get(
        f"{LIST_URL}{commitment.slug}/", headers={"If-Modified-Since": last_modified}
    )

    assert response.status_code == 304


def test_etag_differs_between_filters_and_formats(client, commitment):
    plain = client.get(LIST_URL)["ETag"]

    assert client.get(LIST_URL, {"kind": "decision"})["ETag"] != plain
    assert client.get(LIST_URL, {"format": "csv"})["ETag"] != plain


def test_publishing_a_record_changes_the_etag(client, commitment):
    etag = client.get(LIST_URL)["ETag"]
    CommitmentFactory(slug="new-one")

    response = client.get(LIST_URL, headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_unpublishing_a_record_changes_the_etag(client, commitment):
    other = CommitmentFactory(slug="to-withdraw", year=1999)
    etag = client.get(LIST_URL)["ETag"]
    move(other, other.Status.ARCHIVED)

    assert client.get(LIST_URL, headers={"If-None-Match": etag}).status_code == 200


def test_missing_record_is_404_even_with_a_current_etag(client, commitment):
    etag = client.get(f"{LIST_URL}{commitment.slug}/")["ETag"]

    response = client.get(f"{LIST_URL}no-such-record/", headers={"If-None-Match": etag})

    assert response.status_code == 404


def test_anonymous_reads_may_be_cached_publicly(client, commitment, settings):
    settings.API_CACHE_MAX_AGE = 120

    cache_control = client.get(LIST_URL)["Cache-Control"]

    assert "public" in cache_control
    assert "max-age=120" in cache_control


def test_signed_in_reads_are_private(client, commitment, django_user_model):
    client.force_login(django_user_model.objects.create_user("editor", password="x" * 12))

    cache_control = client.get(LIST_URL)["Cache-Control"]

    assert "private" in cache_control
    assert "public" not in cache_control


def test_errors_are_not_marked_cacheable(client, commitment):
    assert "Cache-Control" not in client.get(LIST_URL, {"kind": "foo"})


def test_get_allows_any_origin_without_credentials(client, commitment):
    response = client.get(LIST_URL, headers={"Origin": "https://dashboard.example.net"})

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_cors_preflight_allows_only_reads(client, commitment):
    response = client.options(
        LIST_URL,
        headers={
            "Origin": "https://dashboard.example.net",
            "Access-Control-Request-Method": "GET",
        },
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in response["Access-Control-Allow-Methods"]


def test_site_pages_get_no_cors_headers(client, commitment):
    response = client.get(commitment.get_absolute_url(), headers={"Origin": "https://x.example"})

    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", LIST_URL),
        ("put", f"{LIST_URL}countering-internet-use/"),
        ("patch", f"{LIST_URL}countering-internet-use/"),
        ("delete", f"{LIST_URL}countering-internet-use/"),
        ("post", "/api/v1/themes/"),
        ("delete", "/api/v1/institutions/ministerial-council/"),
        ("post", "/api/v1/"),
    ],
)
def test_write_methods_answer_405(client, commitment, method, url):
    response = getattr(client, method)(url, data={}, content_type="application/json")

    assert response.status_code == 405
    assert "POST" not in response["Allow"]
    assert "GET" in response["Allow"]


def test_writes_are_refused_to_signed_in_users_too(client, commitment, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", password="x" * 12))

    response = client.delete(f"{LIST_URL}{commitment.slug}/")

    assert response.status_code == 405
    assert client.get(f"{LIST_URL}{commitment.slug}/").status_code == 200


def test_anonymous_clients_are_throttled_with_retry_after(client, commitment, settings):
    settings.API_ANON_THROTTLE_RATE = "3/minute"

    statuses = [client.get(LIST_URL).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = client.get(LIST_URL)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "detail" in response.json()


def test_throttle_counts_each_address_separately(client, commitment, settings):
    settings.API_ANON_THROTTLE_RATE = "1/minute"

    assert client.get(LIST_URL, REMOTE_ADDR="192.0.2.1").status_code == 200
    assert client.get(LIST_URL, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get(LIST_URL, REMOTE_ADDR="192.0.2.2").status_code == 200


def test_empty_rate_turns_throttling_off(client, commitment, settings):
    settings.API_ANON_THROTTLE_RATE = ""

    assert {client.get(LIST_URL).status_code for _ in range(5)} == {200}
