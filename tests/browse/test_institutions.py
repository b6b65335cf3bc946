import pytest
from django.urls import reverse

from tests.factories import CommitmentFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def test_institution_page_shows_seat_meetings_head_and_website(client):
    body = InstitutionFactory(
        seat="Vienna, Hofburg",
        meets="Weekly",
        head_title="Chairperson",
        website="https://www.osce.org/permanent-council",
        description="The regular body for political consultation.",
    )
    html = client.get(body.get_absolute_url()).content.decode()
    for text in (
        "Vienna, Hofburg",
        "Weekly",
        "Chairperson",
        "https://www.osce.org/permanent-council",
        "The regular body for political consultation.",
    ):
        assert text in html


def test_institution_page_with_no_commitments_says_so(client):
    body = InstitutionFactory()
    html = client.get(body.get_absolute_url()).content.decode()
    assert "No published commitment adopted by this body yet." in html


def test_institution_page_of_an_unknown_slug_is_404(client, db):
    url = reverse("catalog:institution_detail", kwargs={"slug": "no-such-body"})
    assert client.get(url).status_code == 404


def tree(depth=3):
    """A chain of bodies, top first, each below the one before."""
    bodies = [InstitutionFactory(name="Level 0 body", slug="level-0")]
    for level in range(1, depth):
        bodies.append(
            InstitutionFactory(
                name=f"Level {level} body",
                slug=f"level-{level}",
                parent=bodies[-1],
                organisation=bodies[0].organisation,
            )
        )
    return bodies


def test_institution_page_shows_its_whole_subtree_not_only_direct_children(client):
    top, middle, bottom = tree()
    html = client.get(top.get_absolute_url()).content.decode()
    sub_bodies = html[
        html.index('id="sub-bodies-heading"') : html.index('id="commitments-heading"')
    ]
    assert sub_bodies.index(middle.get_absolute_url()) < sub_bodies.index(bottom.get_absolute_url())
    # The grandchild is nested inside the child's item.
    assert sub_bodies.count('<ul class="tree">') == 2


def test_institution_page_separates_own_commitments_from_its_sub_bodies(client):
    top, middle, bottom = tree()
    CommitmentFactory(adopting_body=top, title="Adopted by the top body")
    CommitmentFactory(adopting_body=bottom, title="Adopted two levels down")
    CommitmentFactory(adopting_body=bottom, title="A draft two levels down", draft=True)
    html = client.get(top.get_absolute_url()).content.decode()
    commitments = html[html.index('id="commitments-heading"') :]
    assert (
        '<a href="/en/commitments/?body=level-0">1 published commitment adopted by this body</a>'
    ) in commitments
    assert (
        '<a href="/en/commitments/?body=level-0&amp;include_sub_bodies=on">2 published commitments'
        " adopted by this body and its sub-bodies</a>"
    ) in commitments
    assert "Adopted two levels down" in commitments
    assert "A draft two levels down" not in commitments


def test_institution_counts_agree_with_the_catalogue_links(client):
    top, middle, bottom = tree()
    CommitmentFactory(adopting_body=middle)
    CommitmentFactory(adopting_body=bottom)
    catalogue = reverse("catalog:commitment_list")
    only_own = client.get(catalogue, {"body": "level-1"}).content.decode()
    with_subs = client.get(catalogue, {"body": "level-1", "include_sub_bodies": "on"})
    html = client.get(middle.get_absolute_url()).content.decode()
    assert "1 commitment" in only_own and "1 published commitment adopted by this body<" in html
    assert "2 commitments" in with_subs.content.decode()
    assert "2 published commitments adopted by this body and its sub-bodies<" in html


def test_institution_list_gives_own_and_subtree_counts(client):
    top, middle, bottom = tree()
    CommitmentFactory(adopting_body=bottom)
    html = client.get(reverse("catalog:institution_list")).content.decode()
    top_item = html[
        html.index('href="/en/institutions/level-0/"') : html.index(
            'href="/en/institutions/level-1/"'
        )
    ]
    assert "No commitment adopted by this body" in top_item
    assert (
        '<a href="/en/commitments/?body=level-0&amp;include_sub_bodies=on">'
        "1 by this body and its sub-bodies</a>"
    ) in top_item


def test_institution_list_shows_kind_seat_and_head(client):
    InstitutionFactory(
        name="Permanent body", kind="decision_making_body", seat="Vienna", head_title="Chair"
    )
    html = client.get(reverse("catalog:institution_list")).content.decode()
    item = html[html.index("Permanent body") :]
    item = item[: item.index("</li>")]
    assert '<span class="tree-kind">Decision-making body</span>' in item
    assert '<span class="tree-seat">Vienna</span>' in item
    assert "Led by: Chair" in item


def test_institution_tree_orders_siblings_by_position_not_name_or_age(client):
    alpha = InstitutionFactory(name="Alpha body", position=2)
    InstitutionFactory(name="Zulu body", position=1, organisation=alpha.organisation)
    html = client.get(reverse("catalog:institution_list")).content.decode()
    assert html.index("Zulu body") < html.index("Alpha body")
