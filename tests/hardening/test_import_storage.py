"""Uploaded imports wait in the cache under a signed key: a confirmation naming anything
else reads and deletes nothing, and abandoned previews expire."""

import datetime
import os
import tempfile

import pytest
import tablib
import time_machine
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog import import_storage
from catalog.models import Commitment
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

IMPORT = "/admin/catalog/commitment/import/"
PROCESS = "/admin/catalog/commitment/process_import/"
HEADERS = ["slug", "title", "kind", "organisation", "adopting_body", "year", "summary"]


@pytest.fixture
def publisher_client(client):
    user = User.objects.create_user("publisher", password="a long test password", is_staff=True)
    user.groups.add(Group.objects.get(name="Publisher"))
    client.force_login(user)
    return client


@pytest.fixture
def upload():
    body = InstitutionFactory(acronym="MC")
    organisation = body.organisation.slug
    rows = [("imported-1", "Imported decision", "decision", organisation, "MC", 2020, "S.")]
    return tablib.Dataset(*rows, headers=HEADERS).csv.encode()


def preview(client, content):
    response = client.post(
        IMPORT,
        {
            "format": "0",
            "resource": "0",
            "status": "draft",
            "import_file": SimpleUploadedFile("c.csv", content, content_type="text/csv"),
        },
    )
    form = response.context["confirm_form"]
    return {name: form[name].value() for name in form.fields}


@pytest.fixture
def victim_file():
    """A file in the temporary folder that a crafted confirmation might name."""
    handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    handle.write("slug,title,kind\nvictim,Victim,decision\n")
    handle.close()
    yield handle.name
    if os.path.exists(handle.name):
        os.remove(handle.name)


def test_preview_keeps_the_upload_out_of_the_temporary_folder(publisher_client, upload):
    data = preview(publisher_client, upload)
    name = data["import_file_name"]
    assert not os.path.exists(os.path.join(tempfile.gettempdir(), name))
    assert cache.get(import_storage.SignedCacheStorage(name=name)._key()) == upload


@pytest.mark.parametrize("form", ["basename", "absolute", "traversal"])
def test_a_confirmation_naming_another_file_reads_and_deletes_nothing(
    publisher_client, upload, victim_file, form
):
    data = preview(publisher_client, upload)
    real_name = data["import_file_name"]
    data["import_file_name"] = {
        "basename": os.path.basename(victim_file),
        "absolute": victim_file,
        "traversal": "../" * 5 + victim_file.lstrip("/"),
    }[form]
    response = publisher_client.post(PROCESS, data, follow=True)

    assert response.status_code == 200
    assert "could not be read again" in response.content.decode()
    assert os.path.exists(victim_file)  # not deleted
    assert not Commitment.objects.filter(slug__in=["victim", "imported-1"]).exists()
    # The real preview is untouched and still confirms.
    data["import_file_name"] = real_name
    publisher_client.post(PROCESS, data, follow=True)
    assert Commitment.objects.filter(slug="imported-1").exists()


def test_a_tampered_key_reads_and_deletes_nothing(publisher_client, upload):
    data = preview(publisher_client, upload)
    real_name = data["import_file_name"]
    real_key = import_storage.SignedCacheStorage(name=real_name)._key()
    token, _, signature = real_name.rpartition(":")
    data["import_file_name"] = f"{token}:{signature[::-1]}"

    publisher_client.post(PROCESS, data, follow=True)

    assert not Commitment.objects.filter(slug="imported-1").exists()
    assert cache.get(real_key) == upload


def test_confirming_removes_the_preview(publisher_client, upload):
    data = preview(publisher_client, upload)
    key = import_storage.SignedCacheStorage(name=data["import_file_name"])._key()
    publisher_client.post(PROCESS, data, follow=True)
    assert Commitment.objects.filter(slug="imported-1").exists()
    assert cache.get(key) is None


def test_abandoned_previews_expire(publisher_client, upload, settings):
    settings.IMPORT_PREVIEW_SECONDS = 600
    data = preview(publisher_client, upload)
    key = import_storage.SignedCacheStorage(name=data["import_file_name"])._key()
    assert cache.get(key) is not None
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=601)):
        assert cache.get(key) is None
        response = publisher_client.post(PROCESS, data, follow=True)
    assert "could not be read again" in response.content.decode()
    assert not Commitment.objects.filter(slug="imported-1").exists()
