"""The language a new case speaks to its citizen in.

The one the citizen chose (the callback page's language, the one staff registered) or is
known to use, when the municipality offers it (``[municipality] citizen_languages``); else
the language the message is written in, when :func:`rules.language.detect_language` can
tell it reliably (a message under 120 letters only as English, unless ``[municipality]
detect_short_messages``); else the municipality's own. What the detector saw is kept on the
case (``language_guess``, ``language_confidence``) for the case page.
"""

from __future__ import annotations

from channels.base import InboundMessage
from inbox.models import Case
from inbox.settings.config import Settings
from rules.language import Detection, detect_language


def message_language(inbound: InboundMessage, settings: Settings) -> Detection:
    """What the detector tells of the message's subject and text."""
    return detect_language(
        f"{inbound.subject}\n{inbound.text}",
        short_texts=settings.rules.municipality.detect_short_messages,
    )


def choose_language(
    case: Case, inbound: InboundMessage, settings: Settings, detection: Detection | None = None
) -> None:
    """Set the language of ``case``, new from ``inbound``; ``detection``: the message's
    :func:`message_language`, when it was told already (by a reader ahead of the poll)."""
    offered = settings.rules.municipality.citizen_languages
    chosen = inbound.metadata.get("language") or case.contact.language
    if chosen in offered:
        case.language = chosen
        return
    detection = detection or message_language(inbound, settings)
    case.language_guess = detection.guess
    case.language_confidence = detection.confidence
    if detection.language in offered:
        case.language = detection.language
    else:
        case.language = settings.rules.municipality.language
