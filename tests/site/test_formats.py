"""Dates in each language's own format, on pages, in citations and in the comparison: the
OSCE's "12 March 2006" in English, "12 mars 2006" in French, "12. März 2006" in German…"""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

ADOPTED = {
    "en": "12 March 2006",
    "fr": "12 mars 2006",
    "de": "12. März 2006",
    "it": "12 marzo 2006",
    "ru": "12 марта 2006 г.",
    "es": "12 de marzo de 2006",
}


@pytest.fixture
def record(db):
    return CommitmentFactory(
        slug="mc-dec-3-06",
        adopted_on=datetime.date(2006, 3, 12),
        year=2006,
        last_reviewed_on=datetime.date(2026, 2, 3),
    )


@pytest.mark.parametrize(("code", "adopted"), ADOPTED.items())
def test_a_record_page_gives_its_dates_in_the_page_language(client, record, code, adopted):
    with translation.override(code):
        url = record.get_absolute_url()
    html = client.get(url).content.decode()
    assert f'<time datetime="2006-03-12">{adopted}</time>' in html


@pytest.mark.parametrize("code", ["fr", "ru"])
def test_the_comparison_gives_dates_in_the_page_language(client, record, code):
    other = CommitmentFactory(slug="other", adopted_on=datetime.date(2006, 3, 12), year=2006)
    with translation.override(code):
        url = reverse("participation:compare")
    html = client.get(url, {"r": [record.slug, other.slug]}).content.decode()
    assert html.count(ADOPTED[code]) >= 2
    assert "March" not in html
