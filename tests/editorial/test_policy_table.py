"""Generated from the one policy table: every role × path × starting status.

For each case the request goes through the real admin URL (a crafted POST: the form data is
what a publisher's page would hold, sent with the role's session), and the outcome must be
what `catalog.editorial.policy` says — applied (ALLOW), stored as pending changes (PENDING) or
refused (DENY) — and nothing else in the database may change.

The users, records and change forms every case starts from are built once for the module
(`stage`); each case still sends its own request and runs in its own transaction.
"""

import copy
from dataclasses import dataclass

import pytest
import reversion
import tablib
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from reversion.models import Revision, Version

from catalog.editorial import pending, policy
from catalog.editorial.policy import ALLOW, DENY, PENDING, Action, Role
from catalog.models import Commitment, PendingChange
from tests.conftest import make_staff
from tests.editorial.conftest import change_url, form_data
from tests.editorial.helpers import commitment_snapshot, database_snapshot
from tests.factories import CommitmentFactory, InstitutionFactory
from tests.resources import built_once

pytestmark = pytest.mark.django_db

ROLES = ["Editor", "Publisher", "staff without group", "anonymous"]
STATUSES = list(policy.STATUSES)
LIST_ACTIONS = {
    "submit_for_review": "in_review",
    "publish": "published",
    "unpublish": "draft",
    "archive": "archived",
    "send_back_to_draft": "draft",
}


class Stand:
    """A user of each role, signed in once for the module; `decide` asks the policy about that
    user. Each test gets a fresh client on the role's session (no cookie a response set in an
    earlier test comes with it)."""

    def __init__(self, django_user_model, role):
        self.user = None
        if role in ("Editor", "Publisher"):
            self.user = make_staff(django_user_model, role.lower(), role)
        elif role == "staff without group":
            self.user = django_user_model.objects.create_user("staffer", is_staff=True)
        self.session_key = None
        if self.user is not None:
            client = Client()
            client.force_login(self.user)
            self.session_key = client.session.session_key

    @property
    def client(self):
        client = Client()
        if self.session_key is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.session_key
        return client

    def decide(self, action, status):
        from django.contrib.auth.models import AnonymousUser

        return policy.decide(self.user or AnonymousUser(), action, status)


@dataclass
class Stage:
    stands: dict  # role -> Stand
    bystander_pk: int
    record_pks: dict  # status -> pk of its record
    forms: dict  # status -> the POST data of the record's change form, as a publisher sees it
    snapshot: dict  # database_snapshot() of all this, what each test starts from


@pytest.fixture(scope="module")
def stage(django_db_setup, django_db_blocker):
    """What every case starts from, built once for the module inside a transaction rolled back
    at its end (like Django's `setUpTestData`): each test runs in its own nested transaction,
    so what its request wrote is undone before the next one. One record per status (the one
    a case acts on) and its change form as a publisher's page holds it (one GET per status,
    not one per case), a bystander, and a signed-in user of each role."""
    from django.contrib.auth import get_user_model

    with built_once(django_db_blocker):
        user_model = get_user_model()
        stands = {role: Stand(user_model, role) for role in ROLES}
        bystander = CommitmentFactory(title="Bystander")
        records = {
            status: CommitmentFactory(
                status=status, title="Title", adopting_body=InstitutionFactory()
            )
            for status in STATUSES
        }
        viewer = Client()
        viewer.force_login(make_staff(user_model, "viewer", "Publisher"))
        forms = {
            status: form_data(viewer.get(change_url(record))) for status, record in records.items()
        }
        translation.activate(settings.LANGUAGE_CODE)
        yield Stage(
            stands,
            bystander.pk,
            {status: record.pk for status, record in records.items()},
            forms,
            database_snapshot(),
        )


def expected_transition(stand, from_status, to_status):
    action = policy.transition_action(from_status, to_status)
    if action is None or stand.decide(action, from_status) != ALLOW:
        return DENY
    edit_status = to_status if from_status == "published" else from_status
    return ALLOW if stand.decide(Action.EDIT, edit_status) == ALLOW else DENY


def path_cases():
    cases = []
    for status in STATUSES:
        cases.append(("change form", status, None))
        cases += [("change form status", status, to) for to in STATUSES if to != status]
        cases.append(("add form", status, None))
        cases += [("list action", status, name) for name in LIST_ACTIONS]
        cases.append(("import without status column", status, None))
        cases.append(("import with status column", status, "published"))
        cases.append(("revert", status, None))
        cases.append(("recover", status, None))
        cases.append(("delete", status, None))
        cases += [("pending", status, name) for name in ("submit", "approve", "reject")]
    return cases


CASES = [(role, *case) for role in ROLES for case in path_cases()]


def import_rows(client, record, with_status):
    headers = ["slug", "title", "kind", "organisation", "adopting_body", "year", "summary"]
    row = [
        record.slug,
        "Imported title",
        record.kind,
        record.organisation.slug,
        record.adopting_body.slug,
        str(record.year),
        record.summary,
    ]
    if with_status:
        headers.append("status")
        row.append("published")
    upload = SimpleUploadedFile(
        "c.csv", tablib.Dataset(row, headers=headers).csv.encode(), content_type="text/csv"
    )
    choice = "file" if with_status else "draft"
    response = client.post(
        "/admin/catalog/commitment/import/",
        {"format": "0", "resource": "0", "import_file": upload, "status": choice},
    )
    form = response.context.get("confirm_form") if response.context else None
    if form is not None:
        client.post(
            "/admin/catalog/commitment/process_import/",
            {name: form[name].value() for name in form.fields},
        )


@pytest.mark.parametrize(("role", "path", "status", "detail"), CASES)
def test_outcome_is_what_the_policy_allows(stage, role, path, status, detail):
    stand = stage.stands[role]
    client = stand.client
    bystander = Commitment.objects.get(pk=stage.bystander_pk)
    record = Commitment.objects.get(pk=stage.record_pks[status])
    assert (record.status, record.title, bystander.title) == (status, "Title", "Bystander")
    check = None  # a function of the live record telling whether the write was applied

    if path == "change form":
        data = copy.deepcopy(stage.forms[status])
        data["title"] = "Changed title"
        before = stage.snapshot  # nothing was written since the module took it
        client.post(change_url(record), data)
        expected = stand.decide(Action.EDIT, status)
        check = lambda live: live.title == "Changed title"  # noqa: E731
        pending_title = "Changed title"
    elif path == "change form status":
        data = copy.deepcopy(stage.forms[status])
        data.update(status=detail, transition_comment="Because")
        before = stage.snapshot  # nothing was written since the module took it
        client.post(change_url(record), data)
        expected = expected_transition(stand, status, detail)
        check = lambda live: live.status == detail  # noqa: E731
    elif path == "add form":
        data = copy.deepcopy(stage.forms[status])
        data.update(slug="added", title="Added", status=status, loaded_version="", symbol="")
        before = stage.snapshot  # nothing was written since the module took it
        client.post("/admin/catalog/commitment/add/", data)
        added = Commitment.objects.filter(slug="added").first()
        if stand.decide(Action.CREATE, status) == ALLOW:
            assert added is not None and added.status == status
            assert database_snapshot(skip_commitments=[added.pk]) == before
        else:
            assert added is None
            assert database_snapshot() == before
        return
    elif path == "list action":
        before = stage.snapshot  # nothing was written since the module took it
        client.post(
            "/admin/catalog/commitment/",
            {
                "action": detail,
                "_selected_action": [record.pk],
                "index": 0,
                "comment": "Because",
            },
        )
        target = LIST_ACTIONS[detail]
        expected = DENY if target == status else expected_transition(stand, status, target)
        check = lambda live: live.status == target  # noqa: E731
    elif path.startswith("import"):
        with_status = path == "import with status column"
        before = stage.snapshot  # nothing was written since the module took it
        import_rows(client, record, with_status)
        expected = stand.decide(Action.IMPORT, status)
        if with_status:
            may_take_status = stand.decide(Action.PUBLISH, "in_review") == ALLOW
            moves = status == "published" or (
                expected_transition(stand, status, "published") == ALLOW
            )
            expected = ALLOW if expected == ALLOW and may_take_status and moves else DENY
            check = lambda live: live.title == "Imported title" and live.status == "published"  # noqa: E731
        else:
            expected = ALLOW if expected == ALLOW else DENY
            check = lambda live: live.title == "Imported title" and live.status == status  # noqa: E731
    elif path == "revert":
        with reversion.create_revision():
            reversion.add_to_revision(record)
        version = Version.objects.get_for_object(record).get()
        Commitment.objects.filter(pk=record.pk).update(title="New title")
        before = database_snapshot()
        client.post(f"/admin/catalog/commitment/{record.pk}/history/{version.pk}/", {"comment": ""})
        expected = stand.decide(Action.REVERT, status)
        check = lambda live: live.title == "Title"  # noqa: E731
        pending_title = "Title"
    elif path == "recover":
        with reversion.create_revision():
            reversion.add_to_revision(record)
        pk = record.pk
        record.delete()
        version = Version.objects.get_deleted(Commitment).get()
        before = database_snapshot()
        revisions = Revision.objects.count()
        client.post(f"/admin/catalog/commitment/recover/{version.pk}/", {"comment": ""})
        if stand.decide(Action.RECOVER, status) == ALLOW:
            assert Commitment.objects.get(pk=pk).status == status
            assert database_snapshot(skip_commitments=[pk]) == before
        else:
            assert not Commitment.objects.filter(pk=pk).exists()
            assert database_snapshot() == before
            assert Revision.objects.count() == revisions
        return
    elif path == "delete":
        before = stage.snapshot  # nothing was written since the module took it
        client.post(f"/admin/catalog/commitment/{record.pk}/delete/", {"post": "yes"})
        gone = not Commitment.objects.filter(pk=record.pk).exists()
        if stand.decide(Action.DELETE, status) == ALLOW:
            assert gone
            assert database_snapshot() == _without(before, record.pk)
        else:
            assert not gone
            assert database_snapshot() == before
        return
    elif path == "pending":
        data = pending.snapshot(record)
        data["fields"]["title_en"] = "Pending title"
        state = "editing" if detail == "submit" else "submitted"
        PendingChange.objects.create(commitment=record, data=data, state=state)
        before = database_snapshot()
        live_before = commitment_snapshot(record.pk)
        client.post(
            f"/admin/catalog/commitment/{record.pk}/pending/",
            {"action": detail, "comment": "Because"},
        )
        action = {
            "submit": Action.SUBMIT_CHANGES,
            "approve": Action.APPROVE_CHANGES,
            "reject": Action.REJECT_CHANGES,
        }[detail]
        change = PendingChange.objects.filter(commitment=record).first()
        if stand.decide(action, status) == ALLOW:
            if detail == "approve":
                assert change is None
                assert Commitment.objects.get(pk=record.pk).title == "Pending title"
            else:
                assert change.state == {"submit": "submitted", "reject": "rejected"}[detail]
                assert commitment_snapshot(record.pk) == live_before
            assert database_snapshot(skip_commitments=[record.pk]) == _without(before, record.pk)
        else:
            assert database_snapshot() == before
        return

    live = Commitment.objects.filter(pk=record.pk).first()
    if expected == ALLOW:
        assert check(live), (role, path, status, detail)
        assert database_snapshot(skip_commitments=[record.pk]) == _without(before, record.pk)
    elif expected == PENDING:
        assert (
            PendingChange.objects.get(commitment=record).data["fields"]["title_en"] == pending_title
        )
        after = database_snapshot()
        after.pop("PendingChange")
        assert after == {k: v for k, v in before.items() if k != "PendingChange"}
    else:
        assert database_snapshot() == before, (role, path, status, detail)
    assert Commitment.objects.get(pk=bystander.pk).title == "Bystander"


def _without(snapshot, pk):
    """`snapshot` as database_snapshot(skip_commitments=[pk]) would have taken it."""
    keep = {}
    for name, rows in snapshot.items():
        owner_key = {"Commitment": "id"}.get(name, "commitment_id")
        keep[name] = [
            row
            for row in rows
            if row.get(owner_key) != pk and pk not in (row.get("source_id"), row.get("target_id"))
        ]
    return keep


def test_the_generated_table_covers_every_role_path_and_status():
    assert len(CASES) == len(ROLES) * len(path_cases())
    assert {role for role, *_rest in CASES} == set(ROLES)
    assert {status for _role, _path, status, _detail in CASES} == set(STATUSES)
    assert len(CASES) == 4 * 4 * (1 + 3 + 1 + 5 + 2 + 3 + 3)


def test_the_policy_gives_staff_without_group_and_anonymous_nothing(stage):
    staffer = stage.stands["staff without group"]
    assert policy.role_of(staffer.user) == Role.NONE
    for action in Action:
        for status in STATUSES:
            assert staffer.decide(action, status) == DENY
