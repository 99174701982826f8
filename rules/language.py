"""The language a citizen wrote in: Nynorsk, Bokmål or English, when it can be told reliably.

Lingua (``lingua-language-detector``) with the models of exactly these three languages, which
ship inside the package. Its confidences are relative: they add up to 1 over the three, so
a text halfway between Nynorsk and Bokmål (dialect, a mix of both, a single word) gets about
0.5 each and is not told. Short texts are never told: "Takk!" is Nynorsk, Bokmål and
Danish alike.
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


def detect_language(text: str) -> Detection:
    """The language of ``text``, a citizen's own words (quoted lines are left out)."""
    own_words = QUOTED.sub("", text)[:MAX_CHARACTERS]
    if len(LETTER.findall(own_words)) < MIN_LETTERS:
        return Detection(None, 0.0)
    best = detector().compute_language_confidence_values(own_words)[0]
    return Detection(CODES[best.language], round(best.value, 3))


@cache
def detector() -> LanguageDetector:
    """Built once per process; a message takes well under a millisecond after the first.

    The models load when first needed, not all up front: a text whose cleaned-up form (its
    letters and single spaces) has 120 characters or more is judged on trigrams alone
    (lingua's rule, the same in both its modes), whose three models take about 10 MB and
    0.1 s; the first shorter text loads the other n-gram lengths (about 90 MB more and a
    second or two). Many citizens' e-mails are that short, so a poller usually holds all."""
    return LanguageDetectorBuilder.from_languages(*DETECTABLE.values()).build()
