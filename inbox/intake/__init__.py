"""Intake: every channel's messages into cases.

Mail and webhook events taken in (`polling`, `webhook_events`), callback requests
(`callbacks`), letters, calls and visits registered by hand (`registration`), case
references, a new case's language (`languages`) and acknowledgements. `receive` is the one
entry point every channel's message goes through (README, "How the core works"), so it is
the package's own name.

May import: `settings`, `cases`, `outbox`, `reports` (the daily counts), `people` (audit),
the infrastructure modules (`extensions`, `database`, `clock`, `i18n`, `blobs`, `models`),
`channels` and `rules`. Never `web`, `api` or `commands`.
"""

from inbox.intake.receiving import IntakeError, receive, receive_or_flag

__all__ = ["IntakeError", "receive", "receive_or_flag"]
