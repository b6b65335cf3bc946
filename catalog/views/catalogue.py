from django.views.generic import DetailView, ListView

from ..models import ActivityCategory, Commitment, Institution, Organisation, Theme


class HomeView(ListView):
    template_name = "catalog/home.html"
    context_object_name = "commitments"

    def get_queryset(self):
        return Commitment.objects.for_listing().newest_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation"] = Organisation.objects.filter(is_primary=True).first()
        return context


class CommitmentDetailView(DetailView):
    template_name = "catalog/commitment_detail.html"
    context_object_name = "commitment"

    def get_queryset(self):
        return (
            Commitment.objects.published()
            .select_related("organisation", "adopting_body")
            .with_public_relations()
        )


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
