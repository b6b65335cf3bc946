from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.negotiation import DefaultContentNegotiation


class StrictFormatNegotiation(DefaultContentNegotiation):
    """A `?format=` the schema does not list — an unknown one, or an empty one that DRF would
    ignore — is refused with a 404 that says why."""

    def select_renderer(self, request, renderers, format_suffix=None):
        name = self.settings.URL_FORMAT_OVERRIDE
        if not format_suffix and name and request.query_params.get(name, None) == "":
            raise Http404(_("The requested format is not offered here."))
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        offered = [renderer for renderer in renderers if renderer.format == format]
        if not offered:
            raise Http404(_("The requested format is not offered here."))
        return offered
