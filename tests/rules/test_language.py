"""Telling the citizen's language: Nynorsk, Bokmål or English, and not guessing otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rules.language import MIN_CONFIDENCE, Detection, detect_language
from tests.rules.language_samples import (
    BOKMAL,
    ENGLISH,
    MIXED_FORMS,
    MIXED_WITH_ENGLISH,
    MOSTLY,
    NYNORSK,
    SHORT,
)

#: Of the twelve clear messages in each language, at least this many are told (measured:
#: 11 Nynorsk, 10 Bokmål, 12 English); the rest keep the municipality's language.
TOLD_AT_LEAST = 10


@pytest.mark.parametrize(
    ("language", "messages"), [("nn", NYNORSK), ("nb", BOKMAL), ("en", ENGLISH)]
)
def test_clear_messages_are_told_in_their_language_and_never_in_another(language, messages):
    detected = [detect_language(text).language for text in messages]
    assert set(detected) <= {language, None}, detected
    assert detected.count(language) >= TOLD_AT_LEAST, detected


@pytest.mark.parametrize("text", SHORT)
def test_a_short_text_is_too_short_to_tell(text):
    assert detect_language(text) == Detection(None, 0.0)


@pytest.mark.parametrize("text", MIXED_FORMS)
def test_nynorsk_and_bokmal_in_one_message_is_not_told(text):
    detection = detect_language(text)
    assert detection.guess in ("nn", "nb") and detection.language is None


@pytest.mark.parametrize("text", MIXED_WITH_ENGLISH)
def test_norwegian_with_english_sentences_is_never_told_as_english(text):
    assert detect_language(text).language in ("nn", "nb", None)


@pytest.mark.parametrize(("language", "text"), MOSTLY)
def test_a_few_words_of_another_language_do_not_change_the_language(language, text):
    assert detect_language(text).language == language


def test_quoted_lines_are_not_the_citizens_words():
    """A Nynorsk answer above our quoted Bokmål text is Nynorsk."""
    quoted = "\n".join(f"> {line}" for line in BOKMAL[:4])
    detection = detect_language(f"{NYNORSK[5]}\n\nOn Monday the municipality wrote:\n{quoted}")
    assert detection.language == "nn"


def test_confidence_is_the_guess_share_and_below_the_threshold_nothing_is_told():
    detection = detect_language(BOKMAL[5])  # "Når åpner biblioteket ...": half Nynorsk words
    assert detection.guess == "nb" and 0.5 < detection.confidence < MIN_CONFIDENCE
    assert not detection.is_reliable and detection.language is None


# Run in a process of its own: the test process may have loaded every model already.
LONG_TEXT_ONLY = """
import resource
from rules.language import detect_language
from tests.rules.language_samples import NYNORSK
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
found = detect_language("\\n\\n".join(NYNORSK))
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(found.language, grown // 1024)
"""


def test_long_texts_load_only_the_small_models():
    """A long text (120 characters or more once cleaned up) needs only the trigram models,
    about 10 MB; the other n-gram lengths (90 MB more) load for the first short text."""
    completed = subprocess.run(
        [sys.executable, "-c", LONG_TEXT_ONLY],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    language, grown_mb = completed.stdout.split()
    assert language == "nn"
    assert int(grown_mb) < 40, f"detecting one long text grew the process by {grown_mb} MB"
