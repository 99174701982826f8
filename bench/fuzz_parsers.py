"""Coverage-guided fuzzing of the parsers with atheris (libFuzzer), for a set time.

Feeds the e-mail parser raw bytes, the Twilio webhook parser form fields and
the Meta webhook parser JSON, steered by which branches each input reached.
The parsers may refuse an input only with their documented error (the e-mail
parser never raises; the webhook parsers raise ``ValueError``); anything else
stops the run, prints the input and exits non-zero. Complements the
Hypothesis tests in tests/robustness, which run in ``make test``.

    .venv/bin/pip install -e '.[fuzz]'      # atheris: a binary wheel for CPython on x86_64
    .venv/bin/python bench/fuzz_parsers.py [--seconds 300]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

import atheris
from results_file import write_results

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports():
    from channels.email.reading import parse_email
    from channels.meta.account import MetaAccount
    from channels.meta.webhooks import parse_webhook
    from channels.sms import TwilioAccount, inbound_from_webhook

RECEIVED = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
SMS = TwilioAccount("sms", "AC" + "0" * 32, "TOKEN_ENV", "https://svarfrist.alver.no")
META = MetaAccount("alver", "104000000000001", "PAGE_ENV", "SECRET_ENV", "VERIFY_ENV")
TWILIO_FIELDS = ("MessageSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MediaContentType0")
DONE = re.compile(r"Done (\d+) runs in (\d+) second")


def one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    parser = provider.ConsumeIntInRange(0, 2)
    if parser == 0:
        raw = provider.ConsumeBytes(provider.remaining_bytes())
        parse_email(raw, account="postmottak", received_at=RECEIVED, max_attachment_bytes=10_000)
    elif parser == 1:
        form = {name: provider.ConsumeUnicodeNoSurrogates(40) for name in TWILIO_FIELDS}
        with suppress(ValueError):  # refused with a reason
            inbound_from_webhook(SMS, form, RECEIVED)
    else:
        try:
            payload = json.loads(provider.ConsumeUnicodeNoSurrogates(provider.remaining_bytes()))
        except ValueError:
            return
        with suppress(ValueError):  # refused with a reason
            parse_webhook(META, payload, RECEIVED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options, rest = parser.parse_known_args()
    if options.child:  # libFuzzer ends the process itself, so the figures are read outside
        atheris.Setup([sys.argv[0], *rest], one_input)
        atheris.Fuzz()
    started = time.perf_counter()
    fuzzing = subprocess.run(
        [sys.executable, __file__, "--child", f"-max_total_time={options.seconds}"],
        capture_output=True,
        text=True,
    )
    done = DONE.search(fuzzing.stderr)
    figures = {
        "seconds": round(time.perf_counter() - started),
        "inputs_tried": int(done.group(1)) if done else None,
        "crashed": fuzzing.returncode != 0,
    }
    print(figures)
    write_results("fuzz_parsers", figures)
    if fuzzing.returncode != 0:
        print(fuzzing.stderr[-5000:], file=sys.stderr)
        sys.exit(fuzzing.returncode)


if __name__ == "__main__":
    main()
