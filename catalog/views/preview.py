"""Staff previews in the public page template: any record, and a record's pending changes."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from ..editorial import pending
from ..models import Commitment, PendingChange
from .catalogue import CommitmentDetailView


class CommitmentPreviewView(CommitmentDetailView):
    """Any commitment, whatever its status, in the public page template, marked as a preview.

    Staff who may view commitments only; everyone else gets a 404, so the address does not
    even reveal that an unpublished record exists.
    """

    cache_page_data = False

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_active and user.is_staff and user.has_perm("catalog.view_commitment")):
            raise Http404(_("No such page."))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.with_page_data(Commitment.objects.all())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = True
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response


class PendingPreviewView(CommitmentPreviewView):
    """The pending version of a published record, as its public page would show it once
    approved. Built in memory from the pending data: nothing is written."""

    def get_object(self, queryset=None):
        live = super().get_object(queryset)
        change = get_object_or_404(PendingChange, commitment=live)
        return pending.build(live, change.data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_pending_preview"] = True
        return context
