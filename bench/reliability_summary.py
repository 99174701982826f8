"""One table of what the reliability runs tried and what they saw.

Reads the figures that ``bench/worker_crashes.py``, ``bench/mixed_load.py`` and
``bench/fuzz_parsers.py`` wrote to bench/results/ (run those first) and prints faults injected and
survived, requests under load and their error rate, and duplicates observed.
The fuzzing and fault tests in the suite are listed with how much each tries
per run; ``make test`` runs them.

    .venv/bin/python bench/reliability_summary.py
"""

from __future__ import annotations

import json
import sys

from results_file import RESULTS_DIR

# What the suite's own robustness tests try per run (see the tests' settings).
SUITE = [
    ("tests/robustness/test_parser_properties.py", "generated parser inputs", 2_800),
    ("tests/robustness/test_form_fuzz.py", "generated form and webhook requests", 750),
    ("tests/robustness/test_api_schema.py", "generated API requests (11 operations x 50)", 550),
    ("tests/inbox/outbox/test_endpoint_faults.py", "endpoint faults (3 channels x 3)", 9),
    ("tests/inbox/test_database_outage.py", "PostgreSQL stopped and started", 2),
    ("tests/inbox/intake/test_email_channel.py", "full disk, unwritable directory", 2),
]


def figures(name: str) -> dict | None:
    path = RESULTS_DIR / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def main() -> None:
    rows = []
    crashes = figures("worker_crashes")
    if crashes:
        survived = crashes["messages_lost"] == 0 and crashes["messages_taken_in_twice"] == 0
        rows.append((
            f"kill -9 of the worker ({crashes['measured_at']})",
            f"{crashes['kill_9_rounds']} kills, {crashes['messages']} messages",
            f"{crashes['messages_lost']} lost, {crashes['messages_taken_in_twice']} taken in "
            f"twice, {'survived' if survived else 'FAILED'}",
            f"{crashes['acknowledgements_delivered_twice_or_more']} acknowledgements",
        ))  # fmt: skip
    load = figures("mixed_load")
    if load:
        rows.append((
            f"mixed load, 2 web + 2 workers ({load['measured_at']})",
            f"{load['requests']} requests in {load['seconds']:.0f} s",
            f"{load['failed_requests']} failed (error rate {load['error_rate']:.3%}), "
            f"{load['messages_taken_in_twice']} taken in twice",
            f"{sum(load['duplicate_sends'].values())} sends",
        ))  # fmt: skip
    fuzz = figures("fuzz_parsers")
    if fuzz:
        rows.append((
            f"atheris on the parsers ({fuzz['measured_at']})",
            f"{fuzz['inputs_tried']:,} inputs in {fuzz['seconds']} s",
            "a crash" if fuzz["crashed"] else "no crash",
            "-",
        ))  # fmt: skip
    for test, what, count in SUITE:
        rows.append((test, f"{count:,} {what}", "make test: every one must pass", "-"))
    if not (crashes or load):
        print(
            "no results yet: run bench/worker_crashes.py and bench/mixed_load.py", file=sys.stderr
        )
    header = ("what", "tried", "outcome", "duplicates")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(4)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
