"""Public views of official texts: the reading view, one paragraph's citation, the file.

Every view starts from `Text.objects.public()` (approved, extracted, of a published record):
a draft's text, a pending replacement or a rejected file answers 404 like a missing one.
"""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from catalog import citations
from catalog.views.catalogue import CommitmentDetailView

from .models import Language, Paragraph, Text


def public_text(slug, language, version=""):
    if language not in Language.values:
        raise Http404(_("No such language."))
    text = (
        Text.objects.public()
        .select_related("commitment", "commitment__organisation", "commitment__adopting_body")
        .filter(commitment__slug=slug, language=language, version=version)
        .first()
    )
    if text is None:
        raise Http404(_("No official text in this language."))
    return text


def toc_of(paragraphs):
    """The table of contents: headings, and the numbered paragraphs under them."""
    entries = []
    for paragraph in paragraphs:
        if paragraph.kind == Paragraph.Kind.HEADING:
            entries.append({"paragraph": paragraph, "children": []})
        elif paragraph.number and "(" not in paragraph.number:
            if not entries:
                entries.append({"paragraph": None, "children": []})
            entries[-1]["children"].append(paragraph)
    return entries


def with_pages(paragraphs):
    """Mark the paragraphs where a new page starts (`starts_page`)."""
    page = None
    for paragraph in paragraphs:
        paragraph.starts_page = paragraph.page is not None and paragraph.page != page
        page = paragraph.page if paragraph.page is not None else page
    return paragraphs


class ReadingView(TemplateView):
    """A text paragraph by paragraph, with anchors, page numbers and a table of contents;
    `?with=fr` shows a second language beside it, aligned paragraph by paragraph."""

    template_name = "texts/reading.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        text = public_text(
            self.kwargs["slug"], self.kwargs["language"], self.kwargs.get("version", "")
        )
        record = text.commitment
        paragraphs = with_pages(list(text.paragraphs.all()))
        others = list(
            Text.objects.public()
            .filter(commitment=record)
            .exclude(pk=text.pk)
            .order_by("language", "-version_position")
        )
        for other_text in others:
            other_text.commitment = record
        other = None
        wanted = self.request.GET.get("with", "")
        if wanted:
            other = next((t for t in others if t.language == wanted and t.version == ""), None)
            other = other or next((t for t in others if t.language == wanted), None)
            if other is None:
                raise Http404(_("No official text in that language."))
        rows = None
        if other is not None:
            theirs = {p.anchor: p for p in other.paragraphs.all()}
            rows = [(p, theirs.pop(p.anchor, None)) for p in paragraphs]
            rows += [(None, p) for p in theirs.values()]
        context.update(
            {
                "text": text,
                "commitment": record,
                "paragraphs": paragraphs,
                "toc": toc_of(paragraphs),
                "other_texts": others,
                "other": other,
                "rows": rows,
            }
        )
        return context


class ParagraphCiteView(TemplateView):
    """One paragraph with its citation in four formats ("MC.DEC/7/06, para. 3")."""

    template_name = "texts/cite_paragraph.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        text = public_text(
            self.kwargs["slug"], self.kwargs["language"], self.kwargs.get("version", "")
        )
        paragraph = get_object_or_404(text.paragraphs, anchor=self.kwargs["anchor"])
        record = (
            CommitmentDetailView.with_page_data(type(text.commitment).objects.published())
            .filter(pk=text.commitment_id)
            .first()
        )
        if record is None:
            raise Http404
        text.commitment = record
        paragraph.text = text
        citation = citations.citation_for(record, request=self.request).at(
            paragraph.citation_label,
            self.request.build_absolute_uri(paragraph.get_absolute_url()),
            language=text.language,
        )
        context.update(
            {"text": text, "commitment": record, "paragraph": paragraph, "citation": citation}
        )
        return context


class TextFileView(View):
    """The original file of a public text, read through the storage API (never a public
    media folder), as a download."""

    def get(self, request, slug, language, version=""):
        text = public_text(slug, language, version)
        if not text.file:
            raise Http404(_("This text has no file."))
        response = FileResponse(
            text.file.open("rb"),
            as_attachment=True,
            filename=text.download_name,
            content_type=text.media_type,
        )
        # An HTML copy is the organisation's page, not ours: never run it in the site's origin.
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "public, max-age=300"
        response["ETag"] = f'"{text.sha256}"'
        return response
