from django.views.generic import DetailView

from ..models import ActivityCategory, Commitment, Institution, Organisation, Theme


class PublishedCommitmentsMixin:
    """Adds the published commitments linked to the object, for the detail pages."""

    commitment_lookup = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["commitments"] = (
            Commitment.objects.for_listing()
            .filter(**{self.commitment_lookup: self.object})
            .newest_first()
        )
        return context


class InstitutionDetailView(PublishedCommitmentsMixin, DetailView):
    model = Institution
    commitment_lookup = "adopting_body"
    template_name = "catalog/institution_detail.html"
    context_object_name = "institution"


class OrganisationDetailView(PublishedCommitmentsMixin, DetailView):
    model = Organisation
    commitment_lookup = "organisation"
    template_name = "catalog/organisation_detail.html"
    context_object_name = "organisation"


class ThemeDetailView(PublishedCommitmentsMixin, DetailView):
    model = Theme
    commitment_lookup = "themes"
    template_name = "catalog/theme_detail.html"
    context_object_name = "theme"


class CategoryDetailView(PublishedCommitmentsMixin, DetailView):
    model = ActivityCategory
    commitment_lookup = "activity_categories"
    template_name = "catalog/category_detail.html"
    context_object_name = "category"
