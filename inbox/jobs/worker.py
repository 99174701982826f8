"""The background worker (`svarfrist worker`): every recurring job, on one schedule.

Jobs: take in stored webhooks, poll each channel account at its own
interval, send the outbox, escalate handovers nobody answered and promises
about to break or broken, mail leaders the monthly report (when ``[report]
monthly_mail`` is on), apply retention and train the department suggestions every
night, and record a heartbeat
for /healthz. Several workers (and web processes) may run against one
PostgreSQL database: outbox rows and webhook events are claimed with ``SKIP
LOCKED``, a mailbox is polled under an advisory lock, a handover is escalated
under a row lock and each escalation notice has a unique key, so nothing is
done twice. SIGTERM lets the running jobs finish, then the worker exits.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
from collections.abc import Callable
from typing import TypeVar

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from inbox.clock import now
from inbox.database import commit_and_begin_write
from inbox.extensions import db
from inbox.handovers import workflow as handovers
from inbox.jobs import escalation, monthly_report, retention, suggestions
from inbox.jobs.dispatch import drain
from inbox.jobs.polling import poll_account, poll_meta_account, poll_sms_account
from inbox.jobs.webhooks import take_in_pending
from inbox.logs import describe
from inbox.models.heartbeats import HEARTBEAT_SECONDS, WorkerHeartbeat
from inbox.outbox.senders import senders_for
from inbox.people.throttle import forget_old_attempts
from inbox.reports import turn_days
from inbox.settings.config import Settings

log = logging.getLogger(__name__)
DISPATCH_SECONDS = 5
WEBHOOK_SECONDS = 5
TURN_DAYS_SECONDS = 10  # the report adds up the changes not folded yet, so any delay is fine
HANDOVER_SECONDS = 300
ESCALATION_SECONDS = 300
# The monthly report is due once a month; checking often lets a restarted worker catch up.
MONTHLY_REPORT_SECONDS = 900
LOGIN_ATTEMPTS_SECONDS = 3600  # failed logins are only needed for the throttle's window
T = TypeVar("T")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def build_scheduler(app: Flask, *, dispatch_seconds: float = DISPATCH_SECONDS) -> BlockingScheduler:
    settings: Settings = app.extensions["svarfrist"]
    scheduler = BlockingScheduler(
        timezone=settings.rules.municipality.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )
    name = worker_name()
    started = now()

    def add(job_id: str, seconds: float, work: Callable[[], object]) -> None:
        scheduler.add_job(
            _in_context(app, job_id, work),
            "interval",
            seconds=seconds,
            id=job_id,
            next_run_time=now(),
        )

    add("heartbeat", HEARTBEAT_SECONDS, lambda: beat(name, started))
    add("webhooks", WEBHOOK_SECONDS, take_in_pending)
    add("turn-days", TURN_DAYS_SECONDS, lambda: as_unit_of_work(turn_days.fold))
    add("dispatch", dispatch_seconds, lambda: drain(senders_for(app)))
    add("handover-deadlines", HANDOVER_SECONDS, lambda: as_unit_of_work(handovers.notify_overdue))
    add("escalation", ESCALATION_SECONDS, escalation.check)
    add("monthly-report", MONTHLY_REPORT_SECONDS, monthly_report.send_due)
    add("login-attempts", LOGIN_ATTEMPTS_SECONDS, lambda: as_unit_of_work(forget_old_attempts))
    scheduler.add_job(
        _in_context(app, "retention", retention.apply), "cron", hour=2, minute=30, id="retention"
    )
    scheduler.add_job(
        _in_context(app, "suggestions", suggestions.train_nightly),
        "cron",
        hour=3,
        minute=15,
        id="suggestions",
    )
    hour, minute = settings.digest_time
    scheduler.add_job(
        _in_context(app, "digests", escalation.send_digests),
        "cron",
        day_of_week="mon-fri",
        hour=hour,
        minute=minute,
        id="digests",
    )
    for account in settings.email_accounts:
        if account.imap is not None:
            add(
                f"poll-email-{account.name}",
                account.poll_interval_seconds,
                lambda account=account: poll_account(account),
            )
    for account in settings.sms_accounts:
        add(
            f"poll-sms-{account.name}",
            account.poll_interval_seconds,
            lambda account=account: poll_sms_account(account),
        )
    for account in settings.meta_accounts:
        add(
            f"poll-meta-{account.name}",
            account.poll_interval_seconds,
            lambda account=account: poll_meta_account(account),
        )
    return scheduler


def _in_context(app: Flask, job_id: str, work: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            try:
                result = work()
                if result:
                    log.info("job=%s result=%s", job_id, result)
            except Exception as error:  # one failing job must not stop the worker
                log.error("job_failed job=%s error=%s", job_id, describe(error))
                db.session.rollback()
            finally:
                db.session.remove()

    return run


def as_unit_of_work(work: Callable[[], T]) -> T:
    """Run ``work`` (a service that flushes) as one unit of work: what the session holds is
    committed first, ``work`` runs as a writer from its start and is committed when it
    returns."""
    commit_and_begin_write()
    done = work()
    db.session.commit()
    return done


def beat(name: str, started) -> None:
    commit_and_begin_write()
    heartbeat = db.session.get(WorkerHeartbeat, name)
    if heartbeat is None:
        heartbeat = WorkerHeartbeat(worker=name, started_at=started, beat_at=now())
        db.session.add(heartbeat)
    heartbeat.beat_at = now()
    db.session.commit()


def run(app: Flask, **options) -> None:
    """Run until SIGTERM or SIGINT; the jobs that are running then finish first."""
    scheduler = build_scheduler(app, **options)

    def stop(signum, _frame) -> None:
        log.info("worker_stopping signal=%s", signal.Signals(signum).name)
        scheduler.shutdown(wait=True)  # the running jobs finish first

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("worker_started name=%s jobs=%s", worker_name(), len(scheduler.get_jobs()))
    scheduler.start()
    log.info("worker_stopped name=%s", worker_name())
