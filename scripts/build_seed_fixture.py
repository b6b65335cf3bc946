#!/usr/bin/env python3
"""Build fixtures/catalogue.json from the compilers' research dataset.

Usage: python scripts/build_seed_fixture.py PATH/TO/osce-dataset.json [fixtures/catalogue.json]

The project never reads the dataset at run time: the generated fixture is committed and is
what `make seed`, `make run` and the tests load. Re-run this script only when the research
dataset changes, then review the diff of the fixture.
"""

import json
import re
import sys
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

# Content fields with one column per language (catalog/translation.py, texts/translation.py):
# the dataset's English goes to `<field>_en`.
TRANSLATED = {
    "catalog.commitment": ("title", "short_title", "summary"),
    "catalog.organisation": ("overview",),
    "catalog.institution": ("description",),
    "catalog.theme": ("name", "description"),
    "catalog.activitycategory": ("name", "scope_note"),
    "texts.provision": ("label", "summary"),
}
# Our vocabulary's names in the other languages, by model and slug (translated by us; official
# names of bodies come only from the dataset's sourced `names`).
OUR_NAMES = json.loads(
    (Path(__file__).resolve().parent / "vocabulary-translations.json").read_text(encoding="utf-8")
)

LAST_REVIEWED = "2026-12-01"  # the dataset's revision 4 (meta.compiled: 2026-12)
COMPILED_AT = f"{LAST_REVIEWED}T00:00:00Z"

INSTITUTION_KINDS = {
    "decision-making body": "decision_making_body",
    "parliamentary body": "parliamentary_body",
    "institution": "institution",
    "executive structure": "executive_structure",
    "department": "department",
    "unit": "unit",
    "chairmanship": "chairmanship",
}
COMMITMENT_KINDS = {
    "decision": "decision",
    "resolution": "resolution",
    "declaration": "declaration",
    "statement": "statement",
    "charter": "charter",
    "plan of action": "plan_of_action",
    "programme of action": "programme_of_action",
    "reference compilation": "reference_compilation",
    "strategy": "strategy",
    # A/RES/60/288 is a General Assembly resolution (which contains the Strategy).
    "UN General Assembly resolution (strategy)": "resolution",
}
# Mirrors whose copies are not in English (the source's language, not the site's), when the
# dataset's `texts` do not say.
LANGUAGE_BY_HOST = {"doczz.fr": "fr", "docplayer.fr": "fr", "studylibde.com": "de"}
# A host the dataset's meta.source_kinds does not list counts as secondary.
DEFAULT_SOURCE_KIND = "secondary"

# The General Assembly has no record in the dataset; it is the adopting body of A/RES/60/288.
UN_GENERAL_ASSEMBLY = {
    "name": "United Nations General Assembly",
    "acronym": "UNGA",
    "slug": "un-general-assembly",
    "kind": "decision_making_body",
    "description": (
        "The main deliberative body of the United Nations, in which every Member State has a "
        "seat. It adopted the United Nations Global Counter-Terrorism Strategy "
        "(A/RES/60/288) on 8 September 2006."
    ),
}


def slugify(value):
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def host(url):
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def source_kinds(data):
    """{host: kind} from meta.source_kinds (official, government, secondary, news, copy,
    unusable)."""
    hosts = data["meta"]["source_kinds"]["hosts"]
    return {name: kind for kind, names in hosts.items() for name in names}


def kind_of(url, kinds):
    """The kind of the most specific listed host the address is on (a subdomain of a listed
    host has its kind: www.osce.org and polis.osce.org are osce.org's)."""
    name = host(url)
    while name:
        if name in kinds:
            return kinds[name]
        if "." not in name:
            break
        name = name.split(".", 1)[1]
    return DEFAULT_SOURCE_KIND


def lines(values):
    return "\n".join(values or [])


def build(data):
    objects = []

    def add(model, fields, stamped=True):
        if stamped:  # loaddata saves raw, so auto_now(_add) fields need values here
            fields = {**fields, "created_at": COMPILED_AT, "updated_at": COMPILED_AT}
        objects.append({"model": f"catalog.{model}", "fields": fields})

    for position, theme in enumerate(data["themes"]):
        add("theme", {**theme, "position": position})
    for position, category in enumerate(data["activity_categories"]):
        add("activitycategory", {**category, "position": position})

    overview = data["overview"]
    org_slug = {org["acronym"]: slugify(org["acronym"]) for org in data["organisations"]}
    for org in data["organisations"]:
        founded = org["founded"] or ""
        is_primary = org["acronym"] == overview["organisation_acronym"]
        add(
            "organisation",
            {
                "name": org["name"],
                "acronym": org["acronym"],
                "slug": org_slug[org["acronym"]],
                "is_primary": is_primary,
                "founded_year": int(founded[:4]) if founded else None,
                "founded_on": founded if len(founded) == 10 else None,
                "headquarters": org["headquarters"] or "",
                "website": org["url"] or "",
                "overview": overview["text"] if is_primary else "",
                "facts": lines(org["facts"]),
                "source_urls": lines(org["sources"]),
                "partners": ([[org_slug[a]] for a in overview["partners"]] if is_primary else []),
                "names": org.get("names") or {},
                "name_sources": org.get("name_sources") or {},
            },
        )

    osce = org_slug[overview["organisation_acronym"]]
    body_slug = {}
    for inst in data["institutions"]:
        body_slug[inst["acronym"]] = slugify(inst["name"])
    for position, inst in enumerate(data["institutions"]):
        parent = inst["parent_acronym"]
        established = inst["established"]
        add(
            "institution",
            {
                "organisation": [osce],
                "name": inst["name"],
                # "SEC" is the dataset's internal key, not an official acronym.
                "acronym": "" if inst["acronym"] == "SEC" else inst["acronym"],
                "slug": body_slug[inst["acronym"]],
                "kind": INSTITUTION_KINDS[inst["kind"]],
                "parent": None if parent == "OSCE" else [body_slug[parent]],
                "seat": inst["seat"] or "",
                "established_year": int(established[:4]) if established else None,
                "meets": inst["meets"] or "",
                "head_title": inst["head_title"] or "",
                "description": inst["description"],
                "role_summary": inst["role_summary"] or "",
                "website": inst["url"] or "",
                "source_urls": lines(inst["sources"]),
                "position": position,
                "names": inst.get("names") or {},
                "name_sources": inst.get("name_sources") or {},
            },
        )
    unga = UN_GENERAL_ASSEMBLY
    add(
        "institution",
        {
            **{k: unga[k] for k in ("name", "acronym", "slug", "kind", "description")},
            "organisation": [org_slug["UN"]],
            "parent": None,
            "position": 0,
        },
    )
    body_slug["UNGA"] = unga["slug"]

    commitment_slug = {}
    by_symbol, by_title = {}, {}
    for record in data["commitments"]:
        base = record["symbol"] or record["short_title"]
        slug = slugify(base)
        if slug in commitment_slug.values():
            slug = f"{slug}-{record['year']}"
        key = (record["title"], record["year"])
        commitment_slug[key] = slug
        if record["symbol"]:
            by_symbol[record["symbol"]] = slug
        by_title[key] = slug

    def target_slug(relation):
        if relation["target"] in by_symbol:
            return by_symbol[relation["target"]]
        return by_title[(relation["target"], relation["target_year"])]

    kinds = source_kinds(data)
    sources, assignments, relations, provisions, texts = [], [], [], [], []
    for record in data["commitments"]:
        slug = commitment_slug[(record["title"], record["year"])]
        body = record["adopting_body_acronym"]
        organisation = org_slug["UN"] if body == "UNGA" else osce
        add(
            "commitment",
            {
                "title": record["title"],
                "short_title": record["short_title"] or "",
                "slug": slug,
                "kind": COMMITMENT_KINDS[record["kind"]],
                "organisation": [organisation],
                "symbol": record["symbol"] or "",
                "symbol_status": record["symbol_status"] or "",
                "number": record["number"] or "",
                "adopting_body": [body_slug[body]] if body else None,
                "year": record["year"],
                "adopted_on": record["adopted_on"],
                "meeting": record["meeting"] or "",
                "place": record["place"] or "",
                "summary": record["summary"],
                "key_quotation": "",
                "keywords": lines(record["keywords"]),
                "external_references": lines(record["external_references"]),
                "themes": [[theme] for theme in record["themes"]],
                "is_featured": bool(record["in_seed"]),
                "status": record["status"],
                "publish_at": None,
                "last_reviewed_on": LAST_REVIEWED,
                "editorial_note": record.get("editorial_note") or "",
                "created_by": None,
                "updated_by": None,
            },
        )
        urls = ([record["url"]] if record["url"] else []) + [
            u for u in record["sources"] if u != record["url"]
        ]
        text_language = {text["url"]: text["language"] for text in record.get("texts") or []}
        for position, url in enumerate(urls):
            kind = kind_of(url, kinds)
            sources.append(
                {
                    "commitment": [slug],
                    "url": url,
                    "label": "",
                    "language": text_language.get(url) or LANGUAGE_BY_HOST.get(host(url), "en"),
                    "kind": kind,
                    "is_official": kind == "official",
                    "position": position,
                }
            )
        for provision in record.get("provisions") or []:
            provisions.append(
                {
                    "commitment": [slug],
                    "number": provision["number"],
                    "number_status": provision.get("number_status") or "stated",
                    "number_note": provision.get("number_note") or "",
                    "label": provision["label"],
                    "summary": provision["summary"],
                    "source_url": provision["source"],
                    "number_source_url": provision.get("number_source") or "",
                    "anchor": "",
                    "updated_at": COMPILED_AT,
                }
            )
        for text in record.get("texts") or []:
            texts.append(
                {
                    "commitment": [slug],
                    "language": text["language"],
                    "version": "",
                    "version_position": 0,
                    "is_original": False,
                    "url": text["url"],
                    "address_kind": text["kind"],
                    "is_complete": text["full"],
                    "note": text.get("note") or "",
                    "state": "address",
                    "extraction": "none",
                    "created_at": COMPILED_AT,
                    "updated_at": COMPILED_AT,
                }
            )
        for evidence in record["category_evidence"]:
            assignments.append(
                {
                    "commitment": [slug],
                    "category": [evidence["category"]],
                    "note": evidence["note"],
                    "source_url": evidence["source"],
                }
            )
        seen = set()
        for relation in record["relations"]:
            key = (target_slug(relation), relation["kind"])
            if key in seen:
                continue
            seen.add(key)
            relations.append({"source": [slug], "target": [key[0]], "kind": key[1], "note": ""})

    for fields in sources:
        add("source", fields, stamped=False)
    for fields in assignments:
        add("categoryassignment", fields, stamped=False)
    for fields in relations:
        add("commitmentrelation", fields, stamped=False)
    for fields in provisions:
        objects.append({"model": "texts.provision", "fields": fields})
    for fields in texts:
        objects.append({"model": "texts.text", "fields": fields})
    return objects


def in_languages(objects):
    """English into the `_en` columns; our vocabulary's names into the other languages."""
    for item in objects:
        fields = item["fields"]
        for name in TRANSLATED.get(item["model"], ()):
            if name in fields:
                fields[f"{name}_en"] = fields.pop(name)
        for language, name in OUR_NAMES.get(item["model"], {}).get(fields.get("slug"), {}).items():
            fields[f"name_{language}"] = name
    return objects


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    data = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    default = Path(__file__).resolve().parent.parent / "fixtures" / "catalogue.json"
    out = Path(argv[2]) if len(argv) == 3 else default
    out.write_text(
        json.dumps(in_languages(build(data)), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"Wrote {out}")


if __name__ == "__main__":
    main(sys.argv)
