"""Record pages describe themselves as schema.org `Legislation`, checked against the part of the
schema.org vocabulary they use (types, the properties each type allows, the expected value
types), so a misspelt property or a wrongly typed value fails."""

import json
import re

import pytest

from tests.factories import CommitmentFactory, CommitmentRelationFactory, SourceFactory

pytestmark = pytest.mark.django_db

# schema.org types and their parents (https://schema.org/Legislation and the types it uses).
PARENTS = {
    "Legislation": "CreativeWork",
    "CreativeWork": "Thing",
    "Organization": "Thing",
    "Place": "Thing",
    "DefinedTerm": "Intangible",
    "Intangible": "Thing",
}
# Properties by the type that defines them, with their expected value types.
PROPERTIES = {
    "Thing": {
        "name": {"Text"},
        "url": {"URL"},
        "alternateName": {"Text"},
        "identifier": {"Text", "URL", "PropertyValue"},
        "sameAs": {"URL"},
    },
    "CreativeWork": {
        "abstract": {"Text"},
        "author": {"Organization", "Person"},
        "publisher": {"Organization", "Person"},
        "dateCreated": {"Date", "DateTime"},
        "dateModified": {"Date", "DateTime"},
        "genre": {"Text", "URL"},
        "inLanguage": {"Text", "Language"},
        "about": {"Thing"},
        "locationCreated": {"Place"},
        "isBasedOn": {"CreativeWork", "Product", "URL"},
        "citation": {"CreativeWork", "Text"},
    },
    "Legislation": {
        "legislationIdentifier": {"Text", "URL"},
        "legislationDate": {"Date"},
        "legislationPassedBy": {"Organization", "Person"},
        "legislationType": {"Text", "CategoryCode"},
        "legislationChanges": {"Legislation"},
        "legislationApplies": {"Legislation"},
        "legislationConsolidates": {"Legislation"},
        "legislationTransposes": {"Legislation"},
    },
    "Organization": {"parentOrganization": {"Organization"}},
}
DATE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")


def ancestors(kind):
    chain = [kind]
    while chain[-1] in PARENTS:
        chain.append(PARENTS[chain[-1]])
    return chain


def allowed(kind):
    return {name: types for k in ancestors(kind) for name, types in PROPERTIES.get(k, {}).items()}


def check_value(value, types, where):
    if isinstance(value, list):
        for item in value:
            check_value(item, types, where)
    elif isinstance(value, dict):
        kind = value["@type"]
        assert set(ancestors(kind)) & types, f"{where}: {kind} is not one of {types}"
        validate(value, where)
    elif "Date" in types or "DateTime" in types:
        assert DATE.match(value), f"{where}: {value!r} is not an ISO 8601 date"
    elif types <= {"URL"}:
        assert value.startswith(("http://", "https://")), f"{where}: {value!r} is not a URL"
    else:
        assert isinstance(value, str) and value, f"{where}: {value!r} is not text"


def validate(node, where="root"):
    properties = allowed(node["@type"])
    for name, value in node.items():
        if name in ("@context", "@type"):
            continue
        assert name in properties, f"{where}: {name} is not a property of {node['@type']}"
        check_value(value, properties[name], f"{where}.{name}")


def json_ld(client, commitment):
    html = client.get(commitment.get_absolute_url()).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


@pytest.fixture
def record(db):
    record = CommitmentFactory(
        title="Decision No. 7/06 on Countering the Use of the Internet for Terrorist Purposes",
        symbol="MC.DEC/7/06",
        symbol_status="verified",
        place="Brussels",
        short_title="MC.DEC/7/06",
    )
    SourceFactory(commitment=record, url="https://www.osce.org/mc/23078", kind="official")
    for kind in ("builds_on", "supersedes", "implements", "reaffirms", "references"):
        CommitmentRelationFactory(source=record, kind=kind)
    CommitmentRelationFactory(source=record, kind="endorses", target=CommitmentFactory(draft=True))
    return record


def test_record_is_valid_schema_org_legislation(client, record):
    data = json_ld(client, record)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Legislation"
    validate(data)


def test_legislation_names_symbol_date_body_and_type(client, record):
    data = json_ld(client, record)
    assert data["legislationIdentifier"] == "MC.DEC/7/06"
    assert data["legislationDate"] == str(record.year)
    assert data["legislationPassedBy"]["name"] == record.adopting_body.name
    assert data["legislationType"] == "decision"


def test_relations_are_typed_links_and_drafts_stay_out(client, record):
    data = json_ld(client, record)
    assert len(data["isBasedOn"]) == 1
    assert len(data["legislationChanges"]) == 1
    assert len(data["legislationApplies"]) == 1
    # reaffirms and references are citations; the endorsed draft is not public.
    assert len(data["citation"]) == 2
    assert all(item["@type"] == "Legislation" for item in data["citation"])


def test_validator_rejects_an_unknown_property():
    with pytest.raises(AssertionError, match="legislationPassed is not a property"):
        validate({"@type": "Legislation", "legislationPassed": "x"})


def test_validator_rejects_a_wrongly_typed_value():
    with pytest.raises(AssertionError, match="is not one of"):
        validate({"@type": "Legislation", "legislationPassedBy": {"@type": "Place", "name": "x"}})


def test_every_seed_record_is_valid_legislation(client, seed):
    from catalog.models import Commitment

    for commitment in Commitment.objects.published():
        data = json_ld(client, commitment)
        validate(data, commitment.slug)
    decision = json_ld(client, Commitment.objects.get(symbol="MC.DEC/7/06"))
    # Its link to the draft MC.DEC/3/04 stays hidden; the public ones are citations.
    cited = {item.get("legislationIdentifier") for item in decision["citation"]}
    assert cited == {"A/RES/60/288", "PC.DEC/633"}
