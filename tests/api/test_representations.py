"""The commitments' fast representation (catalog/api/representations.py) is, byte for byte,
what the declared CommitmentSerializer gives: for every seed record, list and detail, in every
format the API offers."""

import datetime
import re

import pytest
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from catalog.api.representations import CommitmentRepresentation
from catalog.api.serializers import CommitmentSerializer
from catalog.api.views import CatalogueViewSet, CommitmentViewSet
from catalog.models import Commitment
from tests.factories import (
    CategoryAssignmentFactory,
    CommitmentFactory,
    CommitmentRelationFactory,
    InstitutionFactory,
    SourceFactory,
)

LIST_URL = "/api/v1/commitments/"
# (query, headers) of each format: JSON by default and by parameter (the links then keep
# ?format=json), indented JSON, CSV (lists only) and the browsable API's HTML.
LIST_FORMATS = [
    ({}, {}),
    ({"format": "json"}, {}),
    ({}, {"Accept": "application/json; indent=4"}),
    ({"format": "csv"}, {}),
    ({}, {"Accept": "text/csv"}),
    ({}, {"Accept": "text/html"}),
]
DETAIL_FORMATS = [fmt for fmt in LIST_FORMATS if "csv" not in str(fmt)]
# The browsable API's page carries a CSRF token that differs on every request.
CSRF_TOKEN = re.compile(rb'"csrfToken": "[^"]*"')


@pytest.fixture
def answers(client, settings, monkeypatch):
    """Bodies of the same requests answered by the fast path and by the serializer."""
    settings.PAGE_CACHE_ENABLED = False  # no kept answers: each request is computed
    settings.API_ANON_THROTTLE_RATE = ""

    def body(url, query, headers):
        response = client.get(url, query, headers=headers)
        assert response.status_code == 200, (url, query, headers)
        return response["Content-Type"], CSRF_TOKEN.sub(b"", response.content)

    def both(requests):
        fast = [body(*request) for request in requests]
        with monkeypatch.context() as patch:
            # The declared serializer: CatalogueViewSet's representation, the reference.
            patch.setattr(CommitmentViewSet, "represent", CatalogueViewSet.represent)
            reference = [body(*request) for request in requests]
        return fast, reference

    return both


@pytest.fixture
def edge_cases(seed):
    """Records the seed lacks: no body, no dates or optional texts, a relation with a note,
    a source without a label, a relation to a draft (never shown)."""
    bare = CommitmentFactory(
        slug="edge-no-body",
        adopting_body=None,
        organisation=InstitutionFactory().organisation,
        kind=Commitment.Kind.PLAN_OF_ACTION,
        number="Declaration No. 5/14",
        symbol="",
        symbol_status="",
        last_reviewed_on=None,
        adopted_on=None,
        keywords="",
        external_references="",
    )
    full = CommitmentFactory(
        slug="edge-full",
        year=2003,
        adopted_on=datetime.date(2003, 12, 2),
        number="3/03",
        symbol="MC.DEC/3/03",
        symbol_status="derived",
        key_quotation="“Quoted” & <escaped>",
        keywords="one\ntwo",
        is_featured=True,
    )
    CommitmentRelationFactory(source=full, target=bare, kind="supersedes", note="In part.")
    CommitmentRelationFactory(source=full, target=CommitmentFactory(draft=True))
    SourceFactory(commitment=full, url="https://www.example.org/x", label="", kind="copy")
    CategoryAssignmentFactory(commitment=full, source_url="https://example.org/evidence")
    CategoryAssignmentFactory(commitment=bare, note="", source_url="")


def published_slugs():
    return list(Commitment.objects.published().values_list("slug", flat=True))


def test_the_list_of_every_seed_record_is_the_serializers_in_every_format(answers, edge_cases):
    count = len(published_slugs())
    # Every published record on one page, and pages of 7 (next/previous links).
    requests = [
        (LIST_URL, {**query, "page_size": 100}, headers) for query, headers in LIST_FORMATS
    ] + [(LIST_URL, {"page_size": 7, "page": page}, {}) for page in range(1, -(-count // 7) + 1)]

    fast, reference = answers(requests)

    assert 40 < count <= 100
    assert fast == reference


def test_the_detail_of_every_seed_record_is_the_serializers_in_every_format(answers, edge_cases):
    requests = [
        (f"{LIST_URL}{slug}/", query, headers)
        for slug in published_slugs()
        for query, headers in DETAIL_FORMATS
    ]

    fast, reference = answers(requests)

    assert fast == reference


def test_the_representation_has_the_serializers_keys_values_and_types(edge_cases):
    request = Request(APIRequestFactory().get(LIST_URL))
    records = list(CommitmentViewSet(request=request, format_kwarg=None).get_queryset())
    context = {"request": request, "format": None}

    fast = CommitmentRepresentation(context).many(records)
    reference = CommitmentSerializer(records, many=True, context=context).data

    assert len(fast) == len(records) > 40
    for mine, theirs in zip(fast, reference, strict=True):
        assert list(mine) == list(theirs)
        assert mine == theirs
        assert JSONRenderer().render(mine) == JSONRenderer().render(theirs)
