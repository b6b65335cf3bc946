"""The change lists show their Import, Export and "Recover deleted" buttons, and each leads
where it says: found on the rendered list and followed, as an editor would click them."""

import re

import pytest
from django.urls import reverse

from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

OBJECT_TOOLS = re.compile(r'<ul class="object-tools">(.*?)</ul>', re.S)
LINK = re.compile(r"<a href=[\"']([^\"']+)[\"'][^>]*>\s*([^<]+?)\s*</a>")


def buttons(client, model):
    html = client.get(reverse(f"admin:catalog_{model}_changelist")).content.decode()
    (tools,) = OBJECT_TOOLS.findall(html)
    return {label: href for href, label in LINK.findall(tools)}


@pytest.mark.parametrize("model", ["commitment", "institution"])
def test_change_list_offers_import_export_and_recover(publisher_client, model):
    labels = buttons(publisher_client, model)
    assert {"Import", "Export"} <= set(labels)
    assert any(label.startswith("Recover deleted") for label in labels)


@pytest.mark.parametrize(
    ("label", "landing"),
    [
        ("Import", "File to import"),
        ("Export", "Format"),
        ("Recover deleted commitments", "Choose a date from the list below to recover"),
    ],
)
def test_each_commitment_list_button_leads_to_its_page(publisher_client, label, landing):
    CommitmentFactory()
    href = buttons(publisher_client, "commitment")[label]
    response = publisher_client.get(href)
    assert response.status_code == 200
    assert landing in response.content.decode()


def test_an_editor_sees_the_buttons_too(editor_client):
    assert {"Import", "Export"} <= set(buttons(editor_client, "commitment"))
