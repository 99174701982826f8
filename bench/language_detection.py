"""What telling a citizen's language costs intake, and how often it tells.

Builds the detector (once per process, as intake does), then detects the language of the
sample messages the tests use (Nynorsk, Bokmål, English, short, mixed) and of long e-mails,
and prints the cost per message against intake's goal of 250 messages a second, with how
many of each kind were told. Writes bench/results/language_detection.json.
Run with `.venv/bin/python bench/language_detection.py` from the checkout.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from results_file import write_results

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from rules.language import detect_language, detector
from tests.rules import language_samples as samples

INTAKE_GOAL_PER_SECOND = 250
REPEATS = 50


def per_message_ms(texts: list[str]) -> float:
    """Best of five passes of ``REPEATS`` rounds, in milliseconds per message."""
    best = float("inf")
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(REPEATS):
            for text in texts:
                detect_language(text)
        best = min(best, time.perf_counter() - began)
    return best * 1000 / (REPEATS * len(texts))


def main() -> None:
    began = time.perf_counter()
    detector()
    build_s = time.perf_counter() - began
    kinds = {
        "nn": samples.NYNORSK,
        "nb": samples.BOKMAL,
        "en": samples.ENGLISH,
        "short": samples.SHORT,
        "mixed_forms": samples.MIXED_FORMS,
        "mixed_with_english": samples.MIXED_WITH_ENGLISH,
    }
    told = {
        kind: {
            "messages": len(texts),
            "told": {
                str(code): [detect_language(t).language for t in texts].count(code)
                for code in ("nn", "nb", "en", None)
            },
        }
        for kind, texts in kinds.items()
    }
    everyday = [text for texts in kinds.values() for text in texts]
    long_email = "\n\n".join(samples.NYNORSK) * 2  # about 3,400 characters; 500 are read
    figures = {
        "detector_build_seconds": round(build_s, 2),
        "ms_per_everyday_message": round(per_message_ms(everyday), 3),
        "ms_per_long_email": round(per_message_ms([long_email]), 3),
        "intake_goal_per_second": INTAKE_GOAL_PER_SECOND,
        "told": told,
    }
    share = figures["ms_per_long_email"] * INTAKE_GOAL_PER_SECOND / 1000
    print(f"detector built in {build_s:.2f} s")
    print(f"{figures['ms_per_everyday_message']:.3f} ms per everyday message")
    print(f"{figures['ms_per_long_email']:.3f} ms per long e-mail")
    print(f"at {INTAKE_GOAL_PER_SECOND}/s of long e-mails: {share:.0%} of one core")
    for kind, counts in told.items():
        print(f"{kind:<20} {counts['told']} of {counts['messages']}")
    write_results("language_detection", figures)


if __name__ == "__main__":
    main()
