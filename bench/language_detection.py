"""What telling a citizen's language costs intake, and how often it tells.

Times the first long e-mail (the trigram models load) and the first short message told
(``detect_short_messages``: the other n-gram lengths load) of a process, with the process's
peak memory after each, then detects the language of the sample messages the tests use
(Nynorsk, Bokmål, English, short, mixed) and of long e-mails, and prints the cost per
message against intake's goal of 250 messages a second, with how many of each kind were
told, short messages left untold (the default) and told. Writes
bench/results/language_detection.json.
Run with `.venv/bin/python bench/language_detection.py` from the checkout.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from results_file import write_results

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from rules.language import detect_language, detector
from tests.rules import language_samples as samples

INTAKE_GOAL_PER_SECOND = 250
REPEATS = 50


def per_message_ms(texts: list[str], short_texts: bool) -> float:
    """Best of five passes of ``REPEATS`` rounds, in milliseconds per message."""
    best = float("inf")
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(REPEATS):
            for text in texts:
                detect_language(text, short_texts)
        best = min(best, time.perf_counter() - began)
    return best * 1000 / (REPEATS * len(texts))


def _first(text: str) -> tuple[float, int]:
    """Seconds to detect ``text``, short or not, and the process's peak memory (MB) after it."""
    began = time.perf_counter()
    detect_language(text, short_texts=True)
    seconds = time.perf_counter() - began
    return seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    detector()
    long_email = "\n\n".join(samples.NYNORSK) * 2  # about 3,400 characters; 500 are read
    first_long_s, after_long_mb = _first(long_email)
    first_short_s, after_short_mb = _first(samples.NYNORSK[0][:100])
    kinds = {
        "nn": samples.NYNORSK,
        "nb": samples.BOKMAL,
        "en": samples.ENGLISH,
        "short": samples.SHORT,
        "mixed_forms": samples.MIXED_FORMS,
        "mixed_with_english": samples.MIXED_WITH_ENGLISH,
    }
    told = {
        setting: {
            kind: {
                "messages": len(texts),
                "told": {
                    str(code): [detect_language(t, short).language for t in texts].count(code)
                    for code in ("nn", "nb", "en", None)
                },
            }
            for kind, texts in kinds.items()
        }
        for setting, short in (("long_messages_only", False), ("short_messages_too", True))
    }
    everyday = [text for texts in kinds.values() for text in texts]
    figures = {
        "first_long_email_seconds": round(first_long_s, 2),
        "peak_mb_after_long_emails": after_long_mb,
        "first_short_message_seconds": round(first_short_s, 2),
        "peak_mb_after_a_short_message": after_short_mb,
        "ms_per_everyday_message": round(per_message_ms(everyday, True), 3),
        "ms_per_long_email": round(per_message_ms([long_email], False), 3),
        "intake_goal_per_second": INTAKE_GOAL_PER_SECOND,
        "told": told,
    }
    share = figures["ms_per_long_email"] * INTAKE_GOAL_PER_SECOND / 1000
    print(f"first long e-mail {first_long_s:.2f} s, then {after_long_mb} MB at most")
    print(f"first short message {first_short_s:.2f} s, then {after_short_mb} MB at most")
    print(f"{figures['ms_per_everyday_message']:.3f} ms per everyday message")
    print(f"{figures['ms_per_long_email']:.3f} ms per long e-mail")
    print(f"at {INTAKE_GOAL_PER_SECOND}/s of long e-mails: {share:.0%} of one core")
    for setting, kinds_told in told.items():
        print(setting)
        for kind, counts in kinds_told.items():
            print(f"  {kind:<20} {counts['told']} of {counts['messages']}")
    write_results("language_detection", figures)


if __name__ == "__main__":
    main()
