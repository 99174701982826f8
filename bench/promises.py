"""How many reply promises per second one core computes.

Computes the promise for random arrival times over one year with Alver's
calendar, for `working_days: 5` and `working_hours: 8`, and prints the rate
and writes it to bench/results/promises.json. The first pass fills the
calendar's per-day cache, as a running server's would be; the measured passes
follow it. Run with `make bench`.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from results_file import write_results

from inbox.settings.config import load_settings
from rules.promises import ChannelPromise, WorkingDays, WorkingHours

GOAL_PER_SECOND = 200_000


def arrivals(count: int, year: int, seed: int) -> list[datetime]:
    generator = random.Random(seed)
    start = datetime(year, 1, 1, tzinfo=UTC)
    seconds = int((datetime(year + 1, 1, 1, tzinfo=UTC) - start).total_seconds())
    return [start + timedelta(seconds=generator.randrange(seconds)) for _ in range(count)]


def rate(rule: ChannelPromise, calendar, times: list[datetime], repeats: int) -> float:
    """Best of ``repeats`` passes, in promises per second."""
    for received in times:  # warm the per-day cache
        rule.promise(calendar, received)
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        for received in times:
            rule.promise(calendar, received)
        best = min(best, time.perf_counter() - began)
    return len(times) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000, help="arrival times per pass")
    parser.add_argument("--repeats", type=int, default=5, help="measured passes per rule")
    parser.add_argument("--year", type=int, default=2027)
    args = parser.parse_args()

    calendar = load_settings().rules.calendar
    times = arrivals(args.count, args.year, seed=2027)
    rules = {
        "working_days: 5": ChannelPromise(WorkingDays(5)),
        "working_hours: 8": ChannelPromise(WorkingHours(8)),
    }
    figures = {name: rate(rule, calendar, times, args.repeats) for name, rule in rules.items()}
    for name, per_second in figures.items():
        verdict = "meets" if per_second >= GOAL_PER_SECOND else "MISSES"
        print(f"{name:<18} {per_second:>12,.0f} promises/s  ({verdict} {GOAL_PER_SECOND:,}/s)")
    write_results(
        "promises",
        {
            "arrivals_per_pass": args.count,
            "year": args.year,
            "goal_per_second": GOAL_PER_SECOND,
            "promises_per_second": {k: round(v) for k, v in figures.items()},
        },
    )


if __name__ == "__main__":
    main()
