"""Date formats where the portal's house style differs from Django's for a language (the
others use Django's own: "12 mars 2006", "12. März 2006", "12 марта 2006 г.",
"12 de marzo de 2006"). Templates write dates with DATE_FORMAT (`|date` without an argument)
or DATETIME_FORMAT, never with a fixed pattern."""

from django.utils.translation import gettext_noop

# The month names of DATE_FORMAT ("F") are Django's translations; these entries let the
# portal's catalogs correct them where the house style differs (Italian writes months in lower
# case: "12 marzo 2006", Django's catalog has "Marzo").
MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
