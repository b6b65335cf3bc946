"""Official texts of commitments, their paragraphs, and the provisions a commitment lists.

A `Text` is one language and version of a commitment's official text (a corrigendum is a new
version; older versions stay citable). It may hold only an address (the seed's pointers), or a
file kept through Django's storage API (`STORAGES["texts"]`: the file system by default,
S3-compatible storage in production) that extraction split into `Paragraph`s with the
document's own numbering and stable anchors. A text reaches the public only when it is live
(approved), its extraction succeeded and its record is published: `Text.objects.public()`.
"""

import hashlib

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from catalog.models import Commitment, TranslatedContent, choice_label


class Language(models.TextChoices):
    """The OSCE's six official languages."""

    EN = "en", _("English")
    FR = "fr", _("French")
    DE = "de", _("German")
    IT = "it", _("Italian")
    RU = "ru", _("Russian")
    ES = "es", _("Spanish")


# The PostgreSQL text search configuration that stems each language.
SEARCH_CONFIGS = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "it": "italian",
    "ru": "russian",
    "es": "spanish",
}


class _TextsStorage(LazyObject):
    """`STORAGES["texts"]`, looked up when first used and again after the setting changes.

    A FileField calls its storage callable once, when the model class is made; returning
    `storages["texts"]` itself would pin the storage configured at import time (tests and
    `override_settings` could not move the files elsewhere)."""

    def _setup(self):
        self._wrapped = storages["texts"]


_texts_storage = _TextsStorage()


@receiver(setting_changed)
def _forget_texts_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _texts_storage._wrapped = empty


def texts_storage():
    return _texts_storage


def text_file_name(text, filename):
    extension = "pdf" if text.media_type == Text.MediaType.PDF else "html"
    return f"texts/{text.commitment_id}/{text.language}/{text.sha256}.{extension}"


class TextManager(models.Manager):
    def get_by_natural_key(self, commitment_slug, language, url):
        return self.get(commitment__slug=commitment_slug, language=language, url=url)


class TextQuerySet(models.QuerySet):
    def public(self):
        """The one definition of a public text: approved, extracted, of a published record."""
        return self.filter(
            state=Text.State.LIVE,
            extraction=Text.Extraction.DONE,
            commitment__in=Commitment.objects.published(),
        )

    def reading_order(self):
        return self.order_by("language", "-version_position")


class Text(models.Model):
    class State(models.TextChoices):
        ADDRESS = "address", _("address only (no file yet)")
        PENDING = "pending", _("awaiting approval")
        LIVE = "live", _("live")
        REJECTED = "rejected", _("rejected")
        REPLACED = "replaced", _("replaced by a newer file")

    class Extraction(models.TextChoices):
        NONE = "none", _("no file")
        QUEUED = "queued", _("queued")
        DONE = "done", _("extracted")
        FAILED = "failed", _("failed")
        NEEDS_OCR = "needs_ocr", _("needs OCR (no text layer)")

    class AddressKind(models.TextChoices):
        OFFICIAL = "official", _("official address")
        MIRROR = "mirror", _("copy elsewhere (mirror)")

    class MediaType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        HTML = "text/html", "HTML"

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="texts", verbose_name=_("commitment")
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    version = models.CharField(
        _("version"),
        max_length=40,
        blank=True,
        help_text=_("Empty for the text as first issued; a corrigendum is e.g. “Corr.1”."),
    )
    version_position = models.PositiveSmallIntegerField(
        _("version order"), default=0, help_text=_("0 for the first issue, 1 for Corr.1, …")
    )
    is_original = models.BooleanField(
        _("original language"),
        default=False,
        help_text=_("The language the document was negotiated in; the others are translations."),
    )
    url = models.URLField(
        _("address"), max_length=500, blank=True, help_text=_("Where this copy was read.")
    )
    address_kind = models.CharField(
        _("kind of address"),
        max_length=16,
        choices=AddressKind.choices,
        default=AddressKind.OFFICIAL,
        help_text=_("Only an official address may be fetched as the official text."),
    )
    is_complete = models.BooleanField(
        _("complete text"),
        null=True,
        blank=True,
        help_text=_("Yes: the whole text; no: excerpts; unknown: only part of it was read."),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("What this copy is."))

    file = models.FileField(
        _("file"), storage=texts_storage, upload_to=text_file_name, max_length=300, blank=True
    )
    media_type = models.CharField(
        _("file type"), max_length=32, choices=MediaType.choices, blank=True
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    retrieved_at = models.DateTimeField(_("retrieved"), null=True, blank=True)
    extracted_at = models.DateTimeField(_("extracted"), null=True, blank=True)
    extractor = models.CharField(
        _("extractor"), max_length=80, blank=True, help_text=_("Program and version.")
    )

    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.ADDRESS, db_index=True
    )
    extraction = models.CharField(
        _("extraction"), max_length=16, choices=Extraction.choices, default=Extraction.NONE
    )
    message = models.TextField(
        _("last message"),
        blank=True,
        help_text=_("What happened at the last fetch or extraction (shown to editors only)."),
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaces"),
        help_text=_("The live text this one replaces once approved."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = TextManager.from_queryset(TextQuerySet)()

    class Meta:
        ordering = ["commitment", "language", "version_position", "pk"]
        verbose_name = _("official text")
        verbose_name_plural = _("official texts")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "language", "version"],
                condition=Q(state="live"),
                name="text_one_live_per_language_version",
                violation_error_message=_(
                    "This record already has a live text in this language and version."
                ),
            ),
        ]
        indexes = [models.Index(fields=["commitment", "state"], name="text_record_state_idx")]

    def __str__(self):
        version = f" {self.version}" if self.version else ""
        return f"{self.commitment.symbol or self.commitment.slug} ({self.language}{version})"

    def get_absolute_url(self):
        kwargs = {"slug": self.commitment.slug, "language": self.language}
        if self.version:
            return reverse("texts:reading_version", kwargs={**kwargs, "version": self.version})
        return reverse("texts:reading", kwargs=kwargs)

    def get_file_url(self):
        kwargs = {"slug": self.commitment.slug, "language": self.language}
        if self.version:
            kwargs["version"] = self.version
            return reverse("texts:file_version", kwargs=kwargs)
        return reverse("texts:file", kwargs=kwargs)

    def natural_key(self):
        return (self.commitment.slug, self.language, self.url)

    natural_key.dependencies = ["catalog.commitment"]

    def get_language_display(self):
        return choice_label(Language, self.language)

    @property
    def file_extension(self):
        return "pdf" if self.media_type == self.MediaType.PDF else "html"

    @property
    def download_name(self):
        base = (self.commitment.symbol or self.commitment.slug).replace("/", "-").replace(".", "-")
        version = f"-{self.version}" if self.version else ""
        return f"{base}-{self.language}{version}.{self.file_extension}"

    @staticmethod
    def checksum(data):
        return hashlib.sha256(data).hexdigest()


class Paragraph(models.Model):
    class Kind(models.TextChoices):
        HEADING = "heading", _("heading")
        PREAMBLE = "preamble", _("preambular paragraph")
        OPERATIVE = "operative", _("operative paragraph")
        ANNEX = "annex", _("annex paragraph")
        OTHER = "other", _("paragraph")

    text = models.ForeignKey(Text, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.CharField(
        _("number"),
        max_length=40,
        blank=True,
        help_text=_("As the document numbers it: 5, 2(a), or 1.4 in an annex."),
    )
    anchor = models.SlugField(
        _("anchor"),
        max_length=60,
        help_text=_("Stable fragment of the reading view's address: op-7, pp-3, annex-1-4."),
    )
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    content = models.TextField(_("text"))
    # PostgreSQL only: the words, stemmed with the text's own language (texts.search).
    vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["text", "position"]
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        constraints = [
            models.UniqueConstraint(fields=["text", "anchor"], name="paragraph_unique_anchor"),
            models.UniqueConstraint(fields=["text", "position"], name="paragraph_unique_position"),
        ]

    def __str__(self):
        return f"{self.text} #{self.anchor}"

    def get_absolute_url(self):
        return f"{self.text.get_absolute_url()}#{self.anchor}"

    def get_kind_display(self):
        return choice_label(self.Kind, self.kind)

    @property
    def label(self):
        """How a reader names it: "operative paragraph 5", "preambular paragraph 3"."""
        if self.number:
            return f"{self.get_kind_display()} {self.number}"
        return str(self.get_kind_display())

    @property
    def citation_label(self):
        """The short form used in citations: "para. 3", "preamble, para. 2", "annex 1, para. 4"."""
        if self.kind == self.Kind.OPERATIVE and self.number:
            return f"para. {self.number}"
        if self.kind == self.Kind.PREAMBLE and self.number:
            return f"preamble, para. {self.number}"
        if self.kind == self.Kind.ANNEX and self.number:
            annex, _sep, rest = self.anchor.removeprefix("annex-").partition("-")
            return f"annex {annex}, para. {self.number}" if rest else f"annex {annex}"
        return f"§ {self.anchor}"


class ProvisionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(commitment__in=Commitment.objects.published())


class ProvisionManager(models.Manager):
    def get_by_natural_key(self, commitment_slug, number):
        return self.get(commitment__slug=commitment_slug, number=number)


class Provision(TranslatedContent, models.Model):
    """A numbered item of what a commitment commits to, in the catalogue's own words."""

    class NumberStatus(models.TextChoices):
        STATED = "stated", _("stated in a source")
        INFERRED = "inferred", _("inferred from list order")

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="provisions",
        verbose_name=_("commitment"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    number_status = models.CharField(
        _("number status"),
        max_length=16,
        choices=NumberStatus.choices,
        default=NumberStatus.STATED,
    )
    number_note = models.CharField(
        _("note on the number"), max_length=300, blank=True, help_text=_("Why it is inferred.")
    )
    label = models.CharField(_("label"), max_length=200, help_text=_("A few words, our own."))
    summary = models.TextField(_("summary"), help_text=_("One or two sentences in our own words."))
    source_url = models.URLField(_("source"), max_length=500, help_text=_("What it rests on."))
    number_source_url = models.URLField(
        _("source of the number"),
        max_length=500,
        blank=True,
        help_text=_("The page that states the number, when another one."),
    )
    anchor = models.CharField(
        _("paragraph anchor"),
        max_length=60,
        blank=True,
        help_text=_("The paragraph that holds it in the official texts, e.g. op-3 or annex-1-8."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = ProvisionManager.from_queryset(ProvisionQuerySet)()

    class Meta:
        ordering = ["commitment", "number"]
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "number"], name="provision_unique_number")
        ]

    def __str__(self):
        return f"{self.commitment.symbol or self.commitment.slug} — {self.number}. {self.label}"

    def get_absolute_url(self):
        return f"{self.commitment.get_absolute_url()}#{self.html_id}"

    def natural_key(self):
        return (self.commitment.slug, self.number)

    natural_key.dependencies = ["catalog.commitment"]

    @property
    def html_id(self):
        return f"provision-{self.number}"

    @property
    def is_inferred(self):
        return self.number_status == self.NumberStatus.INFERRED
