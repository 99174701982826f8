"""Every UI string is translated in every catalog, with its placeholders intact."""

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from inbox.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_l": None}
#: The code and templates Svarfrist ships; tests and benchmarks show no UI text.
SHIPPED = ("inbox", "channels", "rules", "templates")
#: A call that marks text for translation (``_(``, ``_l(``, ``language.gettext(`` ...)
#: or a Jinja ``{% trans %}`` block, found without Babel.
MARKS_TEXT = re.compile(r"(?<!\w)(?:_|_l|N_|gettext|ngettext)\(|\{%-?\s*trans\b")
PLACEHOLDER = re.compile(r"%\((\w+)\)")
#: Names and words that Nynorsk or Bokmål write as English does; any other msgstr equal to
#: its msgid is English left standing where a translation should be.
SAME_AS_ENGLISH = {
    "%(date)s (%(reason)s)",
    "Administrator",
    "Facebook",
    "Instagram",
    "Open",
    "SMS",
    "Send",
    "Status",
    "Svarfrist",
}


@cache
def extracted() -> tuple[tuple[str, str], ...]:
    """(file, msgid) for every message a fresh extraction finds (plural: the singular)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    return tuple(
        (filename, message[0] if isinstance(message, tuple) else message)
        for filename, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS
        )
    )


def source_messages() -> set[str]:
    return {message for _file, message in extracted()}


def catalog(language: str):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_every_file_that_marks_text_is_extracted():
    """babel.cfg reaches every module and template that marks text, so none of it is missing
    from the catalogs without the test below noticing."""
    marking = {
        path.relative_to(ROOT).as_posix()
        for folder in SHIPPED
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".html") and MARKS_TEXT.search(path.read_text(encoding="utf-8"))
    }
    assert "templates/base.html" in marking and "inbox/web/labels.py" in marking  # the search
    not_extracted = marking - {filename for filename, _message in extracted()}
    assert not not_extracted, f"marks text, but babel.cfg does not extract it: {not_extracted}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_translates_every_source_message(language):
    messages = catalog(language)
    in_catalog = {m.id[0] if isinstance(m.id, tuple) else m.id for m in messages if m.id}
    missing = source_messages() - in_catalog
    assert not missing, f"{language}: not in the catalog (run `make update-catalogs`): {missing}"
    for message in messages:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: untranslated: {message.id!r}"
        assert not message.fuzzy, f"{language}: fuzzy: {message.id!r}"
    problems = [(m.id, [str(e) for e in errors]) for m, errors in messages.check() if errors]
    assert not problems, f"{language}: placeholder problems: {problems}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_every_placeholder(language):
    """Babel's check only refuses placeholders the msgid lacks; a translation that drops one
    (the due date from an acknowledgement, say) would pass it."""
    dropped = []
    for message in catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, string in enumerate(strings):
            original = ids[min(index, len(ids) - 1)]  # plural forms after the first: the plural
            if set(PLACEHOLDER.findall(string)) != set(PLACEHOLDER.findall(original)):
                dropped.append((original, string))
    assert not dropped, f"{language}: placeholders differ from the msgid: {dropped}"


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_norwegian_catalogs_do_not_leave_english_standing(language):
    english = [
        message.id
        for message in catalog(language)
        if message.id and message.string == message.id and message.id not in SAME_AS_ENGLISH
    ]
    assert not english, f"{language}: the msgstr is the English msgid: {english}"
