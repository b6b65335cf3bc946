import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_create_local_admin_prints_a_working_random_password_once(capsys):
    call_command("create_local_admin")
    output = capsys.readouterr().out
    password = output.split("password: ")[1].split()[0]
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)
    assert len(password) >= 16

    call_command("create_local_admin")
    assert capsys.readouterr().out == ""
    assert get_user_model().objects.count() == 1
