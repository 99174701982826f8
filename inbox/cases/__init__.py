"""Cases: the queue, what the case page shows, everyday casework, replies, reply templates and
notes, turns (reply promises), access (who may see and change a case), the time left, and
export.

May import: `settings`, `outbox`, `reports` (the daily counts), `people` (audit), the
infrastructure modules, `channels` and `rules`. Never `intake`, `handovers`, `jobs`, `web`,
`api` or `commands`.
"""
