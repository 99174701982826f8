"""The placeholders a text written by the municipality may use: the e-mail acknowledgement
(``[acknowledgements] email_<language>``) and reply templates, in the configuration file or
made on /admin/templates.

A placeholder is a name in braces, ``{reference}``; ``{{`` and ``}}`` write a brace. Nothing
else that ``str.format`` knows (positions, attributes, format specs) is allowed, so a text
that passes :func:`check` can always be filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from string import Formatter
from zoneinfo import ZoneInfo

from inbox.i18n import N_, Language

#: Every placeholder, with what it becomes (translated where it is shown).
PLACEHOLDERS = {
    "municipality": N_("the municipality's name"),
    "reference": N_("the case's reference"),
    "due": N_("the date and time the answer is promised by"),
    "due_date": N_("the date the answer is promised by"),
}
#: The reference and due time the examples show (a Friday at closing time).
EXAMPLE_REFERENCE = "2026-000123"
EXAMPLE_DUE = datetime(2026, 11, 27, 15, 0, tzinfo=ZoneInfo("Europe/Oslo"))


class PlaceholderError(ValueError):
    """A text cannot be filled in; ``placeholder`` is what was written (``{frist}``, or a
    lone ``{`` or ``}``)."""

    def __init__(self, placeholder: str) -> None:
        self.placeholder = placeholder
        self.is_lone_brace = placeholder in ("{", "}")
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        if self.is_lone_brace:
            reason = f"has a lone {placeholder}"
        else:
            reason = f"uses {placeholder}, which is not a placeholder"
        super().__init__(f"{reason}; the placeholders are {known}; write {{{{ and }}}} for braces")


def check(text: str) -> None:
    """Raise :class:`PlaceholderError` for the first thing in ``text`` that is not a
    placeholder or a doubled brace."""
    try:
        parsed = list(Formatter().parse(text))
    except ValueError as error:  # "Single '}' encountered", "Single '{' ...", "expected '}' ..."
        raise PlaceholderError("}" if "Single '}'" in str(error) else "{") from None
    for _literal, name, spec, conversion in parsed:
        if name is not None and (name not in PLACEHOLDERS or spec or conversion):
            written = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise PlaceholderError("{" + written + "}")


def used_in(text: str) -> list[str]:
    """The placeholders a checked text uses, in order, each once."""
    names = (name for _literal, name, _spec, _conversion in Formatter().parse(text) if name)
    return list(dict.fromkeys(names))


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its placeholders replaced; one without a value stays as written.

    The text must have passed :func:`check`.
    """
    return text.format_map(_Kept(values))


def example_values(municipality: str, language: Language) -> dict[str, str]:
    """What each placeholder becomes in the examples, in ``language``."""
    return {
        "municipality": municipality,
        "reference": EXAMPLE_REFERENCE,
        "due": language.datetime(EXAMPLE_DUE),
        "due_date": language.date(EXAMPLE_DUE),
    }


class _Kept(dict):
    def __missing__(self, name: str) -> str:
        return "{" + name + "}"
