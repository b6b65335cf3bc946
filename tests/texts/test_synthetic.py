"""The bench's text corpus: synthetic records with a live 20-paragraph text each."""

import pytest
from django.core.management import call_command

from texts.models import Paragraph, Text

pytestmark = pytest.mark.django_db


def test_synthetic_texts_are_public_searchable_and_removable(client, seed):
    call_command("seed_synthetic", count=12, verbosity=0)
    call_command("seed_synthetic_texts", count=12, paragraphs=20, verbosity=0)
    assert Text.objects.public().count() == 12
    assert Paragraph.objects.count() == 240
    text = Text.objects.filter(language="fr").select_related("commitment").first()
    reading = client.get(f"/en/commitments/{text.commitment.slug}/texts/fr/")
    assert reading.status_code == 200 and 'id="op-20"' in reading.content.decode()
    found = client.get("/api/v1/paragraphs/", {"search": "surveiller", "language": "fr"}).json()
    assert found["count"] > 0
    assert {item["language"] for item in found["results"]} == {"fr"}
    call_command("seed_synthetic_texts", delete=True, verbosity=0)
    assert Text.objects.filter(commitment__slug__startswith="synthetic-").count() == 0
