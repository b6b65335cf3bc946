import pytest
from django.urls import reverse

from tests.factories import (
    ActivityCategoryFactory,
    CategoryAssignmentFactory,
    CommitmentFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def matrix(client, **params):
    return client.get(reverse("catalog:matrix"), params)


def test_matrix_marks_a_classified_commitment_and_links_the_mark_to_the_record(client, linked):
    html = matrix(client).content.decode()
    assert "Public decision on the shared theme addresses Shared category" in html
    assert '<a class="matrix-mark" href="/commitments/public-decision/">' in html


def test_matrix_column_totals_count_rows_shown(client):
    category = ActivityCategoryFactory(slug="recruitment")
    for _ in range(3):
        CategoryAssignmentFactory(category=category)
    html = matrix(client).content.decode()
    assert "</span>3</a>" in html


def test_matrix_narrowed_by_theme_shows_only_that_theme(client):
    theme = ThemeFactory(slug="youth")
    CommitmentFactory(title="On youth", themes=[theme])
    CommitmentFactory(title="On something else")
    html = matrix(client, theme="youth").content.decode()
    assert "On youth" in html
    assert "On something else" not in html


def test_matrix_narrowed_by_theme_keeps_the_theme_in_total_links(client, linked):
    html = matrix(client, theme="shared-theme").content.decode()
    assert 'href="/commitments/?category=shared-category&amp;theme=shared-theme"' in html


def test_matrix_theme_form_works_without_javascript(client, linked):
    html = matrix(client).content.decode()
    assert '<form class="matrix-filter" method="get" action="/matrix/">' in html
    assert '<label for="id_theme">' in html
    assert '<button type="submit">' in html


def test_matrix_with_an_unknown_theme_explains_and_is_400(client, linked):
    response = matrix(client, theme="no-such-theme")
    assert response.status_code == 400
    assert "There is no theme with this name" in response.content.decode()


def test_matrix_with_an_empty_theme_shows_everything(client, linked):
    response = matrix(client, theme="")
    assert response.status_code == 200
    assert "Public decision on the shared theme" in response.content.decode()


def test_matrix_with_a_very_long_theme_value_explains_and_is_400(client, linked):
    response = matrix(client, theme="x" * 5000)
    assert response.status_code == 400
    assert "There is no theme with this name" in response.content.decode()
