"""Public participation pages: compare side by side, suggest a correction."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.validators import slug_re
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from catalog.models import (
    ActivityCategory,
    Commitment,
    Institution,
    Organisation,
    RelationKind,
    Theme,
)
from catalog.views.catalogue import CommitmentDetailView

from . import alerts, history, ratelimit, services
from .compare import MAX_RECORDS, MIN_RECORDS, comparison_rows
from .forms import SuggestionForm

PICKER_LENGTH = 20


class CompareView(View):
    """`/compare/?r=<slug>&r=<slug>[&r=<slug>]`: two or three published records side by side.

    One slug shows that record and offers records to compare it with. A missing or unpublished
    slug is a 404 page naming it (the same words for both, so nothing about unpublished records
    is revealed); too many or no slugs a 400.
    """

    template_name = "participation/compare.html"

    def get(self, request):
        if any(name != "r" for name in request.GET):
            # The catalogue's compare form also carries its filters (for "Keep ticks"): the
            # comparison's address keeps only the records.
            query = urlencode([("r", value) for value in request.GET.getlist("r")])
            return HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)
        slugs = []
        for slug in request.GET.getlist("r"):
            slug = slug.strip()
            if slug and slug not in slugs:
                slugs.append(slug)
        if any(not slug_re.fullmatch(slug) for slug in slugs):
            # Not a record's address (a NUL byte would even fail the database lookup).
            return self.refuse(request, 400, _("These are not addresses of records."))
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


class SuggestView(View):
    """Suggest a correction: `/commitments/<slug>/suggest/` for a record, `/suggest/` in general.

    No account. Refusals store nothing and answer 4xx with the reason: over the per-address
    rate limit (429), the honeypot filled (400), invalid or oversized fields, too many links
    (400). CSRF is checked by the middleware (403).
    """

    template_name = "participation/suggest.html"

    def record(self, slug):
        if slug is None:
            return None
        return get_object_or_404(Commitment.objects.published(), slug=slug)

    def render_form(self, request, form, commitment, status=200, refusal=None):
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "commitment": commitment,
                "refusal": refusal,
                "retention_days": settings.SUGGESTION_RETENTION_DAYS,
            },
            status=status,
        )

    def get(self, request, slug=None):
        return self.render_form(request, SuggestionForm(), self.record(slug))

    def post(self, request, slug=None):
        commitment = self.record(slug)
        form = SuggestionForm(request.POST)
        if ratelimit.hit("suggest", request):
            minutes = max(1, settings.SUGGESTION_RATE_WINDOW // 60)
            return self.render_form(
                request,
                form,
                commitment,
                status=429,
                refusal=_(
                    "Suggestions cannot be accepted at the moment. Nothing was stored; please "
                    "try again in a few minutes."
                )
                if ratelimit.unavailable()
                else _(
                    "Too many suggestions from your address: at most %(limit)d in %(minutes)d "
                    "minutes. Nothing was stored; please try again later."
                )
                % {"limit": settings.SUGGESTION_RATE_LIMIT, "minutes": minutes},
            )
        if form.is_bot:
            return self.render_form(
                request,
                SuggestionForm(),
                commitment,
                status=400,
                refusal=_(
                    "The field “Leave this field empty” was filled in, so the form looks as if a "
                    "program sent it. Nothing was stored; please send it again with that field "
                    "empty."
                ),
            )
        if not form.is_valid():
            return self.render_form(
                request,
                form,
                commitment,
                status=400,
                refusal=_(
                    "The suggestion was not sent; nothing was stored. See the messages below."
                ),
            )
        suggestion = form.save(commit=False)
        suggestion.commitment = commitment
        suggestion.save()
        return redirect(
            reverse("participation:suggest_sent") + (f"?r={commitment.slug}" if commitment else ""),
            permanent=False,
        )


class SuggestSentView(View):
    def get(self, request):
        slug = request.GET.get("r", "")
        valid = not slug or bool(slug_re.fullmatch(slug))
        commitment = (
            Commitment.objects.published().filter(slug=slug).first() if slug and valid else None
        )
        return render(
            request,
            "participation/suggest_sent.html",
            {
                "commitment": commitment,
                "retention_days": settings.SUGGESTION_RETENTION_DAYS,
            },
            status=200 if valid else 400,
        )


def _published_record(slug):
    return get_object_or_404(
        Commitment.objects.published().select_related("organisation", "adopting_body"), slug=slug
    )


class ChangesView(View):
    """`/commitments/<slug>/changes/`: the record's published versions, newest first."""

    def get(self, request, slug):
        commitment = _published_record(slug)
        versions = list(reversed(history.published_versions(commitment)))
        return render(
            request,
            "participation/changes.html",
            {"commitment": commitment, "versions": versions},
        )


class VersionView(View):
    """`/commitments/<slug>/versions/<id>/`: one published version, read-only, citable.

    Only versions of a record that is public now, and only published versions (anything else
    is a 404, the same as a missing one)."""

    def get(self, request, slug, version_id):
        commitment = _published_record(slug)
        versions = history.published_versions(commitment)
        version = next((v for v in versions if v.id == version_id), None)
        if version is None:
            raise Http404("No such published version.")
        current = versions[-1]
        record = history.as_record(commitment, version)
        fields = version.fields
        themes = list(Theme.objects.filter(pk__in=fields["themes"]).order_by("position", "name"))
        inlines = version.inlines
        evidence_rows = inlines[str(history.INLINES["categoryassignment"][0])]
        categories = ActivityCategory.objects.in_bulk([r["category"] for r in evidence_rows])
        relation_rows = inlines[str(history.INLINES["commitmentrelation"][0])]
        targets = Commitment.objects.published().in_bulk([r["target"] for r in relation_rows])
        kinds = dict(RelationKind.choices)
        bodies = Institution.objects.in_bulk(
            [pk for pk in (fields["adopting_body"],) if pk is not None]
        )
        organisations = Organisation.objects.in_bulk([fields["organisation"]])
        return render(
            request,
            "participation/version.html",
            {
                "commitment": commitment,
                "record": record,
                "version": version,
                "current": current,
                "is_current": version.id == current.id,
                "themes": themes,
                "organisation": organisations.get(fields["organisation"]),
                "adopting_body": bodies.get(fields["adopting_body"]),
                "evidence": [
                    (categories[r["category"]], r)
                    for r in evidence_rows
                    if r["category"] in categories
                ],
                "relations": [
                    (kinds.get(r["kind"], r["kind"]), targets[r["target"]], r)
                    for r in relation_rows
                    if r["target"] in targets
                ],
                "sources": inlines[str(history.INLINES["source"][0])],
                "accessed": timezone.localdate(),
                "citation_official_url": next(
                    (
                        row["url"]
                        for row in inlines[str(history.INLINES["source"][0])]
                        if row.get("is_official")
                    ),
                    "",
                ),
            },
        )


class AlertForm(forms.Form):
    email = forms.EmailField(label=_lazy("Your e-mail address"), max_length=254)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


def _alert_page(request, status=200, **context):
    return render(request, "participation/alerts.html", context, status=status)


class AlertSubscribeView(View):
    """`/alerts/?<catalogue filters>`: subscribe to a saved filter (double opt-in)."""

    def get(self, request):
        query = request.GET.urlencode()
        filters = alerts.describe(query)
        if filters is None:
            return _alert_page(
                request,
                400,
                refusal=_("These filters are not valid, so they cannot be saved."),
            )
        return _alert_page(
            request, form=AlertForm(initial={"query": query}), filters=filters, query=query
        )

    def post(self, request):
        form = AlertForm(request.POST)
        query = request.POST.get("query", "")
        if ratelimit.hit("alerts", request):
            return _alert_page(
                request,
                429,
                refusal=_(
                    "Sign-ups cannot be accepted at the moment. Nothing was stored; please try "
                    "again in a few minutes."
                )
                if ratelimit.unavailable()
                else _("Too many requests from your address. Nothing was stored; try later."),
            )
        filters = alerts.describe(query) if len(query) <= 2000 else None
        if filters is None:
            return _alert_page(
                request,
                400,
                refusal=_(
                    "These filters are not valid, so they cannot be saved. Nothing was stored."
                ),
            )
        if not form.is_valid():
            return _alert_page(
                request,
                400,
                form=form,
                filters=filters,
                query=query,
                refusal=_("Nothing was stored: enter a valid e-mail address."),
            )
        services.subscribe(email=form.cleaned_data["email"], query=query)
        # The same answer whatever the address: nothing tells whether it is subscribed already.
        return _alert_page(request, sent=True)


# A signed, one-time link: never stored by the page cache or any shared cache, so a replay
# reaches the view and is refused. Opening it (GET, HEAD: what a mail client's link scanner
# does) changes nothing; the page's button (POST) confirms.
@method_decorator(never_cache, name="dispatch")
class AlertConfirmView(View):
    def subscription(self, request, token):
        """(subscription, None) or (None, the refusal page)."""
        subscription = alerts.read_token(token, alerts.CONFIRM_SALT, alerts.CONFIRM_MAX_AGE)
        if subscription is None:
            return None, _alert_page(
                request,
                400,
                refusal=_("This confirmation link is not valid or has expired. Nothing changed."),
            )
        if subscription.confirmed_at is not None:
            return None, _alert_page(
                request, 400, refusal=_("This confirmation link was already used.")
            )
        return subscription, None

    def get(self, request, token):
        subscription, refusal = self.subscription(request, token)
        if refusal:
            return refusal
        return _alert_page(
            request, confirm_token=token, filters=alerts.describe(subscription.query)
        )

    def post(self, request, token):
        subscription, refusal = self.subscription(request, token)
        if refusal:
            return refusal
        if not services.confirm(subscription):
            return _alert_page(request, 400, refusal=_("This confirmation link was already used."))
        return _alert_page(request, confirmed=True, filters=alerts.describe(subscription.query))


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(never_cache, name="dispatch")
class AlertUnsubscribeView(View):
    """GET shows a button; POST unsubscribes (also the mail clients' one-click POST, RFC 8058,
    which carries no CSRF token: the signed link is the authority)."""

    def subscription(self, token):
        return alerts.read_token(token, alerts.UNSUBSCRIBE_SALT)

    def get(self, request, token):
        if self.subscription(token) is None:
            return _alert_page(
                request, 404, refusal=_("This link is not valid, or you are already unsubscribed.")
            )
        return _alert_page(request, unsubscribe_token=token)

    def post(self, request, token):
        subscription = self.subscription(token)
        if subscription is None:
            return _alert_page(
                request, 404, refusal=_("This link is not valid, or you are already unsubscribed.")
            )
        subscription.delete()
        return _alert_page(request, unsubscribed=True)
