"""The language a citizen wrote in: Nynorsk, Bokmål or English, when it can be told reliably.

Lingua (``lingua-language-detector``) with the models of exactly these three languages, which
ship inside the package. Its confidences are relative: they add up to 1 over the three, so
a text halfway between Nynorsk and Bokmål (dialect, a mix of both, a single word) gets about
0.5 each and is not told. Short texts are never told: "Takk!" is Nynorsk, Bokmål and
Danish alike.

A text of fewer than :data:`TRIGRAMS_FROM` letters (about twenty-five words) lingua judges
on all its n-gram lengths, whose models take about 90 MB more memory in every process that
takes messages in; its fast mode judges it on trigrams alone, which tell English from
Norwegian but are sure of nearly anything between Nynorsk and Bokmål (a mix of the two at
0.95 to 1.00). So such a text is told as English or not at all, unless the caller asks for
short texts to be told in full (``[municipality] detect_short_messages``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lingua import Language as Lingua
from lingua import LanguageDetector, LanguageDetectorBuilder

#: Our language codes and lingua's languages, the only ones the detector knows.
DETECTABLE = {"nn": Lingua.NYNORSK, "nb": Lingua.BOKMAL, "en": Lingua.ENGLISH}
CODES = {lingua: code for code, lingua in DETECTABLE.items()}
#: Fewer letters than this and the text is too short to tell (a greeting, "ok", a number).
MIN_LETTERS = 30
#: The guess's share of the confidence needed to be taken (measured: see the README).
MIN_CONFIDENCE = 0.7
#: Letters from which lingua judges a text on its trigrams alone, about 10 MB of models (its
#: rule in version 2: the letters of the text's words, measured to switch at 119 and 120).
TRIGRAMS_FROM = 120
#: Only the start of a long text is read: its language does not change, its cost grows.
MAX_CHARACTERS = 500
# A line quoting an earlier message ("> ..."): the citizen did not write it.
QUOTED = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Detection:
    """What a text looks like: the closest language and how sure the detector is of it."""

    #: nn, nb or en; ``None`` when the text is too short to tell.
    guess: str | None
    #: The guess's share of the confidence, 0 to 1 (0 when there is no guess).
    confidence: float

    @property
    def is_reliable(self) -> bool:
        """Sure enough for the guess to be the case's language."""
        return self.guess is not None and self.confidence >= MIN_CONFIDENCE

    @property
    def language(self) -> str | None:
        """The guess when it is reliable, else ``None`` (keep the default)."""
        return self.guess if self.is_reliable else None


def detect_language(text: str, short_texts: bool = False) -> Detection:
    """The language of ``text``, a citizen's own words (quoted lines are left out).

    A text of :data:`MIN_LETTERS` to :data:`TRIGRAMS_FROM` letters is told in full with
    ``short_texts``, else only when it is English."""
    own_words = QUOTED.sub("", text)[:MAX_CHARACTERS]
    letters = len(LETTER.findall(own_words))
    if letters < MIN_LETTERS:
        return Detection(None, 0.0)
    if letters < TRIGRAMS_FROM and not short_texts:
        best = trigram_detector().compute_language_confidence_values(own_words)[0]
        if best.language != Lingua.ENGLISH:
            return Detection(None, 0.0)
    else:
        best = detector().compute_language_confidence_values(own_words)[0]
    return Detection(CODES[best.language], round(best.value, 3))


@cache
def detector() -> LanguageDetector:
    """Built once per process; a message takes well under a millisecond after the first.

    The models load when first needed, not all up front: a text of :data:`TRIGRAMS_FROM`
    letters or more is judged on trigrams alone, whose three models take about 10 MB and
    0.1 s; the first shorter text, when short texts are told, loads the other n-gram lengths
    (about 90 MB more and half a second)."""
    return LanguageDetectorBuilder.from_languages(*DETECTABLE.values()).build()


@cache
def trigram_detector() -> LanguageDetector:
    """Lingua's fast mode: trigrams for every text, the models :func:`detector` loads first
    (lingua keeps one copy of each model for all detectors)."""
    builder = LanguageDetectorBuilder.from_languages(*DETECTABLE.values())
    return builder.with_low_accuracy_mode().build()
