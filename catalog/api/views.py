"""The public, read-only API: the published catalogue as JSON and CSV."""

import re

from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action, api_view, permission_classes, throttle_classes
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.routers import APIRootView as BaseAPIRootView
from rest_framework.settings import api_settings

from .. import caching, exports
from ..collation import translated_order
from ..filters import CommitmentFilterSet
from ..models import (
    ActivityCategory,
    CategoryAssignment,
    Commitment,
    Institution,
    Organisation,
    Source,
    Theme,
    published_commitment_count,
)
from . import schema as docs
from . import serializers
from .conditional import ConditionalGetMixin
from .filtering import KnownParametersMixin, StrictFilterBackend
from .pagination import CataloguePagination
from .permissions import ReadOnly
from .renderers import CSVRenderer
from .throttling import AnonymousClientThrottle

SLUG_PATTERN = re.compile(r"[-a-zA-Z0-9_]+")


@extend_schema_view(retrieve=extend_schema(parameters=[docs.SLUG_PATH_PARAMETER]))
class CatalogueViewSet(KnownParametersMixin, ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    # Any path segment reaches the view, so a malformed slug is a JSON 404 like a missing one.
    lookup_value_regex = "[^/]+"
    authentication_classes = [SessionAuthentication]
    permission_classes = [ReadOnly]
    throttle_classes = [AnonymousClientThrottle]
    pagination_class = CataloguePagination
    filter_backends = []
    schema = docs.CatalogueAutoSchema()
    # (header, path in the JSON representation) for the CSV rows; see renderers.CSVRenderer.
    csv_columns = []

    def get_renderers(self):
        renderers = [JSONRenderer(), BrowsableAPIRenderer()]
        if not self.detail:  # lists only (also for methods the API refuses)
            renderers.insert(1, CSVRenderer())
        return renderers

    def get_object(self):
        if not SLUG_PATTERN.fullmatch(self.kwargs.get(self.lookup_field, "")):
            raise NotFound()
        return super().get_object()

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors (and OPTIONS metadata) stay JSON even when CSV was asked for, so a client can
        # read what went wrong.
        # (A kept answer, replayed as a plain HttpResponse, is already rendered.)
        if (
            isinstance(response, Response)
            and isinstance(getattr(request, "accepted_renderer", None), CSVRenderer)
            and not CSVRenderer.can_render(response.data)
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(
        summary=_("List published commitments"),
        description=_(
            "Published commitments, newest first, filtered by the same parameters as the "
            "catalogue page. Add `format=csv` (or send `Accept: text/csv`) for CSV."
        ),
        parameters=docs.commitment_filter_parameters(),
        responses=docs.list_responses(serializers.CommitmentSerializer),
        examples=docs.COMMITMENT_LIST_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary=_("One published commitment"),
        description=_(
            "A published commitment with its body, organisation, themes, categories (with "
            "evidence), sources and relations in both directions."
        ),
        responses=docs.detail_responses(serializers.CommitmentSerializer),
        examples=docs.COMMITMENT_DETAIL_EXAMPLES,
    ),
)
class CommitmentViewSet(CatalogueViewSet):
    serializer_class = serializers.CommitmentSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = CommitmentFilterSet
    csv_columns = exports.API_CSV_COLUMNS["commitments"]
    # A record's kept answer depends on that record (and those related to it) only.
    record_scoped = True

    @extend_schema(
        operation_id="commitments_export",
        summary=_("Export every matching commitment in one request"),
        description=_(
            "Every published commitment matching the filters (not one page), streamed in one "
            "answer: JSON (the default) or CSV with `format=csv` or `Accept: text/csv`. The "
            "same rows as the catalogue page's downloads. Not paginated."
        ),
        parameters=docs.commitment_filter_parameters(),
        responses=docs.EXPORT_RESPONSES,
        filters=True,
        examples=docs.EXPORT_EXAMPLES,
    )
    @action(detail=False, url_path="export", pagination_class=None)
    def export(self, request):
        queryset = self.filter_queryset(
            Commitment.objects.for_listing().with_classification().newest_first()
        )
        fmt = "csv" if isinstance(request.accepted_renderer, CSVRenderer) else "json"
        writer = exports.csv_stream if fmt == "csv" else exports.json_stream
        response = StreamingHttpResponse(
            writer(queryset, request), content_type=exports.CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{exports.FILENAME}.{fmt}"'
        response["Link"] = exports.licence_link()
        return response

    def get_list_response(self):
        """The page is chosen on the records' ids alone; each record's representation (the
        serializer's) comes from the cache, kept for the record as it is now (its own stamp,
        `caching.record_stamps`: an edit of another record leaves it valid), its addresses'
        base and format and the language; only the records missing from it are loaded with
        everything they nest and serialized."""
        records = Commitment.objects.published().only("pk", "updated_at").newest_first()
        page = self.paginate_queryset(self.filter_queryset(records))
        if page is None:
            return super().get_list_response()

        def load(missing):
            full = list(self.get_queryset().filter(pk__in=missing))
            data = self.get_serializer(full, many=True).data
            return {record.pk: row for record, row in zip(full, data, strict=True)}

        keys = {record.pk: record.updated_at for record in page}
        found = caching.cached_records("api-commitment", self.representation_parts(), keys, load)
        return self.get_paginated_response([found[pk] for pk in keys])

    def representation_parts(self):
        """What a record's representation depends on besides the record: the host and scheme
        of its absolute addresses, the format they keep (`?format=` or a suffix), the
        language of its labels and texts and whether every language is asked for."""
        request = self.request
        return (
            request.build_absolute_uri("/"),
            self.format_kwarg,
            request.query_params.get(api_settings.URL_FORMAT_OVERRIDE),
            translation.get_language(),
            serializers.wants_translations(request),
        )

    def get_queryset(self):
        return (
            Commitment.objects.for_listing()
            .with_public_relations()
            .prefetch_related(
                "themes",
                Prefetch(
                    "category_assignments",
                    CategoryAssignment.objects.select_related("category"),
                ),
                Prefetch("sources", Source.objects.public()),
            )
            .newest_first()
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("List institutions"),
        description=_("The bodies of every organisation, each with its parent and sub-bodies."),
        responses=docs.list_responses(serializers.InstitutionSerializer),
    ),
    retrieve=extend_schema(
        summary=_("One institution"),
        responses=docs.detail_responses(serializers.InstitutionSerializer),
    ),
)
class InstitutionViewSet(CatalogueViewSet):
    serializer_class = serializers.InstitutionSerializer
    csv_columns = exports.API_CSV_COLUMNS["institutions"]

    def get_queryset(self):
        return (
            Institution.objects.select_related("organisation", "parent")
            .prefetch_related(
                Prefetch(
                    "children", Institution.objects.order_by("position", translated_order("name"))
                )
            )
            .annotate(published_commitment_count=published_commitment_count("adopting_body"))
            .order_by(translated_order("organisation__name"), "position", translated_order("name"))
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("List organisations"),
        description=_("The OSCE (the primary organisation) and its partner organisations."),
        responses=docs.list_responses(serializers.OrganisationSerializer),
    ),
    retrieve=extend_schema(
        summary=_("One organisation"),
        responses=docs.detail_responses(serializers.OrganisationSerializer),
    ),
)
class OrganisationViewSet(CatalogueViewSet):
    serializer_class = serializers.OrganisationSerializer
    csv_columns = exports.API_CSV_COLUMNS["organisations"]

    def get_queryset(self):
        return (
            Organisation.objects.prefetch_related(
                Prefetch("partners", Organisation.objects.order_by(translated_order("name")))
            )
            .annotate(published_commitment_count=published_commitment_count("organisation"))
            .order_by("-is_primary", translated_order("name"))
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("List themes"), responses=docs.list_responses(serializers.ThemeSerializer)
    ),
    retrieve=extend_schema(
        summary=_("One theme"), responses=docs.detail_responses(serializers.ThemeSerializer)
    ),
)
class ThemeViewSet(CatalogueViewSet):
    serializer_class = serializers.ThemeSerializer
    csv_columns = exports.API_CSV_COLUMNS["themes"]

    def get_queryset(self):
        return Theme.objects.annotate(
            published_commitment_count=published_commitment_count("themes")
        ).order_by("position", translated_order("name"))


@extend_schema_view(
    list=extend_schema(
        summary=_("List online-activity categories"),
        description=_("The ten categories of terrorist use of the internet."),
        responses=docs.list_responses(serializers.ActivityCategorySerializer),
    ),
    retrieve=extend_schema(
        summary=_("One online-activity category"),
        responses=docs.detail_responses(serializers.ActivityCategorySerializer),
    ),
)
class ActivityCategoryViewSet(CatalogueViewSet):
    serializer_class = serializers.ActivityCategorySerializer
    csv_columns = exports.API_CSV_COLUMNS["categories"]

    def get_queryset(self):
        return ActivityCategory.objects.annotate(
            published_commitment_count=published_commitment_count("activity_categories")
        ).order_by("position", translated_order("name"))


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([])
@throttle_classes([AnonymousClientThrottle])
def not_found(request, *args, **kwargs):
    raise NotFound()


class APIRootView(BaseAPIRootView):
    """The OSCE Portal's public API: the published catalogue, read-only."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [ReadOnly]
    throttle_classes = [AnonymousClientThrottle]
