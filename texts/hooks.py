"""What the texts app adds to the catalogue's record page and search (see catalog.extensions)."""

from catalog import extensions

from .models import Paragraph, Provision, Text


def current_texts(record):
    """The record's live, extracted texts: {language: [texts, newest version first]}, in the
    order of the six languages with the original first."""
    texts = list(
        Text.objects.filter(
            commitment=record, state=Text.State.LIVE, extraction=Text.Extraction.DONE
        ).order_by("language", "-version_position", "-pk")
    )
    by_language = {}
    for text in texts:
        text.commitment = record
        by_language.setdefault(text.language, []).append(text)
    order = [code for code, _label in Text._meta.get_field("language").choices]
    return dict(
        sorted(
            by_language.items(),
            key=lambda item: (not item[1][0].is_original, order.index(item[0])),
        )
    )


def record_page_part(record):
    texts = current_texts(record)
    current = [versions[0] for versions in texts.values()]
    anchors = {}
    if current:
        for text_id, anchor in Paragraph.objects.filter(text__in=current).values_list(
            "text_id", "anchor"
        ):
            anchors.setdefault(anchor, set()).add(text_id)
    provisions = list(record.provisions.all())
    for provision in provisions:
        provision.commitment = record
        provision.texts = [
            text
            for text in current
            if provision.anchor and text.pk in anchors.get(provision.anchor, ())
        ]
    pdf = next((t for t in current if t.media_type == Text.MediaType.PDF), None)
    return {
        "official_texts": current,
        "older_text_versions": [t for versions in texts.values() for t in versions[1:]],
        "provisions": provisions,
        "citation_pdf_path": pdf.get_file_url() if pdf else "",
    }


extensions.record_page_parts.append(record_page_part)
# The reading view's parallel text (`?with=fr`).
extensions.page_parameters.add("with")


def provision_words(ids):
    """Each record's provisions (label and summary) as words of its own search entry."""
    words = {}
    for commitment_id, label, summary in Provision.objects.filter(
        commitment_id__in=ids
    ).values_list("commitment_id", "label", "summary"):
        words[commitment_id] = f"{words.get(commitment_id, '')} {label}. {summary}".strip()
    return words


extensions.search_document_parts.append(provision_words)
