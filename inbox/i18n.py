"""Translations and locale formatting outside a web request (CLI, worker).

Catalogs live in ``translations/<lang>/LC_MESSAGES/messages.po`` and are
compiled to ``.mo`` by ``make translations`` in a checkout, and when a wheel is
built (``inbox.paths`` says where they are). A compiled catalog that is missing
or unreadable is an error (:func:`check_catalogs` at start-up), never English in
its place. Module-level strings are marked with :func:`N_` and translated where
they are shown.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time
from babel.support import Translations

from inbox.paths import IS_INSTALLED, REINSTALL, TRANSLATIONS_DIR, MissingFilesError
from rules.config import CITIZEN_LANGUAGES

#: The staff's languages (the user interface).
LANGUAGES = ("nn", "nb", "en")
# English for a Norwegian municipality: British dates and the 24-hour clock.
FORMAT_LOCALES = {"en": "en_GB"}
# Babel's Northern Sámi has only CLDR's generic pattern ("2026 skábmamánnu 27, bearjadat",
# a nominative month after the year); a Sámi reader writes the weekday and the day in
# numbers, day first, as Norwegian does: "bearjadat 27.11.2026".
DATE_PATTERNS = {"se": "EEEE d.M.y"}


class CatalogError(MissingFilesError):
    """The compiled catalog of a language Svarfrist is configured for is missing or unreadable."""


def N_(message: str) -> str:
    """Mark a module-level string for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Language:
    """Gettext and Babel formatting bound to one language."""

    code: str
    translations: Translations

    @classmethod
    def load(cls, code: str) -> Language:
        """Staff's languages and the citizens' (:data:`rules.config.CITIZEN_LANGUAGES`)."""
        if code not in CITIZEN_LANGUAGES:
            expected = ", ".join(CITIZEN_LANGUAGES)
            raise ValueError(f"unknown language {code!r}; expected one of {expected}")
        return cls(code, _catalog(code))

    def gettext(self, message: str, **values: object) -> str:
        text = self.translations.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, num: float, **values: object) -> str:
        return self.translations.ngettext(singular, plural, num) % {"num": num, **values}

    def date(self, moment: date | datetime) -> str:
        return format_date(moment, DATE_PATTERNS.get(self.code, "full"), locale=self.locale)

    def datetime(self, moment: datetime) -> str:
        """A date and time the way a letter would write it, in the instant's own zone."""
        return self.gettext(
            "%(date)s at %(time)s",
            date=self.date(moment),
            time=format_time(moment, "short", tzinfo=moment.tzinfo, locale=self.locale),
        )

    @property
    def locale(self) -> Locale:
        return Locale.parse(FORMAT_LOCALES.get(self.code, self.code))


def catalog_path(code: str) -> Path:
    """The compiled catalog of language ``code``."""
    return TRANSLATIONS_DIR / code / "LC_MESSAGES" / "messages.mo"


def check_catalogs(codes: Iterable[str]) -> None:
    """Load the compiled catalog of every language in ``codes``, or raise :class:`CatalogError`
    naming the file and what to do; run at start-up, so no text falls back to English."""
    for code in codes:
        _catalog(code)


@lru_cache(maxsize=len(CITIZEN_LANGUAGES))
def _catalog(code: str) -> Translations:
    """Read once per process: intake renders an acknowledgement for every message."""
    path = catalog_path(code)
    fix = REINSTALL if IS_INSTALLED else "run `make translations` in the checkout"
    if not path.is_file():
        raise CatalogError(f"The compiled catalog of language {code!r} is missing: {path}; {fix}.")
    try:
        with path.open("rb") as handle:
            return Translations(handle, domain="messages")
    # gettext's parser reports a damaged file as OSError or struct.error, a wrong charset
    # as UnicodeError.
    except (OSError, struct.error, UnicodeError) as error:
        raise CatalogError(
            f"The compiled catalog of language {code!r} cannot be read: {path} ({error}); {fix}."
        ) from error
