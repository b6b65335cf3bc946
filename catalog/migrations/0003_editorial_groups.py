"""Groups Editor and Publisher with least-privilege permissions.

Editors write commitments (and their sources, category evidence and relations) and submit
them for review; they only read the vocabularies and bodies, which are public as soon as
they are saved. Publishers also publish, schedule, unpublish, archive, send back, delete
commitments, and curate organisations, institutions, themes and categories.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COMMITMENT_PARTS = ["source", "categoryassignment", "commitmentrelation"]
REFERENCE_MODELS = ["organisation", "institution", "theme", "activitycategory"]

EDITOR = (
    ["add_commitment", "change_commitment", "view_commitment", "view_statuschange"]
    + [f"{action}_{model}" for model in COMMITMENT_PARTS for action in ("add", "change", "delete", "view")]
    + [f"view_{model}" for model in REFERENCE_MODELS]
)
PUBLISHER = (
    EDITOR
    + ["delete_commitment", "publish_commitment"]
    + [f"{action}_{model}" for model in REFERENCE_MODELS for action in ("add", "change", "delete")]
)


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now.
    app_config = apps.get_app_config("catalog")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Editor", EDITOR), ("Publisher", PUBLISHER)):
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="catalog", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions missing for group {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Publisher"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_editorial_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
