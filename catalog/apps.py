from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        # Connects the receivers that keep the search index and the aggregate cache current.
        from . import caching, search  # noqa: F401
