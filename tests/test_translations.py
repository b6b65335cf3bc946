"""The interface catalogs (locale/<language>/LC_MESSAGES/django.po): complete, not fuzzy, in
step with the source, compiled; and the site really speaks each language."""

import ast
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR, "locale")
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# The same folders `make messages` leaves out (Makefile, MESSAGES_IGNORE).
IGNORED = [".venv", "tests", "scripts", "staticfiles", "docs", "deploy", "node_modules"]

needs_gettext = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgfmt") is None,
    reason="GNU gettext is not installed (apt-get install gettext)",
)


def entries(path):
    """[(msgctxt, msgid, msgid_plural, [msgstr…], flags)] of a .po file (header left out)."""
    found, entry, field = [], None, None

    def close():
        if entry and entry["msgid"] != "":
            found.append(
                (
                    entry.get("msgctxt"),
                    entry["msgid"],
                    entry.get("msgid_plural"),
                    [entry[key] for key in sorted(entry) if key.startswith("msgstr")],
                    entry.get("flags", ""),
                )
            )

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            close()
            entry, field = {"flags": line[2:]}, None
        elif line.startswith("#"):
            continue
        elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line):
            keyword, text = match.groups()
            if keyword in ("msgctxt", "msgid") and (entry is None or "msgid" in entry):
                close()
                entry = {"flags": entry["flags"]} if entry and "msgid" not in entry else {}
            field = keyword
            entry[field] = ast.literal_eval(text)
        elif line.startswith('"') and field:
            entry[field] += ast.literal_eval(line)
        elif not line.strip():
            field = None
    close()
    return found


def catalog(code):
    return LOCALE / code / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_entry_is_translated_and_none_is_fuzzy(code):
    found = entries(catalog(code))
    assert len(found) > 1000
    untranslated = [msgid for _ctx, msgid, _plural, strings, _f in found if not all(strings)]
    fuzzy = [msgid for _ctx, msgid, _plural, _strings, flags in found if "fuzzy" in flags]
    assert untranslated == [], f"untranslated in {code}: {untranslated[:10]}"
    assert fuzzy == [], f"fuzzy in {code}: {fuzzy[:10]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_plural_entries_have_every_form_of_the_language(code):
    forms = {"fr": 2, "de": 2, "it": 2, "es": 2, "ru": 3}[code]
    plurals = [strings for _c, _m, plural, strings, _f in entries(catalog(code)) if plural]
    assert plurals and all(len(strings) == forms for strings in plurals)


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_are_kept(code):
    """Every %(name)s of the English text is in the translation (msgfmt -c checks the same)."""
    for _ctx, msgid, plural, strings, _flags in entries(catalog(code)):
        names = set(re.findall(r"%\((\w+)\)", msgid + (plural or "")))
        for text in strings:
            assert set(re.findall(r"%\((\w+)\)", text)) <= names, (msgid, text)
            if not plural:
                assert set(re.findall(r"%\((\w+)\)", text)) == names, (msgid, text)


@needs_gettext
def test_the_catalogs_are_in_step_with_the_source(tmp_path, monkeypatch):
    """makemessages into a temporary folder finds exactly the strings the catalogs hold: a
    new or changed string in the code or a template fails here until `make messages` and a
    translation."""
    # The sources seen through links from a temporary folder, so makemessages writes its
    # catalog there and never into the project's locale/.
    source = tmp_path / "source"
    source.mkdir()
    for path in Path(settings.BASE_DIR).iterdir():
        if (
            path.is_dir()
            and path.name not in {*IGNORED, "locale"}
            and not path.name.startswith(".")
        ):
            (source / path.name).symlink_to(path)
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command(
            "makemessages",
            locale=["fr"],
            ignore_patterns=IGNORED,
            no_obsolete=True,
            symlinks=True,
            verbosity=0,
        )
    fresh = {(c, m, p) for c, m, p, _s, _f in entries(tmp_path / "locale/fr/LC_MESSAGES/django.po")}
    for code in TRANSLATED:
        kept = {(c, m, p) for c, m, p, _s, _f in entries(catalog(code))}
        assert sorted(fresh - kept, key=str) == [], f"missing from {code} (make messages)"
        assert sorted(kept - fresh, key=str) == [], f"no longer in the source ({code})"


@pytest.mark.parametrize(
    ("code", "english", "expected"),
    [
        ("fr", "Commitments", "Engagements"),
        ("de", "Commitments", "Verpflichtungen"),
        ("it", "Commitments", "Impegni"),
        ("ru", "Commitments", "Обязательства"),
        ("es", "Commitments", "Compromisos"),
        ("ru", "Skip to content", "Перейти к содержанию"),
    ],
)
def test_the_compiled_catalogs_are_used(code, english, expected):
    with translation.override(code):
        assert translation.gettext(english) == expected


def test_russian_plurals_follow_the_russian_rule():
    message = "%(counter)s commitment", "%(counter)s commitments"
    with translation.override("ru"):
        forms = [translation.ngettext(*message, n) % {"counter": n} for n in (1, 2, 5, 11, 21, 22)]
    assert forms == [
        "1 обязательство",
        "2 обязательства",
        "5 обязательств",
        "11 обязательств",
        "21 обязательство",
        "22 обязательства",
    ]
