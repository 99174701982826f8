"""Loading Svarfrist's configuration file (``SVARFRIST_CONFIG``).

The file is TOML. Sections this module does not know are reported as problems
rather than ignored, so a misspelt section name never silently drops a rule.
Secrets and the database URL can come from the environment instead, so the
file itself can be kept in version control:

- ``SVARFRIST_DATABASE_URL`` overrides ``[database] url``;
- ``SVARFRIST_SECRET_KEY`` is the session signing key (without it one is
  generated once and kept in the instance folder);
- ``[auth.oidc] client_secret_env`` names the variable holding the identity
  provider's client secret.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from channels.email import EmailAccount
from channels.meta.account import MetaAccount
from channels.sms import TwilioAccount
from inbox.paths import INSTANCE_DIR
from inbox.settings import placeholders
from inbox.settings.auth import AuthSettings, parse_auth
from inbox.settings.channels import parse_channels
from inbox.settings.report import ReportSettings, parse_report
from inbox.settings.status_page import StatusPageSettings, parse_status_page
from inbox.settings.storage import S3Storage, parse_storage
from inbox.settings.suggestions import SuggestionSettings, parse_suggestions
from inbox.settings.tables import array_of_tables
from rules.autoreply import AcknowledgementLimits
from rules.config import (
    CITIZEN_LANGUAGES,
    LANGUAGES,
    RULES_SECTIONS,
    ConfigError,
    Problem,
    RulesConfig,
    parse_rules,
    read_toml,
    with_defaults,
)
from rules.escalation import EscalationRule

CONFIG_ENV = "SVARFRIST_CONFIG"
DATABASE_ENV = "SVARFRIST_DATABASE_URL"
APP_SECTIONS = {
    "database": {"url": str},
    "storage": {"data_dir": str, "max_attachment_mb": int, "backend": str, "s3": dict},
    "intake": {"thread_window_days": int, "frontline": str},
    "retention": {"closed_months": int, "action": str},
    "handovers": {"accept_within_working_days": int, "leader_only": list},
    "acknowledgements": {
        "per_sender_hours": int,
        "quiet_period_hours": int,
        # The municipality's own e-mail acknowledgement in each citizen language.
        **{f"email_{language}": str for language in CITIZEN_LANGUAGES},
    },
}
# Whole numbers are counts of hours, days or months (or megabytes); anything larger is a typo,
# and would overflow the date arithmetic that uses it.
LARGEST_NUMBER = 10_000
# Keys that may be 0 (switching a limit off).
ZERO_ALLOWED = {"acknowledgements.per_sender_hours", "acknowledgements.quiet_period_hours"}
KNOWN_SECTIONS = (
    *RULES_SECTIONS,
    *APP_SECTIONS,
    "templates",
    "channels",
    "escalation",
    "metrics",
    "auth",
    "report",
    "status_page",
    "suggestions",
)
ESCALATION_KEYS = {"warn_hours_before": int, "next_level_after_days": int, "next_level": list}
DIGEST_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
TEMPLATE_KEYS = ("name", "text", "language", "department")
METRICS_KEYS = {"token_env": str, "loopback_only": bool}
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class RetentionAction(StrEnum):
    """What ``[retention] action`` does to a closed case past its months."""

    ANONYMIZE = "anonymize"
    DELETE = "delete"


@dataclass(frozen=True)
class ReplyTemplate:
    """A ready answer ("mal") staff can start from; for one department or all."""

    name: str
    text: str
    language: str
    department: str | None = None


@dataclass(frozen=True)
class MetricsAccess:
    """Who may read ``/metrics`` (``[metrics]``); neither set: nobody (it answers 404)."""

    #: The environment variable holding the bearer token scrapers must send.
    token_env: str | None = None
    #: Only requests from the machine itself (127.0.0.1, ::1).
    loopback_only: bool = False

    @property
    def is_on(self) -> bool:
        return self.token_env is not None or self.loopback_only


@dataclass(frozen=True)
class Settings:
    """The whole validated configuration and the file it came from (``None``: defaults)."""

    source: Path | None
    rules: RulesConfig
    database_url: str
    data_dir: Path
    #: Object storage for raw messages and attachments; ``None``: files under ``data_dir``.
    s3: S3Storage | None = None
    max_attachment_bytes: int = 25 * 1024 * 1024
    #: Days after its last message that an SMS or Messenger message joins the sender's open case.
    thread_window_days: int = 14
    #: Slug of the department new cases land in; default: the one marked frontline.
    frontline: str | None = None
    templates: tuple[ReplyTemplate, ...] = ()
    email_accounts: tuple[EmailAccount, ...] = ()
    sms_accounts: tuple[TwilioAccount, ...] = ()
    meta_accounts: tuple[MetaAccount, ...] = ()
    acknowledgement_limits: AcknowledgementLimits = field(default_factory=AcknowledgementLimits)
    #: The municipality's own e-mail acknowledgement per language (``str.format`` placeholders).
    acknowledgement_texts: dict[str, str] = field(default_factory=dict)
    #: Working days a receiving department has to accept or decline before its leader is told.
    handover_days: int = 1
    #: Departments (slugs) where only the leader may accept a handover.
    handover_leader_only: frozenset[str] = frozenset()
    #: Months after closing when a case is anonymized or deleted; ``None``: kept (not configured).
    retention_months: int | None = None
    retention_action: RetentionAction = RetentionAction.ANONYMIZE
    #: The escalation ladder: ``None`` is every department's, a slug one department's own.
    escalation: dict[str | None, EscalationRule] = field(default_factory=dict)

    #: When leaders get their daily list (local time, working days).
    digest_time: tuple[int, int] = (8, 0)
    metrics: MetricsAccess = field(default_factory=MetricsAccess)
    #: How staff sign in (``[auth]``, ``[auth.oidc]``).
    auth: AuthSettings = field(default_factory=AuthSettings)
    #: The channel report's yardsticks (``[report]``).
    report: ReportSettings = field(default_factory=ReportSettings)
    #: The citizen's status link and page (``[status_page]``).
    status_page: StatusPageSettings = field(default_factory=StatusPageSettings)
    #: Department suggestions learned from the cases (``[suggestions]``).
    suggestions: SuggestionSettings = field(default_factory=SuggestionSettings)

    def escalation_rule(self, department_slug: str) -> EscalationRule:
        return self.escalation.get(department_slug) or self.escalation.get(None) or EscalationRule()

    @property
    def own_addresses(self) -> frozenset[str]:
        """Every address that is ours: never acknowledged, so we never answer ourselves."""
        return frozenset().union(*(a.own_addresses for a in self.email_accounts))

    @property
    def public_url(self) -> str | None:
        """Where citizens reach Svarfrist: ``[status_page] public_url``, else ``[auth]``'s."""
        return self.status_page.public_url or self.auth.public_url


def config_path(explicit: str | Path | None = None) -> Path | None:
    """The configuration file to use: the one given, else ``$SVARFRIST_CONFIG``, else none."""
    chosen = explicit or os.environ.get(CONFIG_ENV)
    return Path(chosen) if chosen else None


def load_settings(path: str | Path | None = None) -> Settings:
    """Read and validate the configuration; :class:`ConfigError` lists every problem."""
    source = config_path(path)
    data = read_toml(source) if source is not None else {}
    label = str(source) if source is not None else "(built-in defaults)"
    problems = [
        Problem(name, "unknown section; expected one of " + ", ".join(KNOWN_SECTIONS))
        for name in data
        if name not in KNOWN_SECTIONS
    ]
    app = {name: _app_section(data, name, problems) for name in APP_SECTIONS}
    templates = _templates(data.get("templates", []), problems)
    rules = parse_rules(with_defaults(data), problems)
    country = rules.calendar.country if rules is not None else None
    channel_accounts = parse_channels(data.get("channels", {}), country, problems)
    acknowledgement_texts = _acknowledgement_texts(app["acknowledgements"], problems)
    escalation = _escalation(data.get("escalation", {}), problems)
    retention_action = _retention_action(app["retention"], problems)
    base = source.parent if source is not None else None
    s3 = parse_storage(app["storage"], label, base, problems)
    metrics = _metrics(data.get("metrics", {}), problems)
    auth = parse_auth(data.get("auth", {}), problems)
    report = parse_report(data.get("report", {}), problems)
    status_page = parse_status_page(data.get("status_page", {}), problems)
    suggestions = parse_suggestions(data.get("suggestions", {}), problems)
    if problems or rules is None:
        raise ConfigError(label, problems)
    data_dir = Path(app["storage"].get("data_dir", INSTANCE_DIR / "data"))
    if source is not None and not data_dir.is_absolute():
        data_dir = source.parent / data_dir
    database_url = os.environ.get(DATABASE_ENV) or app["database"].get(
        "url", f"sqlite:///{INSTANCE_DIR / 'svarfrist.db'}"
    )
    return Settings(
        source=source,
        rules=rules,
        database_url=database_url,
        data_dir=data_dir,
        s3=s3,
        max_attachment_bytes=app["storage"].get("max_attachment_mb", 25) * 1024 * 1024,
        thread_window_days=app["intake"].get("thread_window_days", 14),
        frontline=app["intake"].get("frontline"),
        templates=templates,
        email_accounts=channel_accounts.email,
        sms_accounts=channel_accounts.sms,
        meta_accounts=channel_accounts.meta,
        acknowledgement_limits=AcknowledgementLimits(
            per_sender=timedelta(hours=app["acknowledgements"].get("per_sender_hours", 24)),
            quiet_period=timedelta(hours=app["acknowledgements"].get("quiet_period_hours", 24)),
        ),
        acknowledgement_texts=acknowledgement_texts,
        escalation=escalation,
        digest_time=_digest_time(data.get("escalation", {}), problems),
        retention_months=app["retention"].get("closed_months"),
        handover_days=app["handovers"].get("accept_within_working_days", 1),
        handover_leader_only=frozenset(app["handovers"].get("leader_only", [])),
        retention_action=retention_action,
        metrics=metrics,
        auth=auth,
        report=report,
        status_page=status_page,
        suggestions=suggestions,
    )


def _metrics(section: Any, problems: list[Problem]) -> MetricsAccess:
    """``[metrics]``: ``token_env`` (the NAME of the variable holding the token) and/or
    ``loopback_only``."""
    if not isinstance(section, dict):
        problems.append(Problem("metrics", f"expected a table, got {section!r}"))
        return MetricsAccess()
    found = len(problems)
    for key, value in section.items():
        expected = METRICS_KEYS.get(key)
        if expected is None:
            known = ", ".join(METRICS_KEYS)
            problems.append(Problem(f"metrics.{key}", f"unknown key; expected one of {known}"))
        elif expected is bool and not isinstance(value, bool):
            problems.append(Problem(f"metrics.{key}", f"expected true or false, got {value!r}"))
        elif expected is str and not (isinstance(value, str) and ENV_NAME.match(value)):
            # Not echoed: it may well be the token itself.
            problems.append(
                Problem(
                    f"metrics.{key}",
                    "expected the NAME of an environment variable (letters, digits, _), "
                    "not the token itself",
                )
            )
    if len(problems) > found:
        return MetricsAccess()
    return MetricsAccess(section.get("token_env"), section.get("loopback_only", False))


def _retention_action(section: dict[str, Any], problems: list[Problem]) -> RetentionAction:
    value = section.get("action", RetentionAction.ANONYMIZE)
    try:
        return RetentionAction(value)
    except ValueError:
        expected = " or ".join(f'"{action}"' for action in RetentionAction)
        problems.append(Problem("retention.action", f"expected {expected}, got {value!r}"))
        return RetentionAction.ANONYMIZE


def _escalation(section: Any, problems: list[Problem]) -> dict[str | None, EscalationRule]:
    """``[escalation]`` for every department, ``[escalation.<slug>]`` for one department."""
    if not isinstance(section, dict):
        problems.append(Problem("escalation", f"expected a table, got {section!r}"))
        return {}
    general = {k: v for k, v in section.items() if not isinstance(v, dict) and k != "digest_time"}
    rules: dict[str | None, EscalationRule] = {}
    base = _escalation_rule(general, "escalation", EscalationRule(), problems)
    if base is not None:
        rules[None] = base
    for slug, own in section.items():
        if isinstance(own, dict):
            rule = _escalation_rule(own, f"escalation.{slug}", base or EscalationRule(), problems)
            if rule is not None:
                rules[slug] = rule
    return rules


def _digest_time(section: Any, problems: list[Problem]) -> tuple[int, int]:
    value = section.get("digest_time", "08:00") if isinstance(section, dict) else "08:00"
    match = DIGEST_TIME.match(value) if isinstance(value, str) else None
    if match is None:
        problems.append(Problem("escalation.digest_time", f'expected "HH:MM", got {value!r}'))
        return (8, 0)
    return int(match[1]), int(match[2])


def _escalation_rule(
    table: dict[str, Any], key: str, base: EscalationRule, problems: list[Problem]
) -> EscalationRule | None:
    found = len(problems)
    for name, value in table.items():
        expected = ESCALATION_KEYS.get(name)
        if expected is None:
            known = ", ".join(ESCALATION_KEYS)
            problems.append(Problem(f"{key}.{name}", f"unknown key; expected one of {known}"))
        elif not isinstance(value, expected) or isinstance(value, bool):
            kind = "a whole number" if expected is int else "an array of e-mail addresses"
            problems.append(Problem(f"{key}.{name}", f"expected {kind}, got {value!r}"))
        elif expected is int and value < 0:
            problems.append(Problem(f"{key}.{name}", f"expected at least 0, got {value!r}"))
        elif expected is int and value > LARGEST_NUMBER:
            problems.append(
                Problem(f"{key}.{name}", f"expected at most {LARGEST_NUMBER}, got {value!r}")
            )
        elif expected is list and not all(isinstance(a, str) and "@" in a for a in value):
            problems.append(Problem(f"{key}.{name}", f"expected e-mail addresses, got {value!r}"))
    if len(problems) > found:
        return None
    return EscalationRule(
        warn_hours_before=table.get("warn_hours_before", base.warn_hours_before),
        next_level_after_days=table.get("next_level_after_days", base.next_level_after_days),
        next_level=tuple(table.get("next_level", base.next_level)),
    )


def _acknowledgement_texts(section: dict[str, Any], problems: list[Problem]) -> dict[str, str]:
    """``email_<language>`` texts, each checked for its placeholders."""
    texts = {}
    for language in CITIZEN_LANGUAGES:
        key = f"email_{language}"
        if key not in section:
            continue
        try:
            placeholders.check(section[key])
        except placeholders.PlaceholderError as error:
            problems.append(Problem(f"acknowledgements.{key}", f"cannot be filled in: {error}"))
            continue
        texts[language] = section[key]
    return texts


def _app_section(data: dict[str, Any], name: str, problems: list[Problem]) -> dict[str, Any]:
    section = data.get(name, {})
    if not isinstance(section, dict):
        problems.append(Problem(name, f"expected a table, got {section!r}"))
        return {}
    shape = APP_SECTIONS[name]
    valid = {}
    for key, value in section.items():
        expected = shape.get(key)
        if expected is None:
            problems.append(
                Problem(f"{name}.{key}", "unknown key; expected one of " + ", ".join(shape))
            )
        elif not isinstance(value, expected) or isinstance(value, bool):
            kind = {
                int: "a whole number",
                list: "an array of department slugs",
                dict: "a table",
            }.get(expected, "a string")
            problems.append(Problem(f"{name}.{key}", f"expected {kind}, got {value!r}"))
        elif expected is int and value < (least := 0 if f"{name}.{key}" in ZERO_ALLOWED else 1):
            problems.append(Problem(f"{name}.{key}", f"expected at least {least}, got {value!r}"))
        elif expected is int and value > LARGEST_NUMBER:
            problems.append(
                Problem(f"{name}.{key}", f"expected at most {LARGEST_NUMBER}, got {value!r}")
            )
        elif expected is list and not all(isinstance(item, str) for item in value):
            problems.append(
                Problem(f"{name}.{key}", f"expected an array of department slugs, got {value!r}")
            )
        else:
            valid[key] = value
    return valid


def _templates(value: Any, problems: list[Problem]) -> tuple[ReplyTemplate, ...]:
    templates = []
    for key, entry in array_of_tables(value, "templates", problems):
        found = len(problems)
        for name in entry:
            if name not in TEMPLATE_KEYS:
                expected = ", ".join(TEMPLATE_KEYS)
                problems.append(
                    Problem(f"{key}.{name}", f"unknown key; expected one of {expected}")
                )
        for name in ("name", "text"):
            if not isinstance(entry.get(name), str) or not entry[name].strip():
                problems.append(Problem(f"{key}.{name}", "expected a non-empty string"))
        if entry.get("language", "nn") not in LANGUAGES:
            problems.append(Problem(f"{key}.language", f"expected one of {', '.join(LANGUAGES)}"))
        department = entry.get("department")
        if department is not None and not isinstance(department, str):
            problems.append(Problem(f"{key}.department", "expected a department's slug"))
        if isinstance(entry.get("text"), str):
            try:
                placeholders.check(entry["text"])
            except placeholders.PlaceholderError as error:
                problems.append(Problem(f"{key}.text", f"cannot be filled in: {error}"))
        if len(problems) == found:
            templates.append(
                ReplyTemplate(
                    entry["name"].strip(), entry["text"], entry.get("language", "nn"), department
                )
            )
    return tuple(templates)
