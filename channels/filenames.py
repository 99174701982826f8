"""File names from outside, made safe to store and to offer for download."""

from __future__ import annotations

# Far below the 255 a file system or the attachments table allows, with room for a suffix.
LONGEST_NAME = 200
FALLBACK_NAME = "vedlegg"


def safe_filename(name: str) -> str:
    """The name's last path segment, printable only, without leading dots, at most 200 characters.

    A sender chooses the name, and some channels pass it on as given
    (``../../etc/passwd``, ``C:\\x``, a line break that would end a header);
    what is left of a name that is nothing but those is ``vedlegg``.
    """
    name = name.replace("\\", "/").split("/")[-1]
    cleaned = "".join(char for char in name if char.isprintable()).strip().lstrip(".")
    return cleaned[:LONGEST_NAME] or FALLBACK_NAME
