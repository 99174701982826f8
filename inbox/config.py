"""Loading Svarfrist's configuration file (``SVARFRIST_CONFIG``).

The file is TOML. Sections this module does not know are reported as problems
rather than ignored, so a misspelt section name never silently drops a rule.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rules.config import (
    RULES_SECTIONS,
    ConfigError,
    Problem,
    RulesConfig,
    parse_rules,
    read_toml,
    with_defaults,
)

CONFIG_ENV = "SVARFRIST_CONFIG"
KNOWN_SECTIONS = RULES_SECTIONS


@dataclass(frozen=True)
class Settings:
    """The whole validated configuration and the file it came from (``None``: defaults)."""

    source: Path | None
    rules: RulesConfig


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
    rules = parse_rules(with_defaults(data), problems)
    if problems or rules is None:
        raise ConfigError(label, problems)
    return Settings(source, rules)
