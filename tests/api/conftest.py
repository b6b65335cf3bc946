import pytest
from django.core.cache import cache

from tests.factories import CommitmentFactory, InstitutionFactory, ThemeFactory


@pytest.fixture(autouse=True)
def fresh_throttle_state():
    """The throttle counts requests in the cache: every test starts and ends with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def body(db):
    return InstitutionFactory(name="Ministerial Council", acronym="MC", slug="ministerial-council")


@pytest.fixture
def theme(db):
    return ThemeFactory(name="Cyber/ICT security", slug="cyber-ict-security")


@pytest.fixture
def commitment(body, theme):
    return CommitmentFactory(
        title="Countering the Use of the Internet for Terrorist Purposes",
        slug="countering-internet-use",
        symbol="MC.DEC/7/06",
        symbol_status="verified",
        number="7/06",
        adopting_body=body,
        year=2006,
        themes=[theme],
    )


def results(response):
    return response.json()["results"]


def ids(response):
    return [item["id"] for item in results(response)]
