"""Jobs: the background worker and what it runs on a schedule (escalation, retention, and the
other features' periodic work).

The worker composes: it may import every feature package. `escalation` and `retention` may
import `settings`, `outbox`, `reports`, `people` and the infrastructure modules. Never `web`,
`api` or `commands`.
"""
