import datetime
from types import SimpleNamespace

import pytest

from tests.factories import (
    ActivityCategoryFactory,
    CategoryAssignmentFactory,
    CommitmentFactory,
    InstitutionFactory,
    OrganisationFactory,
    ThemeFactory,
)


@pytest.fixture
def catalogue(db):
    """A small catalogue covering every filter: two organisations, a body with a sub-body,
    two themes, two categories, three kinds and years 2006 to 2020."""
    osce = OrganisationFactory(name="Organization for Security", acronym="OSCE", slug="osce")
    other = OrganisationFactory(name="United Nations", acronym="UN", slug="un")
    council = InstitutionFactory(organisation=osce, name="Ministerial Council", slug="mc")
    secretariat = InstitutionFactory(organisation=osce, name="Secretariat", slug="secretariat")
    unit = InstitutionFactory(
        organisation=osce, name="Anti-terrorism Unit", slug="atu", parent=secretariat
    )
    assembly = InstitutionFactory(organisation=other, name="General Assembly", slug="ga")
    internet = ThemeFactory(name="Use of the internet", slug="internet")
    youth = ThemeFactory(name="Youth", slug="youth")
    financing = ActivityCategoryFactory(name="Financing", slug="financing")
    propaganda = ActivityCategoryFactory(name="Propaganda", slug="propaganda")
    internet_decision = CommitmentFactory(
        title="Decision on countering the use of the internet",
        slug="internet-decision",
        symbol="MC.DEC/7/06",
        symbol_status="verified",
        number="7/06",
        adopting_body=council,
        year=2006,
        adopted_on=datetime.date(2006, 12, 5),
        place="Brussels",
        themes=[internet],
        keywords="online radicalization",
    )
    youth_declaration = CommitmentFactory(
        title="Declaration on youth and security",
        slug="youth-declaration",
        kind="declaration",
        adopting_body=council,
        year=2015,
        themes=[youth, internet],
    )
    unit_compilation = CommitmentFactory(
        title="Compilation of counter-terrorism commitments",
        slug="unit-compilation",
        kind="reference_compilation",
        adopting_body=unit,
        year=2018,
        themes=[internet],
    )
    strategy = CommitmentFactory(
        title="Global strategy resolution",
        slug="un-strategy",
        kind="resolution",
        adopting_body=assembly,
        year=2020,
        themes=[youth],
    )
    CategoryAssignmentFactory(commitment=internet_decision, category=propaganda)
    CategoryAssignmentFactory(commitment=youth_declaration, category=propaganda)
    CategoryAssignmentFactory(commitment=unit_compilation, category=financing)
    return SimpleNamespace(**locals())


@pytest.fixture
def hidden(catalogue):
    """One record in each unpublished state, all matching the catalogue's filters."""
    common = {"adopting_body": catalogue.council, "themes": [catalogue.internet], "year": 2010}
    records = {
        "draft": CommitmentFactory(
            title="Hidden draft record", slug="hidden-draft", draft=True, **common
        ),
        "in_review": CommitmentFactory(
            title="Hidden in-review record", slug="hidden-review", in_review=True, **common
        ),
        "archived": CommitmentFactory(
            title="Hidden archived record", slug="hidden-archived", archived=True, **common
        ),
        "scheduled": CommitmentFactory(
            title="Hidden scheduled record", slug="hidden-scheduled", scheduled=True, **common
        ),
    }
    for record in records.values():
        CategoryAssignmentFactory(commitment=record, category=catalogue.financing)
    return records
