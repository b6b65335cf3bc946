"""The admin: configuration plus thin calls into the editorial service layer.

commitments — the commitment admin (form, inlines, list actions, pending changes);
reference — organisations, institutions, themes, categories; base — conflict-checked forms
and history pages; imports — import pages; compare — revision/pending comparisons.
"""

from . import commitments, reference  # noqa: F401  (registers the model admins)
