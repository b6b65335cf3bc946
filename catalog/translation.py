"""Content fields with one column per language (django-modeltranslation).

`title` becomes `title_en`, `title_fr`, … `title_es`; reading `record.title` gives the active
language's column, or the English one when that is empty (MODELTRANSLATION_FALLBACK_LANGUAGES).
The original column (`title`) is kept as a copy of the English text (`_mirror_and_stamp`), so
nothing that reads it directly is ever left with another language.

Writes name the language: the services write `title_en` for "title" (`language_field`), never
`record.title = …`, which would write the active language's column.

Official names of bodies are not here: they come only from sourced data (`names` and
`name_sources` on Organisation and Institution, `OfficialNames`), the one source of truth for
them; our own texts about the bodies (an organisation's overview, a body's description) are.
"""

import functools
import hashlib

from django.conf import settings
from django.db.models import Q
from django.db.models.signals import pre_save
from django.utils import translation
from django.utils.functional import cached_property
from modeltranslation.translator import NotRegistered, TranslationOptions, register, translator
from reversion.models import Version

from .models import ActivityCategory, Commitment, Institution, Organisation, Theme

SOURCE_LANGUAGE = settings.LANGUAGE_CODE
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
OTHER_LANGUAGES = [code for code in LANGUAGE_CODES if code != SOURCE_LANGUAGE]


@register(Commitment)
class CommitmentTranslation(TranslationOptions):
    fields = ("title", "short_title", "summary")


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("overview",)


@register(Institution)
class InstitutionTranslation(TranslationOptions):
    fields = ("description",)


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ActivityCategory)
class ActivityCategoryTranslation(TranslationOptions):
    fields = ("name", "scope_note")


@functools.cache
def translated_fields(model):
    """The translatable fields of `model` (("title", "summary"), …), () for any other model."""
    try:
        return tuple(translator.get_options_for_model(model).get_field_names())
    except NotRegistered:
        return ()


def language_field(name, language=SOURCE_LANGUAGE):
    """`title` → `title_en` (or `title_<language>`)."""
    return f"{name}_{language}"


def content_field(model, name):
    """The column a write of `name` means: "title" is the English (`title_en`); any other
    name (`title_fr`, `slug`) is itself."""
    return language_field(name) if name in translated_fields(model) else name


def is_language_field(model, attname):
    """Whether `attname` is one of `model`'s per-language columns (`title_fr`)."""
    base, _sep, code = attname.rpartition("_")
    return code in LANGUAGE_CODES and base in translated_fields(model)


OUTDATED = "outdated"


def fingerprint(text):
    return hashlib.sha256((text or "").strip().encode()).hexdigest()[:16]


def translation_state(record, name, language):
    """ "missing", "outdated" (the English changed after the translation was saved) or "current"
    for the `language` translation of `record`'s field `name`."""
    if not getattr(record, language_field(name, language)):
        return "missing"
    stamp = (record.translation_sources or {}).get(name, {}).get(language)
    english = getattr(record, language_field(name))
    if stamp and stamp.get("source") != fingerprint(english):
        return "outdated"
    return "current"


# What a record needs translated before its page reads fully in a language: the fields every
# record has (a short title or a description may be empty in English too).
ESSENTIAL = {Commitment: ("title", "summary"), Theme: ("name",), ActivityCategory: ("name",)}


def missing_q(model, language):
    """Records lacking an essential translation in `language` (a Q on `model`)."""
    query = Q()
    for name in ESSENTIAL.get(model, translated_fields(model)[:1]):
        column = language_field(name, language)
        query |= Q(**{f"{column}__isnull": True}) | Q(**{column: ""})
    return query


def outdated_q(language=None):
    """Records with a translation (in `language`, or in any) older than its English."""
    if language is None:
        return Q(translation_sources__has_key=OUTDATED)
    return Q(**{f"translation_sources__{OUTDATED}__icontains": f'"{language}"'})


def _mirror_and_stamp(sender, instance, raw=False, **kwargs):
    """Before every save (services, imports, reverts, fixtures): the original column holds the
    English text, and each translation records the English it was made from.

    A translation whose text changed since its stamp (or that has none) is stamped with the
    English text as it is now; an unchanged translation keeps its stamp, so a later change of
    the English shows it out of date (translation_state)."""
    names = translated_fields(sender)
    if not names:
        return
    stamps = dict(instance.translation_sources or {})
    for name in names:
        english = getattr(instance, language_field(name))
        if english is None:  # modeltranslation's columns are nullable; the English is text
            english = ""
            setattr(instance, language_field(name), english)
        instance.__dict__[name] = english
        field_stamps = dict(stamps.get(name) or {})
        for language in OTHER_LANGUAGES:
            text = getattr(instance, language_field(name, language))
            if not text:
                field_stamps.pop(language, None)
                continue
            stamp = field_stamps.get(language) or {}
            if stamp.get("text") != fingerprint(text):
                field_stamps[language] = {"source": fingerprint(english), "text": fingerprint(text)}
        if field_stamps:
            stamps[name] = field_stamps
        else:
            stamps.pop(name, None)
    # The languages with a translation older than its English, for the editor's desk (a
    # key it can filter on in SQL on both databases: `translation_sources__has_key`).
    outdated = sorted(
        {
            language
            for name in names
            for language, stamp in (stamps.get(name) or {}).items()
            if stamp.get("source") != fingerprint(getattr(instance, language_field(name)))
        }
    )
    if outdated:
        stamps[OUTDATED] = outdated
    else:
        stamps.pop(OUTDATED, None)
    instance.translation_sources = stamps


for _model in (Commitment, Organisation, Institution, Theme, ActivityCategory):
    pre_save.connect(_mirror_and_stamp, sender=_model, dispatch_uid=f"translations-{_model}")


def _read_revisions_in_english():
    """A stored revision is read (deserialized) in English, whatever the request's language.

    Revisions made before the content had a column per language hold the English as `title`;
    modeltranslation's constructor puts such a value in the ACTIVE language's column, so a
    French editor's revert, comparison or history page would read the old English as French.
    Revisions made since name every column and read the same in any language. django-reversion
    deserializes in one place (`Version._object_version`, cached per version): wrap it."""
    original = Version.__dict__["_object_version"].real_func

    def _object_version(self):
        with translation.override(SOURCE_LANGUAGE):
            return original(self)

    patched = cached_property(_object_version)
    patched.__set_name__(Version, "_object_version")
    Version._object_version = patched


_read_revisions_in_english()
