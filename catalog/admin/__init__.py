"""The admin: configuration plus thin calls into the editorial service layer.

commitments — the commitment admin (form, inlines, list actions, pending changes);
reference — organisations, institutions, themes, categories; base — conflict-checked forms
and history pages; imports — import pages; compare — revision/pending comparisons.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import commitments, reference  # noqa: F401  (registers the model admins)

admin.site.site_header = _("OSCE Portal editing")
admin.site.site_title = _("OSCE Portal editing")
admin.site.index_title = _("Catalogue and editorial desk")
