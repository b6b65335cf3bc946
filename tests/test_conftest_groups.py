"""The editorial groups a flush removes come back as the migrations made them (tests/conftest.py
`restore_editorial_groups`): a test's place in the run must not decide what an editor or a
publisher may do. A data migration that grants a permission and is missing from the restorer
fails here, not in whichever test happens to follow a transactional one."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from tests.conftest import restore_editorial_groups

pytestmark = pytest.mark.django_db


def permissions_of_groups():
    return {
        group.name: sorted(
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        )
        for group in Group.objects.filter(name__in=["Editor", "Publisher"])
    }


def test_the_groups_put_back_after_a_flush_are_the_migrated_ones():
    migrated = permissions_of_groups()
    assert sorted(migrated) == ["Editor", "Publisher"]
    assert "catalog.add_thesaurusterm" in migrated["Publisher"]
    assert "catalog.view_thesaurusterm" in migrated["Editor"]
    assert "texts.change_provision" in migrated["Editor"]

    Group.objects.filter(name__in=["Editor", "Publisher"]).delete()
    restore_editorial_groups(sender=apps.get_app_config("texts"))

    assert permissions_of_groups() == migrated
