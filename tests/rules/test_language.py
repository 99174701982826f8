"""Telling the citizen's language: Nynorsk, Bokmål or English, and not guessing otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rules.language import LETTER, MIN_CONFIDENCE, TRIGRAMS_FROM, Detection, detect_language
from tests.rules.language_samples import (
    BOKMAL,
    ENGLISH,
    MIXED_FORMS,
    MIXED_WITH_ENGLISH,
    MOSTLY,
    NYNORSK,
    SHORT,
)

#: Of the twelve clear messages in each language, at least this many are told when short
#: messages are told too (measured: 11 Nynorsk, 10 Bokmål, 12 English); the rest keep the
#: municipality's language.
TOLD_AT_LEAST = 10
CLEAR = [("nn", NYNORSK), ("nb", BOKMAL), ("en", ENGLISH)]


@pytest.mark.parametrize(("language", "messages"), CLEAR)
def test_clear_messages_are_told_in_their_language_and_never_in_another(language, messages):
    detected = [detect_language(text, short_texts=True).language for text in messages]
    assert set(detected) <= {language, None}, detected
    assert detected.count(language) >= TOLD_AT_LEAST, detected


def is_long(text: str) -> bool:
    return len(LETTER.findall(text)) >= TRIGRAMS_FROM


@pytest.mark.parametrize(("language", "messages"), [("nn", NYNORSK), ("nb", BOKMAL)])
def test_by_default_a_long_norwegian_message_is_told_and_a_short_one_not(language, messages):
    """The samples hold both: most are under twenty-five words or so, as citizens write."""
    long = [text for text in messages if is_long(text)] + ["\n\n".join(messages)]
    short = [text for text in messages if not is_long(text)]
    assert len(short) >= 10
    assert [detect_language(text).language for text in long] == [language] * len(long)
    assert {detect_language(text) for text in short} == {Detection(None, 0.0)}


def test_by_default_a_short_english_message_is_told_too():
    """Trigrams tell English from Norwegian, short texts too."""
    assert [detect_language(text).language for text in ENGLISH] == ["en"] * len(ENGLISH)


@pytest.mark.parametrize("text", [*MIXED_FORMS, *MIXED_WITH_ENGLISH])
def test_by_default_a_short_mixed_message_is_not_told(text):
    assert detect_language(text) == Detection(None, 0.0)


def test_a_message_is_told_by_default_from_120_letters():
    words = "Kva tid kjem brøytebilen til vegen vår? Det har snødd i to døgn, 40 cm."  # 51
    assert detect_language(words * 2 + "Hei, Ola.") == Detection(None, 0.0)  # 109 letters
    assert detect_language(words * 2 + "Helsing Kari Nordmann").guess == "nn"  # 122


@pytest.mark.parametrize("short_texts", [False, True])
@pytest.mark.parametrize("text", SHORT)
def test_a_short_text_is_too_short_to_tell(text, short_texts):
    assert detect_language(text, short_texts) == Detection(None, 0.0)


@pytest.mark.parametrize("text", MIXED_FORMS)
def test_nynorsk_and_bokmal_in_one_message_is_not_told(text):
    detection = detect_language(text, short_texts=True)
    assert detection.guess in ("nn", "nb") and detection.language is None


@pytest.mark.parametrize("text", MIXED_WITH_ENGLISH)
def test_norwegian_with_english_sentences_is_never_told_as_english(text):
    assert detect_language(text, short_texts=True).language in ("nn", "nb", None)


@pytest.mark.parametrize(("language", "text"), MOSTLY)
def test_a_few_words_of_another_language_do_not_change_the_language(language, text):
    assert detect_language(text).language == language


def test_quoted_lines_are_not_the_citizens_words():
    """A Nynorsk answer above our quoted Bokmål text is Nynorsk."""
    quoted = "\n".join(f"> {line}" for line in BOKMAL[:4])
    answer = f"{NYNORSK[5]}\n\nOn Monday the municipality wrote:\n{quoted}"
    assert detect_language(answer, short_texts=True).language == "nn"
    assert detect_language(answer) == Detection(None, 0.0)  # short without the quote


def test_confidence_is_the_guess_share_and_below_the_threshold_nothing_is_told():
    # "Når åpner biblioteket ...": half Nynorsk words
    detection = detect_language(BOKMAL[5], short_texts=True)
    assert detection.guess == "nb" and 0.5 < detection.confidence < MIN_CONFIDENCE
    assert not detection.is_reliable and detection.language is None


# Run in a process of its own: the test process may have loaded every model already.
# Its peak is VmHWM, this process's own: ru_maxrss would count the forked test process too.
LONG_TEXT_ONLY = """
import re, sys
from rules.language import detect_language
from tests.rules.language_samples import NYNORSK
def peak_kb():
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read())[1])
before = peak_kb()
found = [detect_language("\\n\\n".join(NYNORSK))]
found += [detect_language(text, short_texts=sys.argv[1] == "short") for text in NYNORSK]
print(found[0].language, (peak_kb() - before) // 1024)
"""


def grown_mb(messages: str) -> int:
    """MB a new process grows by detecting a long text and the Nynorsk samples."""
    completed = subprocess.run(
        [sys.executable, "-c", LONG_TEXT_ONLY, messages],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    language, grown = completed.stdout.split()
    assert language == "nn"
    return int(grown)


def test_by_default_only_the_small_models_load():
    """A long text (120 letters or more) needs only the trigram models, about 10 MB; short
    messages are told only as English, on the same models, so nothing more loads."""
    assert grown_mb("long") < 40, "telling long texts grew the process by over 40 MB"


def test_telling_short_messages_loads_the_other_models():
    """What ``detect_short_messages`` costs: the other n-gram lengths, about 90 MB more."""
    assert grown_mb("short") > 60
