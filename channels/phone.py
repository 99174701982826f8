"""Phone numbers in E.164, read as numbers of the municipality's country when written without one.

Every number Svarfrist stores or calls goes through :func:`e164`: a citizen's
number from a form or a channel, and the municipality's own SMS number in the
configuration. The country comes from the caller (``[calendar] country``), so
``912 34 567`` is Norwegian in a Norwegian municipality and ``070-123 45 67``
Swedish in a Swedish one.
"""

from __future__ import annotations

import functools

import phonenumbers


# Intake asks about the same sender more than once per message (its batch's lookup, then
# its own); parsing with libphonenumber is the costly part.
@functools.lru_cache(maxsize=1024)
def e164(text: str, country: str | None) -> str | None:
    """The number in E.164 (``+4791234567``), or ``None`` when it is not a valid number.

    ``country`` (ISO 3166 alpha-2, as in ``[calendar] country``) is where a number
    written without ``+`` and a country code is from; with ``None`` only numbers
    written with one are read. Valid means a number that can be assigned in that
    country (length and prefix), as libphonenumber knows them.
    """
    try:
        number = phonenumbers.parse(text.strip(), country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
