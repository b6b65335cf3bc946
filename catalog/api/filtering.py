import re

import django_filters
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from ..translation import LANGUAGE_CODES
from .serializers import TRANSLATIONS_PARAMETER

BOOLEAN_VALUES = {"true": "true", "1": "true", "false": "false", "0": "false"}
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, answering invalid values with a 400 that says what is allowed.

    The body is `{"errors": {parameter: [messages]}, "allowed": {parameter: description}}`.
    Booleans are strict (true/false or 1/0): a checkbox would take any other word as "on".
    Numbers (years) must be whole. Unknown parameters are refused by `KnownParametersMixin`.
    """

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        data = kwargs["data"].copy()
        filterset_class = self.get_filterset_class(view, queryset)
        self._early_errors = {}
        for name, filter_ in filterset_class.base_filters.items():
            if name not in data:
                continue
            if isinstance(filter_, django_filters.MultipleChoiceFilter):
                # `theme=` means no theme chosen, as a single-valued empty parameter does.
                data.setlist(name, [value for value in data.getlist(name) if value])
                continue
            value = data.get(name, "")
            if isinstance(filter_, django_filters.BooleanFilter):
                if value.lower() in BOOLEAN_VALUES:
                    data[name] = BOOLEAN_VALUES[value.lower()]
                    continue
                error = _("“%(value)s” is not a boolean.")
            elif isinstance(filter_, django_filters.NumberFilter):
                if not value or WHOLE_NUMBER.fullmatch(value):
                    continue
                error = _("“%(value)s” is not a whole number.")
            else:
                continue
            self._early_errors[name] = [error % {"value": value[:50]}]
            del data[name]
        kwargs["data"] = data
        return kwargs

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        valid = filterset.is_valid()
        errors = dict(self._early_errors)
        if not valid:
            for name, messages in filterset.errors.get_json_data().items():
                errors.setdefault(name, []).extend(message["message"] for message in messages)
        if errors:
            raise ValidationError(
                {
                    "errors": errors,
                    "allowed": {
                        name: allowed_values(filterset.filters.get(name)) for name in errors
                    },
                }
            )
        # The paginator asks it for the count (`CommitmentFilterSet.indexed_count`).
        view.applied_filterset = filterset
        return filterset.qs


def takes_translations(view):
    """Whether the view's answer can carry every language (`?translations=all`): a list or a
    record whose serializer has translated fields."""
    return getattr(view, "action", None) in ("list", "retrieve") and getattr(
        view.get_serializer_class(), "translations_parameter", False
    )


class KnownParametersMixin:
    """Unknown query parameters answer 400 with every accepted one and what it takes.

    A misspelt filter (`?symbl=MC.DEC/7/06`) would otherwise be ignored and every record
    returned, as if the filter had matched them all. Checked after the throttle.
    """

    def accepted_parameters(self, described=True):
        """{parameter: what it accepts} for this request's action (`described=False`: the
        names only, with empty descriptions — what every request checks, without building
        the queryset or describing each filter's values)."""
        accepted = {
            "format": _("json, or csv for lists (an Accept header does the same)."),
            "lang": _(
                "The language of the answer: en, fr, de, it, ru or es "
                "(Accept-Language does the same)."
            ),
        }
        if takes_translations(self):
            accepted[TRANSLATIONS_PARAMETER] = _(
                "all: every language of the translated fields at once, under `translations`."
            )
        if self.detail:
            return accepted
        if self.pagination_class is not None:
            accepted["page"] = _("A page number, from 1.")
            accepted["page_size"] = _("Records per page, from 1 to %(max)s.") % {
                "max": self.pagination_class.max_page_size
            }
        for backend in self.filter_backends:
            if isinstance(backend, type) and issubclass(backend, DjangoFilterBackend):
                filterset_class = getattr(self, "filterset_class", None)
                if filterset_class is None or described:
                    filterset_class = backend().get_filterset_class(self, self.get_queryset())
                for name, filter_ in (
                    filterset_class.base_filters if filterset_class else {}
                ).items():
                    accepted[name] = allowed_values(filter_) if described else ""
        return accepted

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        accepted = self.accepted_parameters(described=False)
        unknown = sorted(set(request.query_params) - set(accepted))
        language = request.query_params.get("lang")
        if language is not None and language not in LANGUAGE_CODES:
            raise ValidationError(
                {
                    "errors": {
                        "lang": [_("One of: %(choices)s.") % {"choices": ", ".join(LANGUAGE_CODES)}]
                    }
                }
            )
        value = request.query_params.get(TRANSLATIONS_PARAMETER)
        if TRANSLATIONS_PARAMETER in accepted and value is not None and value != "all":
            raise ValidationError(
                {"errors": {TRANSLATIONS_PARAMETER: [_("The only value is “all”.")]}}
            )
        if unknown:
            accepted = self.accepted_parameters()
            message = _("Unknown parameter. Accepted: %(names)s.") % {"names": ", ".join(accepted)}
            raise ValidationError(
                {"errors": {name[:50]: [message] for name in unknown}, "allowed": accepted}
            )


# The API list each model-choice parameter takes its slugs from.
SLUG_LISTS = {
    "Institution": "api:institution-list",
    "Organisation": "api:organisation-list",
    "Theme": "api:theme-list",
    "ActivityCategory": "api:category-list",
}


def allowed_values(filter_):
    """A short description of the values a filter accepts, for error messages."""
    if filter_ is None:
        return ""
    if isinstance(filter_, django_filters.BooleanFilter):
        return _("true or false")
    if isinstance(
        filter_, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter
    ):
        model = filter_.queryset.model
        listing = SLUG_LISTS.get(model.__name__)
        text = _("The slug (id) of an existing %(model)s") % {"model": model._meta.verbose_name}
        if listing:
            text += _(", as listed at %(url)s") % {"url": reverse(listing)}
        if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
            text += _("; repeat the parameter for several")
        return text + "."
    if isinstance(filter_, django_filters.ChoiceFilter | django_filters.MultipleChoiceFilter):
        choices = ", ".join(str(value) for value, _label in filter_.extra["choices"])
        return _("One of: %(choices)s.") % {"choices": choices}
    if isinstance(filter_, django_filters.NumberFilter):
        return _("A year from %(min)s to %(max)s.") % {
            "min": filter_.extra.get("min_value"),
            "max": filter_.extra.get("max_value"),
        }
    if isinstance(filter_, django_filters.CharFilter):
        return _("Text of at most %(max)s characters.") % {"max": filter_.extra.get("max_length")}
    return str(filter_.extra.get("help_text", ""))
