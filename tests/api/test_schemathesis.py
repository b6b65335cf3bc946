"""Property-based tests: requests generated from the API's own schema, run in-process.

The schema is the one `/api/v1/schema/` serves, built by the same generator when the module is
collected (the endpoint itself would need the test database, which collection cannot open).
Every generated request goes through the WSGI application; all default checks apply.
"""

import json
import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings

from osce_portal import settings as settings_module
from osce_portal.wsgi import application


def load_schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(raw)))
    loaded.app = application
    return loaded


schema = load_schema()

# Slug-valued parameters and the records they name. Unknown slugs are invalid values (a 400),
# which a schema cannot express, so schema-valid cases get slugs of the seed catalogue (read
# from its file: cases are also built while collecting, without a database). The filters and
# detail pages are then exercised on real records; negative cases keep what was generated.
SEED = json.loads((settings_module.BASE_DIR / "fixtures" / "catalogue.json").read_text())


def seed_slugs(model, **conditions):
    return sorted(
        row["fields"]["slug"]
        for row in SEED
        if row["model"] == f"catalog.{model}"
        and all(row["fields"].get(key) == value for key, value in conditions.items())
    )


FILTER_SLUGS = {
    "body": seed_slugs("institution"),
    "theme": seed_slugs("theme"),
    "category": seed_slugs("activitycategory"),
    "organisation": seed_slugs("organisation"),
}
DETAIL_SLUGS = {
    "commitments": seed_slugs("commitment", status="published", publish_at=None),
    "institutions": FILTER_SLUGS["body"],
    "organisations": FILTER_SLUGS["organisation"],
    "themes": FILTER_SLUGS["theme"],
    "categories": FILTER_SLUGS["category"],
}


# A symbol that names no record is a valid query (no results), but text that is not an official
# symbol at all is a 400 with a message, which a schema cannot express either: positive cases
# get symbols of the seed's published records, negative cases keep what was generated.
SYMBOLS = sorted(
    {
        row["fields"]["symbol"]
        for row in SEED
        if row["model"] == "catalog.commitment"
        and row["fields"].get("status") == "published"
        and row["fields"].get("symbol")
    }
)


def real_slug(slugs, generated):
    return slugs[zlib.crc32(str(generated).encode()) % len(slugs)]


@schema.hook
def map_case(context, case):
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return case
    for name, slugs in FILTER_SLUGS.items():
        value = (case.query or {}).get(name)
        if isinstance(value, list):
            case.query[name] = [real_slug(slugs, item) for item in value if item]
        elif value:
            case.query[name] = real_slug(slugs, value)
    if (case.query or {}).get("symbol"):
        case.query["symbol"] = real_slug(SYMBOLS, case.query["symbol"])
    if "slug" in (case.path_parameters or {}):
        endpoint = case.operation.path.split("/")[3]
        case.path_parameters["slug"] = real_slug(
            DETAIL_SLUGS[endpoint], case.path_parameters["slug"]
        )
    return case


@pytest.fixture
def catalogue(seed, settings):
    settings.API_ANON_THROTTLE_RATE = ""  # every generated request comes from one address
    settings.ALLOWED_HOSTS = ["*"]
    # As Django's test client does: requests must not close the test's database connection
    # (it is inside the test's transaction, which Django would take as unusable).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow  # about a minute: make test-fast leaves it out
@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_honours_its_schema(catalogue, case):
    keep_year_range_in_order(case)
    # The in-process (WSGI) transport does not decode gzip, which the API sends to clients
    # that accept it (osce_portal.security.BreachSafeGZipMiddleware).
    case.call_and_validate(headers={"Accept-Encoding": "identity"})


def keep_year_range_in_order(case):
    """The schema cannot express "year_to >= year_from" (its description says it, and an
    inverted range is answered with a 400), so positive cases keep the range in order."""
    query = case.query or {}
    try:
        year_from, year_to = int(query["year_from"]), int(query["year_to"])
    except (KeyError, TypeError, ValueError):
        return
    if year_from > year_to and case.meta and case.meta.generation.mode.is_positive:
        query["year_from"], query["year_to"] = query["year_to"], query["year_from"]
