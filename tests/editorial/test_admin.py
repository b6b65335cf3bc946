import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.editorial.conftest import change_url
from tests.factories import CommitmentFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/commitment/"


def changelist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries)


def test_changelist_query_count_does_not_grow_with_rows(publisher_client):
    body = InstitutionFactory()
    CommitmentFactory.create_batch(20, adopting_body=body)
    with_20 = changelist_queries(publisher_client)
    CommitmentFactory.create_batch(180, adopting_body=body)

    assert changelist_queries(publisher_client) == with_20


def test_changelist_query_count_does_not_grow_with_bodies(publisher_client):
    CommitmentFactory.create_batch(20)
    with_20 = changelist_queries(publisher_client)
    CommitmentFactory.create_batch(180)

    assert changelist_queries(publisher_client) == with_20


def test_changelist_shows_the_editorial_columns(publisher_client):
    CommitmentFactory(title="Decision on columns", symbol="MC.DEC/7/06", symbol_status="verified")

    content = publisher_client.get(CHANGELIST).content.decode()

    for heading in ["Title", "Official symbol", "Kind", "Year", "Adopting body", "Status"]:
        assert heading in content
    assert "MC.DEC/7/06" in content


def test_search_finds_a_record_by_symbol(publisher_client):
    CommitmentFactory(title="Found", symbol="PC.DEC/1039", symbol_status="verified")
    CommitmentFactory(title="Not this one")

    content = publisher_client.get(CHANGELIST, {"q": "PC.DEC/1039"}).content.decode()

    assert "Found" in content
    assert "Not this one" not in content


def test_admin_index_lists_what_awaits_review_and_what_is_scheduled(publisher_client):
    CommitmentFactory(in_review=True, title="Waiting for a reviewer")
    CommitmentFactory(scheduled=True, title="Going public next week")
    CommitmentFactory(draft=True, title="Just a draft")

    content = publisher_client.get("/admin/").content.decode()

    assert "Awaiting review (1)" in content
    assert "Waiting for a reviewer" in content
    assert "Scheduled (1)" in content
    assert "Going public next week" in content
    assert "Just a draft" not in content


def test_change_page_links_to_preview_and_history(publisher_client):
    record = CommitmentFactory(draft=True)

    content = publisher_client.get(change_url(record)).content.decode()

    assert f"/preview/commitments/{record.slug}/" in content
    assert "History" in content


def test_view_on_site_of_a_draft_goes_to_its_preview(publisher_client):
    record = CommitmentFactory(draft=True)

    content = publisher_client.get(change_url(record)).content.decode()

    assert "View on site" in content


@pytest.mark.parametrize(
    "query",
    [
        {"workflow": "nonsense"},
        {"adopted_on__year": "abc"},
        {"status__exact": "x' OR 1=1"},
        {"o": "99"},
        {"q": "%' \\"},
    ],
)
def test_odd_changelist_parameters_never_give_a_server_error(publisher_client, query):
    CommitmentFactory()

    assert publisher_client.get(CHANGELIST, query).status_code < 500


@pytest.mark.parametrize(
    "url",
    [
        "/admin/catalog/commitment/999999/change/",
        "/admin/catalog/commitment/abc/history/",
        "/admin/catalog/commitment/abc/change/",
        "/admin/catalog/commitment/abc/history/1/",
        "/admin/catalog/commitment/abc/history/1/compare/",
        "/admin/catalog/commitment/1/history/999/",
        "/admin/catalog/commitment/1/history/999/compare/",
        "/admin/catalog/commitment/recover/999/",
        "/preview/commitments/no-such-record/",
    ],
)
def test_unknown_records_never_give_a_server_error(publisher_client, url):
    assert publisher_client.get(url, follow=True).status_code < 500


def test_crafted_post_without_management_data_is_refused_cleanly(publisher_client):
    record = CommitmentFactory(draft=True)

    response = publisher_client.post(change_url(record), {"title": "x"})

    assert response.status_code in (200, 400)
    record.refresh_from_db()
    assert record.title != "x"


def test_every_editorial_page_renders_with_the_seed_catalogue(seed, publisher_client):
    from catalog.models import Commitment

    record = Commitment.objects.filter(outgoing_relations__isnull=False).first()
    pages = [
        "/admin/",
        CHANGELIST,
        "/admin/catalog/commitment/add/",
        change_url(record),
        f"/admin/catalog/commitment/{record.pk}/history/",
        "/admin/catalog/commitment/import/",
        "/admin/catalog/commitment/export/",
        "/admin/catalog/commitment/recover/",
        "/admin/catalog/institution/",
        "/admin/catalog/institution/import/",
        "/admin/catalog/organisation/",
        "/admin/catalog/theme/",
        "/admin/catalog/activitycategory/",
        f"/preview/commitments/{record.slug}/",
    ]

    assert {page: publisher_client.get(page).status_code for page in pages} == dict.fromkeys(
        pages, 200
    )


def test_admin_search_puts_the_exact_symbol_first(publisher_client):
    from django.urls import reverse

    CommitmentFactory(symbol="MC.DEC/1/06", symbol_status="verified", year=2006)
    for year in (2010, 2015, 2020):  # newer records citing it, listed first by default
        CommitmentFactory(year=year, summary="Builds on MC.DEC/1/06 and goes further.")
    url = reverse("admin:catalog_commitment_changelist")
    rows = list(publisher_client.get(url, {"q": "mc.dec/1/06"}).context["cl"].result_list)
    assert len(rows) == 4
    assert rows[0].symbol == "MC.DEC/1/06"
    assert [row.year for row in rows[1:]] == [2020, 2015, 2010]  # then the usual order


def test_a_new_record_gets_its_slug_from_its_symbol(publisher_client):
    from django.urls import reverse

    from catalog.editorial import services
    from catalog.models import Commitment

    body = InstitutionFactory()
    record = services.save_commitment(
        user=publisher_client.session and _user(publisher_client),
        fields={
            "title": "Decision on slugs",
            "kind": "decision",
            "organisation": body.organisation,
            "adopting_body": body,
            "symbol": "MC(9).DEC/7/06",
            "symbol_status": "verified",
            "year": 2006,
            "summary": "A decision.",
        },
    ).commitment
    assert record.slug == "mc-9-dec-7-06"
    again = services.new_slug(symbol="mc(9).dec/7/06")
    assert again == "mc-9-dec-7-06-2"
    assert services.new_slug(title="Bucharest Plan of Action") == "bucharest-plan-of-action"
    add = publisher_client.get(reverse("admin:catalog_commitment_add")).content.decode()
    assert "Leave empty to make it from the symbol" in add
    assert Commitment.objects.filter(slug="mc-9-dec-7-06").exists()


def _user(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


@pytest.mark.parametrize(
    "query",
    [
        "adopted_on__year=9999",
        "adopted_on__year=9999&adopted_on__month=12",
        "adopted_on__year=9999&adopted_on__month=12&adopted_on__day=31",
        "adopted_on__year=abc",
    ],
)
def test_the_date_filter_answers_an_impossible_date_without_a_500(publisher_client, query):
    CommitmentFactory(adopted_on=datetime.date(2020, 2, 2))
    response = publisher_client.get(f"/admin/catalog/commitment/?{query}")
    assert (response.status_code, response["Location"]) == (302, "/admin/catalog/commitment/?e=1")
