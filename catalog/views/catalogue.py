from django.views.generic import DetailView, ListView

from ..models import Commitment, Organisation


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
