"""What the real seed catalogue looks like on each browse page.

The seed is loaded once for this module inside a transaction that is rolled back at the end
(like Django's `setUpTestData`); each test still runs in its own nested transaction.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from tests.snapshots import put_load_seed

# The seed, loaded once for the module: one worker runs the module.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("browse-seed-catalogue")]


@pytest.fixture(scope="module", autouse=True)
def seed_catalogue(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        put_load_seed()
        yield
        transaction.set_rollback(True)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def item_for(html, href):
    """The list item that links to `href`."""
    start = html.index(f'href="{href}"')
    return html[start : html.index("</li>", start)]


def osce_page(client):
    return client.get(reverse("catalog:organisation_detail", kwargs={"slug": "osce"}))


def about_html(client):
    return page(client, reverse("catalog:about"))


def timeline_html(client):
    return page(client, reverse("catalog:timeline"))


def matrix(client, **params):
    return client.get(reverse("catalog:matrix"), params)


# Institutions
def test_institution_tree_nests_each_body_under_its_parent(client):
    html = client.get(reverse("catalog:institution_list")).content.decode()
    secretariat = html.index('href="/en/institutions/osce-secretariat/"')
    department = html.index('href="/en/institutions/transnational-threats-department/"')
    unit = html.index('href="/en/institutions/action-against-terrorism-unit/"')
    assert secretariat < department < unit
    # Each level opens a nested list inside the parent's item.
    assert html.count('<ul class="tree">', secretariat, unit) == 2


def test_institution_tree_groups_bodies_by_organisation_primary_first(client):
    html = client.get(reverse("catalog:institution_list")).content.decode()
    assert "<h2" in html
    osce = html.index("Organization for Security and Co-operation in Europe</a></h2>")
    un = html.index("United Nations</a></h2>")
    assert osce < un
    assert html.index("United Nations General Assembly") > un


def test_institution_tree_shows_published_commitment_counts(client):
    html = client.get(reverse("catalog:institution_list")).content.decode()
    council = html[html.index('href="/en/institutions/ministerial-council/"') :]
    # 29 seed records name the Ministerial Council; four of them are drafts.
    assert "25 commitments" in council[: council.index("</li>")]


def test_institution_page_shows_role_facts_and_breadcrumb_of_ancestors(client):
    url = reverse("catalog:institution_detail", kwargs={"slug": "action-against-terrorism-unit"})
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('class="breadcrumbs"')
    crumbs = html[start : html.index("</nav>", start)]
    assert crumbs.index("OSCE Secretariat") < crumbs.index("TNTD") < crumbs.index("ATU")
    assert 'aria-current="page"' in crumbs
    assert "Part of" in html
    assert "Transnational Threats Department" in html


def test_institution_page_lists_its_sub_bodies(client):
    url = reverse("catalog:institution_detail", kwargs={"slug": "osce-secretariat"})
    html = client.get(url).content.decode()
    assert "Sub-bodies" in html
    assert 'href="/en/institutions/conflict-prevention-centre/"' in html
    assert 'href="/en/institutions/transnational-threats-department/"' in html
    # The unit two levels down is part of the subtree too.
    assert 'href="/en/institutions/action-against-terrorism-unit/"' in html


def test_secretariat_counts_its_sub_bodies_commitment_like_its_catalogue_link(client):
    html = page(client, reverse("catalog:institution_detail", kwargs={"slug": "osce-secretariat"}))
    assert "No published commitment adopted by this body yet." in html
    assert "1 published commitment adopted by this body and its sub-bodies" in html
    assert "Overview of OSCE Counter-Terrorism Related Commitments" in html
    listed = page(client, "/en/commitments/?body=osce-secretariat&include_sub_bodies=on")
    assert "1 commitment" in listed
    assert "Overview of OSCE Counter-Terrorism Related Commitments" in listed


def test_chairpersonship_appears_in_the_org_chart_with_its_kind(client):
    html = page(client, reverse("catalog:institution_list"))
    item = item_for(html, "/en/institutions/osce-chairpersonship-chairperson-in-office/")
    assert "Chairpersonship" in item


def test_institution_page_lists_its_published_commitments_and_not_drafts(client):
    url = reverse("catalog:institution_detail", kwargs={"slug": "ministerial-council"})
    html = client.get(url).content.decode()
    assert "Decision No. 7/06 on Countering the Use of the Internet for Terrorist" in html
    assert "Decision No. 3/04 on combating the use of the Internet" not in html


def test_institution_page_links_to_the_catalogue_filtered_by_the_body_and_its_sub_bodies(client):
    url = reverse("catalog:institution_detail", kwargs={"slug": "osce-secretariat"})
    html = client.get(url).content.decode()
    assert "/en/commitments/?body=osce-secretariat&amp;include_sub_bodies=on" in html


# Organisations
def test_organisation_page_shows_overview_and_headquarters(client):
    response = osce_page(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Organization for Security and Co-operation in Europe" in html
    assert "Overview" in html
    assert "Vienna, Austria" in html


def test_organisation_page_links_its_partners(client):
    html = osce_page(client).content.decode()
    assert 'href="/en/organisations/un/"' in html
    assert 'href="/en/organisations/coe/"' in html


def test_partner_page_links_back_to_the_primary_organisation(client):
    html = client.get(reverse("catalog:organisation_detail", kwargs={"slug": "un"})).content
    assert 'href="/en/organisations/osce/"' in html.decode()


def test_organisation_page_shows_its_bodies_as_a_tree(client):
    html = osce_page(client).content.decode()
    bodies = html[html.index('id="bodies-heading"') :]
    assert bodies.index("OSCE Secretariat") < bodies.index("Action against Terrorism Unit")


def test_partner_organisation_page_lists_its_published_commitments(client):
    html = client.get(reverse("catalog:organisation_detail", kwargs={"slug": "un"})).content
    assert "A/RES/60/288" in html.decode()


# Themes and categories
def test_theme_list_shows_every_theme_with_its_description(client):
    response = client.get(reverse("catalog:theme_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Countering the use of the internet for terrorist purposes" in html
    assert html.count('class="browse-card"') == 14


def test_theme_page_lists_its_published_commitments(client):
    url = reverse("catalog:theme_detail", kwargs={"slug": "terrorist-use-of-internet"})
    response = client.get(url)
    assert response.status_code == 200
    assert "MC.DEC/7/06" in response.content.decode()


def test_category_list_shows_the_ten_categories_with_scope_notes(client):
    html = client.get(reverse("catalog:category_list")).content.decode()
    assert html.count('class="browse-card"') == 10
    assert "Material that terrorists spread online to promote their cause" in html


def test_category_list_does_not_count_a_draft_classification(client):
    html = client.get(reverse("catalog:category_list")).content.decode()
    # Propaganda: the Luxembourg 2019 PA resolution and the draft MC.DEC/3/04.
    assert "1 commitment" in item_for(html, "/en/categories/propaganda/")
    assert "0 commitments" in item_for(html, "/en/categories/intelligence/")
    assert "11 commitments" in item_for(html, "/en/categories/financing/")


def test_category_page_lists_the_seed_commitments_classified_under_it(client):
    url = reverse("catalog:category_detail", kwargs={"slug": "incitement"})
    html = client.get(url).content.decode()
    assert "MC.DEC/7/06" in html
    assert "Decision No. 3/04 on combating the use of the Internet" not in html


# Timeline
def test_timeline_draws_an_svg_chronology_with_title_and_description(client):
    html = timeline_html(client)
    assert '<svg class="chronology-chart"' in html
    assert 'aria-labelledby="chronology-title"' in html
    assert '<title id="chronology-title">' in html
    assert '<desc id="chronology-desc">' in html


def test_timeline_has_one_lane_per_adopting_body_busiest_first(client):
    html = timeline_html(client)
    labels = [part.split("<")[0] for part in html.split('class="chronology-lane__label"')[1:]]
    labels = [label.split(">", 1)[1] for label in labels]
    # 22 Ministerial Council records, then the Parliamentary Assembly's and the Permanent Council's.
    assert labels[:3] == ["MC", "OSCE PA", "PC"]


def test_timeline_shows_the_five_milestones(client):
    html = timeline_html(client)
    milestones = html[html.index('id="milestones-heading"') :]
    milestones = milestones[: milestones.index("</ol>")]
    for label in (
        "Bucharest Plan of Action",
        "Porto Charter (2002)",
        "Consolidated Framework",
        "First set of cyber/ICT CBMs",
        "Second set of cyber/ICT CBMs",
    ):
        assert label in milestones


def test_timeline_table_gives_the_documents_of_each_year(client):
    html = timeline_html(client)
    table = html[html.index("<table") :]
    # 2016: MC.DEC/4/16, 5/16, 6/16, PC.DEC/1202 and the Hamburg declaration.
    assert '<th scope="rowgroup" rowspan="5">2016</th>' in table
    assert "48 commitments" in table[table.index("<tfoot>") :]


def test_timeline_narrows_by_theme_like_the_catalogue(client):
    html = timeline_html_with(client, "?theme=cyber-ict-security")
    catalogue = page(client, "/en/commitments/?theme=cyber-ict-security")
    count = html.count('<th scope="rowgroup"')
    assert count > 0
    rows = html[html.index("<tfoot>") :]
    total = rows[rows.index('colspan="2">') + 12 : rows.index("</td>")]
    assert total.split()[0] + " commitment" in catalogue


def timeline_html_with(client, query):
    return page(client, reverse("catalog:timeline") + query)


# Matrix
def test_matrix_is_a_table_with_caption_and_header_scopes(client):
    response = matrix(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption" in html
    assert html.count('<th scope="col" class="matrix-category">') == 10
    assert '<th scope="row" class="matrix-commitment">' in html


def test_matrix_column_total_links_to_the_catalogue_filtered_by_the_category(client):
    html = matrix(client).content.decode()
    total = html[html.index('href="/en/commitments/?category=financing"') :]
    assert "</span>11</a>" in total[: total.index("</td>")]


# About
def test_about_explains_coverage_curation_and_workflow(client):
    html = about_html(client)
    for heading in (
        "What is covered",
        "How records are curated",
        "Editorial workflow",
        "What the online-activity categories mean",
    ):
        assert heading in html
    assert "verified" in html
    assert "derived from the decision number" in html
    assert "Last reviewed" in html


def test_about_lists_the_ten_categories_with_their_scope_notes(client):
    html = about_html(client)
    assert 'href="/en/categories/propaganda/"' in html
    assert 'href="/en/categories/cyberterrorism/"' in html
    assert "Material that terrorists spread online to promote their cause" in html


def test_about_gives_the_published_total(client):
    # 46 seed records, six of them drafts.
    assert "The catalogue holds 48 published commitments" in about_html(client)


# Order


def test_institution_tree_keeps_the_editors_order_of_sibling_bodies(client):
    html = page(client, reverse("catalog:institution_list"))
    council = html.index('href="/en/institutions/ministerial-council/"')
    permanent = html.index('href="/en/institutions/permanent-council/"')
    forum = html.index('href="/en/institutions/forum-for-security-co-operation/"')
    assert council < permanent < forum


def test_theme_list_keeps_the_editors_order(client):
    html = page(client, reverse("catalog:theme_list"))
    assert html.index("Counter-terrorism frameworks and strategies") < html.index(
        "Border and travel document security"
    )


def test_category_list_keeps_the_editors_order(client):
    html = page(client, reverse("catalog:category_list"))
    assert html.index('href="/en/categories/propaganda/"') < html.index(
        'href="/en/categories/cyberterrorism/"'
    )
