import datetime

import pytest

from tests.factories import (
    CommitmentFactory,
    InstitutionFactory,
    OrganisationFactory,
    SourceFactory,
)

from .pdfs import decision_pdf


@pytest.fixture(autouse=True)
def text_files(settings, tmp_path):
    """Each test keeps its text files in a folder of its own (the storage API, as in production)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "texts": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "texts", "base_url": None},
        },
    }
    return tmp_path / "texts"


@pytest.fixture
def decision(db):
    """MC.DEC/7/06, published, with its official page as a source."""
    osce = OrganisationFactory(name="Organization for Security", acronym="OSCE", slug="osce")
    council = InstitutionFactory(organisation=osce, name="Ministerial Council", slug="mc")
    record = CommitmentFactory(
        title="Decision No. 7/06 Countering the Use of the Internet for Terrorist Purposes",
        slug="mc-dec-7-06",
        symbol="MC.DEC/7/06",
        symbol_status="verified",
        number="7/06",
        adopting_body=council,
        year=2006,
        adopted_on=datetime.date(2006, 12, 5),
        place="Brussels",
        summary="States exchange information on terrorist use of the internet.",
    )
    SourceFactory(commitment=record, url="https://www.osce.org/mc/23078")
    return record


@pytest.fixture
def french_pdf():
    return decision_pdf(break_after=2)
