"""Writes as the site makes them, for tests: through the service layer, then the change set's
commit step (a test's transaction never commits, so the step runs when the write ends)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import TestCase

from catalog.editorial import services


def committed():
    """Run the on-commit steps of the writes inside the block when it ends."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def publisher():
    user, created = get_user_model().objects.get_or_create(
        username="test-publisher", defaults={"is_staff": True}
    )
    if created:
        user.groups.add(Group.objects.get(name="Publisher"))
    return user


def move(record, status, **kwargs):
    """Change a record's status (publish, archive, …) as a publisher."""
    with committed():
        return services.transition(record, status, user=publisher(), comment="Test.", **kwargs)


def correct(record, **fields):
    """An immediate correction of a published record's fields (or an edit of another)."""
    with committed():
        return services.save_commitment(
            user=publisher(),
            commitment=record,
            fields=fields,
            correction=record.status == "published",
            comment="Test.",
        ).commitment
