"""Jobs: the background worker and what it runs on a schedule, each job the owner of its
units of work (the services it calls flush; the job commits).

`worker` composes the schedule; `polling` (mailboxes and providers' lists), `webhooks`
(stored webhook events) and `dispatch` (the outbox) drive other features' services batch by
batch; `escalation`, `monthly_report` and `retention` are jobs of their own. The jobs may
import every feature package; `escalation`, `monthly_report` and `retention` only
`settings`, `outbox`, `reports`, `people` and the infrastructure modules. Never `web`, `api`
or `commands`.
"""
