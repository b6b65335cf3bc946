from django.views.generic import DetailView, TemplateView

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


class InstitutionListView(TemplateView):
    template_name = "catalog/institution_list.html"


class ThemeListView(TemplateView):
    template_name = "catalog/theme_list.html"


class CategoryListView(TemplateView):
    template_name = "catalog/category_list.html"


class TimelineView(TemplateView):
    template_name = "catalog/timeline.html"


class MatrixView(TemplateView):
    template_name = "catalog/matrix.html"


class AboutView(TemplateView):
    template_name = "catalog/about.html"
