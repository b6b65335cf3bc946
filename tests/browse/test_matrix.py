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
    assert '<a class="matrix-mark" href="/en/commitments/public-decision/">' in html


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
    assert 'href="/en/commitments/?theme=shared-theme&amp;category=shared-category"' in html


def test_matrix_theme_form_works_without_javascript(client, linked):
    html = matrix(client).content.decode()
    assert '<form class="matrix-filter" method="get" action="/en/matrix/">' in html
    assert '<label for="id_theme">' in html
    assert '<label for="id_body">' in html
    assert 'name="classified"' in html
    assert '<button type="submit">' in html


def test_matrix_with_an_unknown_theme_explains_and_is_400(client, linked):
    response = matrix(client, theme="no-such-theme")
    assert response.status_code == 400
    assert "Theme: Select a valid choice. no-such-theme is not one of the available choices." in (
        response.content.decode()
    )


def test_matrix_with_an_empty_theme_shows_everything(client, linked):
    response = client.get(reverse("catalog:matrix"), {"theme": ""}, follow=True)
    assert response.redirect_chain == [("/en/matrix/", 302)]
    assert "Public decision on the shared theme" in response.content.decode()


def test_matrix_with_a_very_long_theme_value_explains_and_is_400(client, linked):
    response = matrix(client, theme="x" * 5000)
    assert response.status_code == 400
    assert "Some filters could not be used" in response.content.decode()


def test_matrix_rows_are_labelled_with_symbol_and_official_title(client):
    CommitmentFactory(
        title="Decision No. 7/06 on Countering the Use of the Internet for Terrorist Purposes",
        short_title="editors' shorthand",
        symbol="MC.DEC/7/06",
        symbol_status="verified",
    )
    html = matrix(client).content.decode()
    assert (
        '<span class="symbol">MC.DEC/7/06</span> Decision No. 7/06 on Countering the Use of the '
        "Internet for Terrorist Purposes</a>"
    ) in html
    assert "editors&#x27; shorthand" not in html.split('class="matrix-grid"')[1]


def test_matrix_only_classified_leaves_out_empty_rows(client):
    category = ActivityCategoryFactory(slug="recruitment")
    CategoryAssignmentFactory(category=category, commitment=CommitmentFactory(title="Marked one"))
    CommitmentFactory(title="Unmarked one")
    html = matrix(client, classified="on").content.decode()
    assert "Marked one" in html
    assert "Unmarked one" not in html


def test_matrix_narrowed_by_body_with_the_catalogue_parameter(client):
    commitment = CommitmentFactory(title="Of the council")
    CommitmentFactory(title="Of another body")
    html = matrix(client, body=commitment.adopting_body.slug).content.decode()
    assert "Of the council" in html
    assert "Of another body" not in html


def test_matrix_totals_per_record_and_per_category(client):
    first, second = ActivityCategoryFactory(), ActivityCategoryFactory()
    commitment = CommitmentFactory()
    CategoryAssignmentFactory(commitment=commitment, category=first)
    CategoryAssignmentFactory(commitment=commitment, category=second)
    html = matrix(client).content.decode()
    row = html[html.index(commitment.get_absolute_url()) :]
    row = row[: row.index("</tr>")]
    assert row.endswith('<td class="matrix-total">2</td>\n      ')
    footer = html[html.index("<tfoot>") : html.index("</tfoot>")]
    assert '<td class="matrix-total">2</td>' in footer  # all marks


def test_matrix_has_one_list_per_category_for_narrow_screens(client, linked):
    html = matrix(client).content.decode()
    lists = html[html.index('class="matrix-lists"') :]
    assert 'id="list-shared-category"' in lists
    assert 'href="/en/commitments/public-decision/"' in lists
