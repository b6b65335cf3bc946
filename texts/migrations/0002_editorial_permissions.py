"""Editors and publishers work on texts, paragraphs and provisions (the policy decides what
each may do to a record in each status; see texts.services)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["text", "paragraph", "provision"]
CODENAMES = [
    f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("texts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="texts", codename__in=CODENAMES)
    for name in ("Editor", "Publisher"):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Publisher"]):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="texts", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("texts", "0001_texts_paragraphs_provisions"),
        ("catalog", "0003_editorial_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
