"""File sizes as the page's language writes them ("29,7 kB" in Nynorsk, "29.7 kB" in English).

Jinja's ``filesizeformat`` writes English ("29.7 kB", "207 Bytes") on every page; this goes
through Babel's units instead, in the same decimal steps (1 kB = 1000 bytes).
"""

from __future__ import annotations

from babel.units import format_unit
from flask_babel import get_locale

from inbox.i18n import FORMAT_LOCALES

#: The units from the smallest up, each 1000 of the one before.
UNITS = ("digital-byte", "digital-kilobyte", "digital-megabyte", "digital-gigabyte")


def file_size(size: int | None) -> str:
    """``size`` bytes in the page's language, with one decimal above a kilobyte at most."""
    value = float(size or 0)
    unit = 0
    while value >= 1000 and unit < len(UNITS) - 1:
        value /= 1000
        unit += 1
    code = str(get_locale() or "nn")
    pattern = "#,##0" if unit == 0 else "#,##0.#"
    return format_unit(
        value, UNITS[unit], length="short", format=pattern, locale=FORMAT_LOCALES.get(code, code)
    )
