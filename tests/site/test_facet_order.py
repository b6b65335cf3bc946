"""Facet options: one grouped query each, in the editors' order, robust to records without a
body."""

import pytest
from django.urls import reverse

from tests.factories import CommitmentFactory, OrganisationFactory, ThemeFactory

from .helpers import html

URL = reverse("catalog:commitment_list")

pytestmark = pytest.mark.django_db


def option_values(page, name):
    import re

    return re.findall(rf'name="{name}" value="([^"]+)"', page)


def test_theme_options_follow_the_editors_position_then_the_name(client):
    zebra = ThemeFactory(name="Zebra crossings", slug="zebra", position=1)
    alpha = ThemeFactory(name="Alpha", slug="alpha", position=2)
    beta = ThemeFactory(name="Beta", slug="beta", position=1)
    CommitmentFactory(themes=[zebra, alpha, beta])
    CommitmentFactory(themes=[alpha])
    assert option_values(html(client.get(URL)), "theme") == ["beta", "zebra", "alpha"]


def test_a_record_without_a_body_is_counted_but_offers_no_body_option(client):
    CommitmentFactory(adopting_body=None, organisation=OrganisationFactory(slug="un"))
    with_body = CommitmentFactory()
    page = html(client.get(URL))
    assert option_values(page, "body") == [with_body.adopting_body.slug]
    assert "2 commitments" in page
