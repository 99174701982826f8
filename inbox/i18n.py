"""Translations and locale formatting outside a web request (CLI, worker).

Catalogs live in ``translations/<lang>/LC_MESSAGES/messages.po`` and are
compiled to ``.mo`` by ``make translations``. Module-level strings are marked
with :func:`N_` and translated where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time
from babel.support import Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
LANGUAGES = ("nn", "nb", "en")
# English for a Norwegian municipality: British dates and the 24-hour clock.
FORMAT_LOCALES = {"en": "en_GB"}


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
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {code!r}; expected one of {', '.join(LANGUAGES)}")
        return cls(code, _catalog(code))

    def gettext(self, message: str, **values: object) -> str:
        text = self.translations.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, num: float, **values: object) -> str:
        return self.translations.ngettext(singular, plural, num) % {"num": num, **values}

    def date(self, moment: date | datetime) -> str:
        return format_date(moment, "full", locale=self.locale)

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


@lru_cache(maxsize=len(LANGUAGES))
def _catalog(code: str) -> Translations:
    """Read once per process: intake renders an acknowledgement for every message."""
    return Translations.load(str(TRANSLATIONS_DIR), [code])
