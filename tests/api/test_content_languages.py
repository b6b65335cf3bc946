"""The API in the language asked for (`?lang=`, Accept-Language) and every language at once
(`?translations=all`), said in Content-Language and Vary, and documented in the schema."""

import pytest

from tests.api.conftest import results
from tests.factories import CommitmentFactory, ThemeFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "de", "it", "ru", "es"]


@pytest.fixture
def record(db):
    theme = ThemeFactory(slug="ct", name="Counter-terrorism", name_fr="Lutte contre le terrorisme")
    return CommitmentFactory(
        slug="mc-dec-1-01",
        title="Decision on combating terrorism",
        title_fr="Décision sur la lutte contre le terrorisme",
        title_ru="Решение о борьбе с терроризмом",
        summary="An English summary only.",
        themes=[theme],
    )


def test_the_api_answers_in_french_with_lang(client, record):
    response = client.get("/api/v1/commitments/mc-dec-1-01/?lang=fr")
    data = response.json()
    assert data["title"] == "Décision sur la lutte contre le terrorisme"
    assert data["summary"] == "An English summary only."  # no French: the English
    assert data["themes"][0]["name"] == "Lutte contre le terrorisme"
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]


def test_the_api_answers_in_french_with_accept_language(client, record):
    response = client.get("/api/v1/commitments/", headers={"accept-language": "fr"})
    assert results(response)[0]["title"] == "Décision sur la lutte contre le terrorisme"
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]


def test_lang_wins_over_accept_language_and_answers_are_kept_apart(client, record):
    french = client.get("/api/v1/commitments/", headers={"accept-language": "fr"})
    russian = client.get("/api/v1/commitments/?lang=ru", headers={"accept-language": "fr"})
    english = client.get("/api/v1/commitments/")
    assert results(french)[0]["title"] == "Décision sur la lutte contre le terrorisme"
    assert results(russian)[0]["title"] == "Решение о борьбе с терроризмом"
    assert results(english)[0]["title"] == "Decision on combating terrorism"


def test_translations_all_returns_every_language(client, record):
    for address in ("/api/v1/commitments/?translations=all", "/api/v1/commitments/mc-dec-1-01/"):
        response = client.get(address, {"translations": "all"} if "?" not in address else {})
        data = response.json()
        item = data["results"][0] if "results" in data else data
        translations = item["translations"]
        assert sorted(translations) == sorted(LANGUAGES)
        assert translations["en"]["title"] == "Decision on combating terrorism"
        assert translations["fr"]["title"] == "Décision sur la lutte contre le terrorisme"
        assert translations["fr"]["summary"] is None
        assert translations["de"] == {"title": None, "short_title": None, "summary": None}
    theme = client.get("/api/v1/themes/ct/?translations=all").json()
    assert theme["translations"]["fr"]["name"] == "Lutte contre le terrorisme"


def test_without_translations_all_there_is_no_translations_key(client, record):
    assert "translations" not in client.get("/api/v1/commitments/mc-dec-1-01/").json()
    assert "translations" not in results(client.get("/api/v1/commitments/"))[0]


def test_translations_takes_only_all(client, record):
    response = client.get("/api/v1/commitments/?translations=some")
    assert response.status_code == 400
    assert "translations" in response.json()["errors"]


def test_a_csv_list_follows_the_language(client, record):
    response = client.get("/api/v1/commitments/?format=csv&lang=fr")
    assert "Décision sur la lutte contre le terrorisme" in response.content.decode("utf-8-sig")


def test_the_schema_documents_the_language_parameters(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/commitments/"]["get"]
    names = {(parameter["in"], parameter["name"]) for parameter in operation["parameters"]}
    assert {("query", "lang"), ("header", "Accept-Language"), ("query", "translations")} <= names
    component = schema["components"]["schemas"]["Commitment"]["properties"]
    assert "translations" in component


def test_an_unknown_language_is_refused(client, record):
    response = client.get("/api/v1/commitments/?lang=xx")
    assert response.status_code == 400
    assert "lang" in response.json()["errors"]


def test_each_language_has_its_own_etag(client, record):
    """The French answer at the same address is another representation: a client holding
    the English one's ETag gets the French answer, not a 304."""
    url = "/api/v1/commitments/mc-dec-1-01/"
    english = client.get(url, headers={"Accept-Language": "en"})
    french = client.get(url, headers={"Accept-Language": "fr"})

    assert english["ETag"] != french["ETag"]
    revalidated = client.get(
        url, headers={"Accept-Language": "fr", "If-None-Match": english["ETag"]}
    )
    assert revalidated.status_code == 200
    assert revalidated.json()["title"] == "Décision sur la lutte contre le terrorisme"
    same = client.get(url, headers={"Accept-Language": "fr", "If-None-Match": french["ETag"]})
    assert same.status_code == 304
