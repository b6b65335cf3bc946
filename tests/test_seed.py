import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from catalog.models import Commitment, CommitmentRelation, Institution, Organisation

pytestmark = pytest.mark.django_db

# The documents listed on the OSCE page the project started from, with their years.
SEED_PAGE_DOCUMENTS = [
    ("Resolution on Preventing and Countering Terrorism and Violent Extremism", 2018),
    ("Overview of OSCE Counter-Terrorism Related Commitments", 2018),
    ("Decision No. 4/16", 2016),
    ("Decision No. 5/16", 2016),
    ("Decision No. 1039", 2012),
    ("Decision No. 7/06", 2006),
    ("OSCE Charter on Preventing and Combating Terrorism", 2002),
    ("Bucharest Plan of Action for Combating Terrorism", 2001),
]
SEED_PAGE_INSTITUTIONS = [
    "Conflict Prevention Centre",
    "Forum for Security Co-operation",
    "Ministerial Council",
    "Office for Democratic Institutions and Human Rights",
    "OSCE Parliamentary Assembly",
    "Permanent Council",
    "OSCE Secretariat",
    "Transnational Threats Department",
    "Action against Terrorism Unit",
]


def catalogue_counts():
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("catalog").get_models()
    }


def test_loading_the_seed_twice_creates_no_duplicates():
    call_command("load_seed", verbosity=0)
    first = catalogue_counts()
    call_command("load_seed", verbosity=0)
    assert catalogue_counts() == first
    assert first["Commitment"] == 40
    assert first["Organisation"] == 7


@pytest.mark.parametrize("title, year", SEED_PAGE_DOCUMENTS)
def test_every_seed_page_document_is_published_with_its_year(seed, title, year):
    commitment = Commitment.objects.published().get(title__startswith=title)
    assert commitment.year == year


@pytest.mark.parametrize("name", SEED_PAGE_INSTITUTIONS)
def test_every_seed_page_institution_is_present(seed, name):
    assert Institution.objects.filter(name=name).exists()


def test_seed_keeps_the_secretariat_tree_and_the_overview(seed):
    unit = Institution.objects.get(name="Action against Terrorism Unit")
    assert [body.name for body in unit.ancestors()] == [
        "OSCE Secretariat",
        "Transnational Threats Department",
    ]
    osce = Organisation.objects.get(is_primary=True)
    assert osce.overview.startswith("The Organization for Security and Co-operation in Europe")
    assert set(osce.partners.values_list("acronym", flat=True)) == {
        "CoE",
        "EU",
        "Europol",
        "INTERPOL",
        "NATO",
        "UN",
    }


def test_seed_records_carry_their_status_sources_and_relations(seed):
    assert Commitment.objects.published().count() == 37
    assert set(Commitment.objects.exclude(status="published").values_list("symbol", flat=True)) == {
        "MC.DEC/3/04",
        "",
    }
    decision = Commitment.objects.get(symbol="MC.DEC/7/06")
    assert decision.adopted_on.isoformat() == "2006-12-05"
    assert decision.sources.exists()
    assert set(decision.outgoing_relations.values_list("target__symbol", "kind")) == {
        ("MC.DEC/3/04", "builds_on"),
        ("A/RES/60/288", "reaffirms"),
    }
    assert CommitmentRelation.objects.count() == 31


def test_every_seed_record_passes_validation(seed):
    for model in apps.get_app_config("catalog").get_models():
        for obj in model.objects.all():
            obj.full_clean()


def test_malformed_fixture_loads_nothing(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('[{"model": "catalog.theme", "fields": {"name": "X", "slug": "x"}},')
    with pytest.raises(CommandError, match="nothing changed"):
        call_command("load_seed", str(broken), verbosity=0)
    assert sum(catalogue_counts().values()) == 0


def test_fixture_breaking_an_invariant_loads_nothing(tmp_path, settings):
    fixture = json.loads((settings.BASE_DIR / "fixtures" / "catalogue.json").read_text())
    for obj in fixture:
        if obj["model"] == "catalog.commitment" and obj["fields"]["adopted_on"]:
            obj["fields"]["year"] -= 1  # the full date no longer falls in the year
            break
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(fixture))
    with pytest.raises(CommandError, match="is not in"):
        call_command("load_seed", str(bad), verbosity=0)
    assert sum(catalogue_counts().values()) == 0


def test_load_if_empty_leaves_an_edited_catalogue_alone(seed):
    decision = Commitment.objects.get(symbol="MC.DEC/7/06")
    decision.summary = "Edited by an editor."
    decision.save()
    call_command("load_seed", if_empty=True, verbosity=0)
    decision.refresh_from_db()
    assert decision.summary == "Edited by an editor."
