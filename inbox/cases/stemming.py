"""Norwegian word stems for search on SQLite (PostgreSQL stems with its ``norwegian`` config).

The Snowball Norwegian algorithm (the one PostgreSQL's ``norwegian`` configuration uses),
written out here so SQLite needs no extra package: ``garasjen``, ``garasjane`` and
``garasje`` all become ``garasj``. The queue searches SQLite's FTS5 table for the stem as a
prefix (``garasj*``), so every form of the word is found, whatever form was typed.
"""

from __future__ import annotations

VOWELS = frozenset("aeiouyæåø")
S_ENDINGS = frozenset("bcdfghjlmnoprtvyz")
#: Step 1: the longest of these in R1 is removed (``erte``/``ert`` become ``er``; ``s`` only
#: after certain letters).
MAIN_SUFFIXES = sorted(
    [
        *("a", "e", "ede", "ande", "ende", "ane", "ene", "hetene", "en", "heten", "ar", "er"),
        *("heter", "as", "es", "edes", "endes", "enes", "hetenes", "ens", "hetens", "ers"),
        *("ets", "et", "het", "ast", "erte", "ert", "s"),
    ],
    key=len,
    reverse=True,
)
#: Step 3: removed when in R1; longest first.
OTHER_SUFFIXES = sorted(
    ["leg", "eleg", "ig", "eig", "lig", "elig", "els", "lov", "elov", "slov", "hetslov"],
    key=len,
    reverse=True,
)


def _r1(word: str) -> int:
    """Where R1 starts: after the first non-vowel that follows a vowel, at least at 3."""
    for index in range(1, len(word)):
        if word[index] not in VOWELS and word[index - 1] in VOWELS:
            return max(index + 1, 3)
    return len(word)


def stem(word: str) -> str:
    """The Snowball Norwegian stem of one lower-case word."""
    word = word.lower()
    r1 = _r1(word)
    # Step 1
    for suffix in MAIN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= r1:
            if suffix in ("erte", "ert"):
                word = word[: -len(suffix)] + "er"
            elif suffix == "s":
                before = word[-2] if len(word) >= 2 else ""
                if before in S_ENDINGS or (
                    before == "k" and len(word) >= 3 and word[-3] not in VOWELS
                ):
                    word = word[:-1]
            else:
                word = word[: -len(suffix)]
            break
    # Step 2
    if word.endswith(("dt", "vt")) and len(word) - 2 >= r1:
        word = word[:-1]
    # Step 3
    for suffix in OTHER_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= r1:
            word = word[: -len(suffix)]
            break
    return word
