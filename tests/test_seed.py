import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count

from catalog.models import (
    ActivityCategory,
    CategoryAssignment,
    Commitment,
    CommitmentRelation,
    Institution,
    Organisation,
    Source,
)

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
# Added in the dataset's third pass (revision 3).
THIRD_PASS_INSTITUTIONS = [
    ("OSCE Representative on Freedom of the Media", "RFoM", "institution", 1997),
    ("OSCE High Commissioner on National Minorities", "HCNM", "institution", 1992),
    ("OSCE Chairpersonship (Chairperson-in-Office)", "CiO", "chairmanship", 1992),
]
THIRD_PASS_PUBLISHED = [
    ("PC.DEC/633", 2004),
    ("MC.DEC/12/04", 2004),
    (
        "OSCE Strategy to Address Threats to Security and Stability in the Twenty-First Century",
        2003,
    ),
]


def catalogue_counts():
    # Not the words table: it is the search index's vocabulary, shared and pruned by a daily
    # task (words of records gone stay until then), so it may hold earlier tests' words.
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("catalog").get_models()
        if model.__name__ != "SearchWord"
    }


def texts_counts():
    return {
        model.__name__: model.objects.count() for model in apps.get_app_config("texts").get_models()
    }


def test_loading_the_seed_twice_creates_no_duplicates():
    call_command("load_seed", verbosity=0)
    first, texts_first = catalogue_counts(), texts_counts()
    call_command("load_seed", verbosity=0)
    assert catalogue_counts() == first
    assert first["Commitment"] == 54
    assert first["Organisation"] == 7
    assert first["Institution"] == 13  # 12 OSCE bodies and the UN General Assembly
    assert first["CommitmentRelation"] == 46
    assert first["CategoryAssignment"] == 36
    assert first["Source"] == 206
    assert texts_counts() == texts_first == {"Text": 48, "Paragraph": 0, "Provision": 16}


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
    assert Commitment.objects.published().count() == 48
    drafts = Commitment.objects.exclude(status="published")
    assert drafts.count() == 6
    assert set(drafts.values_list("symbol", flat=True)) == {"MC.DEC/3/04", "MC.DEC/5/07", ""}
    decision = Commitment.objects.get(symbol="MC.DEC/7/06")
    assert decision.adopted_on.isoformat() == "2006-12-05"
    assert decision.sources.exists()
    assert set(decision.outgoing_relations.values_list("target__symbol", "kind")) == {
        ("MC.DEC/3/04", "references"),
        ("A/RES/60/288", "reaffirms"),
        ("PC.DEC/633", "reaffirms"),
    }
    assert CommitmentRelation.objects.count() == 46
    # Two relations touch a draft (MC.DEC/7/06 → MC.DEC/3/04 among them): 44 are public.
    assert CommitmentRelation.objects.public().count() == 44


def test_seed_hides_the_link_from_mc_dec_7_06_to_the_draft_mc_dec_3_04(client, seed):
    decision = Commitment.objects.get(symbol="MC.DEC/7/06")
    html = client.get(decision.get_absolute_url()).content.decode()
    assert "PC.DEC/633" in html
    assert "/en/commitments/mc-dec-3-04/" not in html
    assert "3/04 on combating" not in html
    assert client.get("/en/commitments/mc-dec-3-04/").status_code == 404
    api = client.get("/api/v1/commitments/mc-dec-7-06/").json()
    targets = {item["commitment"]["symbol"] for item in api["relations_outgoing"]}
    assert targets == {"A/RES/60/288", "PC.DEC/633"}


@pytest.mark.parametrize("name, acronym, kind, established", THIRD_PASS_INSTITUTIONS)
def test_third_pass_institutions_are_top_level_osce_bodies(seed, name, acronym, kind, established):
    body = Institution.objects.get(acronym=acronym)
    assert (body.name, body.kind, body.established_year) == (name, kind, established)
    assert body.parent is None
    assert body.organisation.acronym == "OSCE"


def test_the_chairpersonship_has_its_own_kind(seed):
    body = Institution.objects.get(acronym="CiO")
    assert body.get_kind_display() == "chairpersonship"


@pytest.mark.parametrize("symbol_or_title, year", THIRD_PASS_PUBLISHED)
def test_third_pass_commitments_are_published(seed, symbol_or_title, year):
    published = Commitment.objects.published()
    match = published.filter(symbol=symbol_or_title) | published.filter(title=symbol_or_title)
    assert [commitment.year for commitment in match] == [year]


def test_the_maastricht_strategy_is_a_strategy_reaffirmed_by_the_baku_resolution(seed):
    strategy = Commitment.objects.get(kind="strategy")
    assert strategy.short_title == "Maastricht Strategy 2003"
    assert list(strategy.incoming_relations.values_list("source__year", "kind")) == [
        (2014, "reaffirms")
    ]


def test_third_pass_relation_kinds_are_corrected(seed):
    def kind(source, target):
        return CommitmentRelation.objects.get(source__symbol=source, target__symbol=target).kind

    assert kind("MC.DOC/5/14", "PC.DEC/1063") == "reaffirms"
    assert kind("MC.DOC/4/15", "MC.DOC/5/14") == "references"
    assert kind("MC.DEC/12/04", "PC.DEC/633") == "endorses"


def test_published_category_assignments_match_revision_4(seed):
    published = CategoryAssignment.objects.filter(commitment__in=Commitment.objects.published())
    assert published.count() == 30
    assert published.values("commitment").distinct().count() == 21
    assert list(
        published.filter(category__slug="propaganda").values_list("commitment__year", flat=True)
    ) == [2019]
    unused = set(
        ActivityCategory.objects.exclude(assignments__in=published).values_list("slug", flat=True)
    )
    assert unused == {
        "psychological-operations",
        "information-sharing",
        "intelligence",
        "communications",
        "cyberterrorism",
    }


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


def test_build_script_maps_every_dataset_kind_to_a_model_choice():
    from scripts.build_seed_fixture import COMMITMENT_KINDS, INSTITUTION_KINDS

    assert set(INSTITUTION_KINDS.values()) == set(Institution.Kind.values)
    assert set(COMMITMENT_KINDS.values()) <= set(Commitment.Kind.values)
    assert COMMITMENT_KINDS["strategy"] == "strategy"


# Dataset revision 4 ("Changes in revision 4"): new records, provisions, names, texts, kinds.
REVISION_4_PUBLISHED = [
    ("MC.DEC/6/07", 2007),
    ("MC.DEC/4/05", 2005),
    ("MC.DEC/9/09", 2009),
]


@pytest.mark.parametrize("symbol, year", REVISION_4_PUBLISHED)
def test_revision_4_records_are_published(seed, symbol, year):
    assert Commitment.objects.published().get(symbol=symbol).year == year


def test_revision_4_facts_changed(seed):
    assert Commitment.objects.get(symbol="PC.DEC/1106").symbol_status == "verified"
    assert Commitment.objects.get(symbol="PC.DEC/1039").adopted_on.isoformat() == "2012-04-26"
    assert Commitment.objects.get(symbol="MC.DEC/5/07").status == "draft"


def test_sixteen_ict_cbms_with_three_inferred_numbers(seed):
    from texts.models import Provision

    first = Provision.objects.filter(commitment__symbol="PC.DEC/1106")
    second = Provision.objects.filter(commitment__symbol="PC.DEC/1202")
    assert list(first.values_list("number", flat=True)) == list(range(1, 12))
    assert list(second.values_list("number", flat=True)) == [12, 13, 14, 15, 16]
    inferred = Provision.objects.filter(number_status="inferred")
    assert sorted(inferred.values_list("number", flat=True)) == [11, 12, 13]
    assert all(p.number_note for p in inferred)
    eight = first.get(number=8)
    assert "points of contact" in eight.label.lower() + eight.summary.lower()
    assert eight.source_url in set(eight.commitment.sources.values_list("url", flat=True))


def test_source_kinds_follow_the_dataset_hosts(seed):
    counts = dict(Source.objects.values_list("kind").annotate(n=Count("pk")))
    assert counts == {
        "official": 71,
        "government": 24,
        "secondary": 42,
        "news": 20,
        "copy": 47,
        "unusable": 2,
    }
    # Nothing but an official host is called official.
    assert set(Source.objects.filter(is_official=True).values_list("kind", flat=True)) == {
        "official"
    }
    assert set(Source.objects.filter(kind="unusable").values_list("url", flat=True)) == {
        "https://web.test.ohchr.un-icc.cloud/en/resources/educators/human-rights-education-"
        "training/14-document-twelfth-meeting-ministerial-council-sofia-2004"
    }
    # Six published records have no source on an official host (the dataset's figure).
    assert Commitment.objects.published().exclude(sources__kind="official").count() == 6


def test_text_pointers_keep_their_language_kind_and_completeness(seed):
    from texts.models import Text

    assert Text.objects.count() == 48
    assert Text.objects.filter(address_kind="official").count() == 14
    assert set(Text.objects.values_list("state", flat=True)) == {"address"}
    french = Text.objects.get(commitment__symbol="MC.DEC/7/06", language="fr")
    assert french.address_kind == "mirror"
    assert french.is_complete is None
    assert "FRANÇAIS" in french.note
    # A source that is also a text pointer has that text's language.
    assert Source.objects.get(commitment__symbol="MC.DEC/7/06", url=french.url).language == "fr"


def test_official_names_are_stored_with_their_sources(seed):
    osce = Organisation.objects.get(acronym="OSCE")
    # (PostgreSQL keeps JSON keys in its own order: compare as a set.)
    assert set(osce.names) == {"fr", "de", "it", "ru", "es"}
    assert osce.names["de"] == "Organisation für Sicherheit und Zusammenarbeit in Europa"
    assert set(osce.name_sources) == set(osce.names)
    council = Institution.objects.get(acronym="PC")
    assert set(council.names) == {"fr", "de", "it"}
    assert (
        Institution.objects.exclude(names={}).count()
        + Organisation.objects.exclude(names={}).count()
        == 14
    )
    assert (
        sum(len(o.names) for o in Organisation.objects.all())
        + sum(len(i.names) for i in Institution.objects.all())
        == 37
    )
