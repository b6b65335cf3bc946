import re

from django.core.paginator import Paginator as DjangoPaginator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from .. import caching
from ..pagination import CataloguePaginator

POSITIVE_INTEGER = re.compile(r"[0-9]+")
# Longer numbers are valid but beyond any page or size; capping avoids converting huge strings.
MAX_DIGITS = 18


class CachedCountPaginator(CataloguePaginator):
    """A paginator whose count is cached under the catalogue version for these filters, or
    read from the facet index when the filters can say it (`indexed_count`)."""

    count_key = None
    indexed_count = None

    @cached_property
    def count(self):
        if self.indexed_count is not None:
            counted = self.indexed_count()
            if counted is not None:
                return counted
        if self.count_key is None:
            return super().count
        return caching.cached("api-count", self.count_key, lambda: DjangoPaginator.count.func(self))


# The parameters that do not change which records match.
NOT_FILTERS = ("page", "page_size", "format", "ordering")


class CataloguePagination(PageNumberPagination):
    """Page-number pagination that refuses bad values instead of quietly correcting them.

    `page` must be a positive integer (a page past the last one is a 404); `page_size` must be
    between 1 and `max_page_size`. Anything else is a 400 naming the parameter.
    """

    page_size = 20
    max_page_size = 100
    page_query_param = "page"
    page_size_query_param = "page_size"
    last_page_strings = ()

    def paginate_queryset(self, queryset, request, view=None):
        # Only the parameters the filters read: `?x=<random>` counts under the same key.
        known = set(getattr(getattr(view, "filterset_class", None), "base_filters", ()))
        filters = sorted(
            (name, tuple(values))
            for name, values in request.query_params.lists()
            if name not in NOT_FILTERS and name in known
        )
        key = (queryset.model._meta.label, getattr(view, "basename", ""), filters)
        indexed = getattr(getattr(view, "applied_filterset", None), "indexed_count", None)
        self.django_paginator_class = type(
            "KeyedPaginator",
            (CachedCountPaginator,),
            {"count_key": key, "indexed_count": staticmethod(indexed) if indexed else None},
        )
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        value = _positive_integer(raw)
        if value is None or value > self.max_page_size:
            raise ValidationError(
                {
                    "errors": {
                        self.page_size_query_param: [
                            _("A whole number from 1 to %(max)s is required; got “%(value)s”.")
                            % {"max": self.max_page_size, "value": raw[:50]}
                        ]
                    }
                }
            )
        return value

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        value = _positive_integer(raw)
        if value is None:
            raise ValidationError(
                {
                    "errors": {
                        self.page_query_param: [
                            _("A whole number of 1 or more is required; got “%(value)s”.")
                            % {"value": raw[:50]}
                        ]
                    }
                }
            )
        return value

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", self.get_next_link()), ("prev", self.get_previous_link()))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        response["X-Total-Count"] = str(self.page.paginator.count)
        return response

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        descriptions = {
            "count": _("How many records match, over all pages."),
            "next": _("The next page's address with the same filters; null on the last page."),
            "previous": _("The previous page's address; null on the first page."),
            "results": _("The records of this page."),
        }
        for name, text in descriptions.items():
            prop = described["properties"][name]
            if isinstance(prop, dict):
                described["properties"][name] = {**prop, "description": str(text)}
        return described

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Page number, from 1. A page after the last one answers 404.")
                ),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Results per page, from 1 to %(max)s (default %(default)s).")
                    % {"max": self.max_page_size, "default": self.page_size}
                ),
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]


def _positive_integer(raw):
    if not POSITIVE_INTEGER.fullmatch(raw):
        return None
    digits = raw.lstrip("0")
    value = 10**MAX_DIGITS if len(digits) > MAX_DIGITS else int(digits or "0")
    return value if value >= 1 else None
