"""Public participation pages: compare side by side."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from catalog.models import Commitment
from catalog.views.catalogue import CommitmentDetailView

from .compare import MAX_RECORDS, MIN_RECORDS, comparison_rows

PICKER_LENGTH = 20


class CompareView(View):
    """`/compare/?r=<slug>&r=<slug>[&r=<slug>]`: two or three published records side by side.

    One slug shows that record and offers records to compare it with. A missing or unpublished
    slug is a 404 page naming it (the same words for both, so nothing about unpublished records
    is revealed); too many or no slugs a 400.
    """

    template_name = "participation/compare.html"

    def get(self, request):
        slugs = []
        for slug in request.GET.getlist("r"):
            slug = slug.strip()
            if slug and slug not in slugs:
                slugs.append(slug)
        if not slugs or len(slugs) > MAX_RECORDS:
            return self.refuse(
                request,
                400,
                _("Choose two or three records to compare (you chose %(count)d).")
                % {"count": len(slugs)},
            )
        found = {
            c.slug: c
            for c in CommitmentDetailView.with_page_data(Commitment.objects.published()).filter(
                slug__in=slugs
            )
        }
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            return self.refuse(request, 404, None, missing=missing)
        commitments = [found[slug] for slug in slugs]
        context = {"commitments": commitments, "slugs": slugs}
        if len(commitments) < MIN_RECORDS:
            context["candidates"] = self.candidates(commitments[0])
        else:
            context["rows"] = comparison_rows(commitments)
            context["differences"] = sum(1 for row in context["rows"] if row["differs"])
        return render(request, self.template_name, context)

    @staticmethod
    def candidates(commitment):
        """Records to offer for comparison: its related documents, then the newest records of
        the same adopting body (one query)."""
        related = [r.target for r in commitment.public_outgoing] + [
            r.source for r in commitment.public_incoming
        ]
        seen = {commitment.pk}
        offered = []
        for other in related:
            if other.pk not in seen:
                seen.add(other.pk)
                offered.append(other)
        same_body = (
            Commitment.objects.for_listing()
            .filter(adopting_body=commitment.adopting_body_id)
            .exclude(pk__in=seen)
            .newest_first()[:PICKER_LENGTH]
        )
        return offered + list(same_body)

    def refuse(self, request, status, message, missing=()):
        return render(
            request,
            "participation/compare_error.html",
            {"message": message, "missing": missing},
            status=status,
        )
