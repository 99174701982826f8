"""Reading the municipality, calendar and promise sections of the configuration.

The configuration is a TOML file; Svarfrist ships Alver kommune's rules as
defaults (``rules/defaults.toml``) and a municipality's file overrides them.
Every problem is collected, so one run of ``svarfrist config check`` lists all
of them, each naming the file, the key and what is expected.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from holidays import registry

from rules.calendar import WEEKDAYS, Calendar, CalendarError, OpeningHours, Period
from rules.promises import CHANNELS, ChannelPromise, PromiseError, parse_rule

DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")
#: The staff's languages, and the municipality's own: the user interface has these.
LANGUAGES = ("nn", "nb", "en")
#: Languages the citizen's texts (acknowledgements, the public pages) exist in: each has a
#: catalog in translations/. Northern Sámi (se) is for citizens only.
CITIZEN_LANGUAGES = (*LANGUAGES, "se")
RULES_SECTIONS = ("municipality", "calendar", "promises")
#: Channels whose messages are confirmed where they are sent, never by an acknowledgement.
UNACKNOWLEDGED_CHANNELS = ("web",)
MUNICIPALITY_KEYS = (
    "name",
    "language",
    "timezone",
    "accessibility_statement_url",
    "citizen_languages",
    "detect_short_messages",
)
MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a configuration file."""

    key: str
    message: str


class ConfigError(Exception):
    """The configuration cannot be used; ``problems`` lists every reason."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p.key}: {p.message}" for p in problems))


@dataclass(frozen=True)
class Municipality:
    name: str
    language: str
    timezone: str
    #: The municipality's accessibility statement (uustatus.no), linked from every public page.
    accessibility_statement_url: str | None = None
    #: The languages citizens are offered and answered in (``citizen_languages``).
    citizen_languages: tuple[str, ...] = LANGUAGES
    #: Tell Nynorsk and Bokmål in messages under 120 letters too (``detect_short_messages``):
    #: about 90 MB more memory in each process that takes messages in.
    detect_short_messages: bool = False


@dataclass(frozen=True)
class RulesConfig:
    """The municipality, its calendar and the promise rule of every channel."""

    municipality: Municipality
    calendar: Calendar
    promises: dict[str, ChannelPromise]


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; unreadable or malformed files raise :class:`ConfigError`."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        problem = Problem("(file)", f"cannot be read: {error.strerror}")
        raise ConfigError(str(path), [problem]) from None
    except tomllib.TOMLDecodeError as error:
        problem = Problem("(file)", f"is not valid TOML: {error}")
        raise ConfigError(str(path), [problem]) from None


def with_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """Lay a municipality's rules sections over the shipped defaults, key by key."""
    merged = read_toml(DEFAULTS_PATH)
    for section in RULES_SECTIONS:
        own = data.get(section, {})
        merged[section] = {**merged[section], **own} if isinstance(own, dict) else own
    return merged


def parse_rules(data: dict[str, Any], problems: list[Problem]) -> RulesConfig | None:
    """Build the rules from defaults-merged data, appending every problem found."""
    before = len(problems)
    municipality = _municipality(data.get("municipality"), problems)
    calendar = _calendar(data.get("calendar"), municipality, problems)
    promises = _promises(data.get("promises"), problems)
    if len(problems) > before or municipality is None or calendar is None:
        return None
    return RulesConfig(municipality, calendar, promises)


def _table(value: Any, key: str, problems: list[Problem]) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    problems.append(Problem(key, f"expected a table, got {value!r}"))
    return None


def _unknown_keys(
    table: dict[str, Any], known: tuple[str, ...], key: str, problems: list[Problem]
) -> None:
    for name in table:
        if name not in known:
            problems.append(
                Problem(f"{key}.{name}", "unknown key; expected one of " + ", ".join(known))
            )


def _municipality(value: Any, problems: list[Problem]) -> Municipality | None:
    table = _table(value, "municipality", problems)
    if table is None:
        return None
    _unknown_keys(table, MUNICIPALITY_KEYS, "municipality", problems)
    name, language, zone = table.get("name"), table.get("language"), table.get("timezone")
    statement = table.get("accessibility_statement_url")
    if statement is not None and not (
        isinstance(statement, str) and statement.startswith(("https://", "http://"))
    ):
        problems.append(
            Problem(
                "municipality.accessibility_statement_url",
                f"expected an http(s):// URL such as https://uustatus.no/nb/erklaringer/..., "
                f"got {statement!r}",
            )
        )
        statement = None
    if not isinstance(name, str) or not name.strip():
        problems.append(
            Problem("municipality.name", f"expected the municipality's name, got {name!r}")
        )
    if language not in LANGUAGES:
        problems.append(
            Problem(
                "municipality.language", f"expected one of {', '.join(LANGUAGES)}, got {language!r}"
            )
        )
    if not _is_zone(zone):
        problems.append(
            Problem(
                "municipality.timezone",
                f'expected an IANA time zone such as "Europe/Oslo", got {zone!r}',
            )
        )
        return None
    offered = _citizen_languages(table.get("citizen_languages", list(LANGUAGES)), problems)
    if offered and language in LANGUAGES and language not in offered:
        problems.append(
            Problem(
                "municipality.citizen_languages",
                f"must include the municipality's language {language!r}, got {offered!r}",
            )
        )
    short = table.get("detect_short_messages", False)
    if not isinstance(short, bool):
        problems.append(
            Problem("municipality.detect_short_messages", f"expected true or false, got {short!r}")
        )
    return Municipality(str(name), str(language), zone, statement, tuple(offered), short is True)


def _citizen_languages(value: Any, problems: list[Problem]) -> list[str]:
    """The codes of ``[municipality] citizen_languages``, each one Svarfrist has texts in."""
    expected = f"expected a list of language codes from {', '.join(CITIZEN_LANGUAGES)}"
    if not isinstance(value, list) or not value:
        problems.append(Problem("municipality.citizen_languages", f"{expected}, got {value!r}"))
        return []
    for index, code in enumerate(value):
        if code not in CITIZEN_LANGUAGES:
            problems.append(
                Problem(
                    f"municipality.citizen_languages[{index}]",
                    f"unknown language {code!r}; {expected}",
                )
            )
    known = [code for code in value if code in CITIZEN_LANGUAGES]
    if len(set(known)) < len(known):
        problems.append(
            Problem("municipality.citizen_languages", f"lists a language twice: {value!r}")
        )
    return known


def _is_zone(value: Any) -> TypeGuard[str]:
    if not isinstance(value, str) or not value:
        return False
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _is_holidays_country(country: object) -> bool:
    """A country code (``NO``, ``NOR``) the holidays package has a calendar for; looked up in
    its registry, as making a calendar or listing them imports every country's module (0.15 s
    of each command)."""
    if not isinstance(country, str) or not (country.isalpha() and country.isupper()):
        return False
    return any(country in names[1:] for names in registry.COUNTRIES.values())


def _calendar(
    value: Any, municipality: Municipality | None, problems: list[Problem]
) -> Calendar | None:
    table = _table(value, "calendar", problems)
    if table is None:
        return None
    _unknown_keys(
        table, ("country", "opening_hours", "special_days", "periods"), "calendar", problems
    )
    before = len(problems)
    country = table.get("country")
    if not _is_holidays_country(country):
        problems.append(
            Problem(
                "calendar.country",
                "expected a country code known to the holidays package, "
                f'such as "NO", got {country!r}',
            )
        )
    weekly_problems = len(problems)
    weekly = _weekly(table.get("opening_hours"), "calendar.opening_hours", problems)
    if weekly == {} and len(problems) == weekly_problems:
        problems.append(Problem("calendar.opening_hours", "at least one weekday must be open"))
    recurring, dated = _special_days(table.get("special_days", {}), problems)
    periods = _periods(table.get("periods", []), problems)
    if len(problems) > before or municipality is None:
        return None
    if not isinstance(country, str) or weekly is None:
        return None  # never here: told as problems above, but the types do not know it
    return Calendar(municipality.timezone, country, weekly, periods, recurring, dated)


def _parse_hours(value: Any) -> OpeningHours | None:
    """Opening hours from ``"HH:MM-HH:MM"``, or ``None`` for ``"closed"``."""
    if value == "closed":
        return None
    if not isinstance(value, str):
        raise CalendarError(f'expected "HH:MM-HH:MM" or "closed", got {value!r}')
    return OpeningHours.parse(value)


def _weekly(value: Any, key: str, problems: list[Problem]) -> dict[int, OpeningHours] | None:
    table = _table(value, key, problems)
    if table is None:
        return None
    weekly = {}
    for name, hours_text in table.items():
        if name not in WEEKDAYS:
            problems.append(
                Problem(f"{key}.{name}", "unknown weekday; expected one of " + ", ".join(WEEKDAYS))
            )
            continue
        try:
            hours = _parse_hours(hours_text)
        except CalendarError as error:
            problems.append(Problem(f"{key}.{name}", str(error)))
            continue
        if hours is not None:
            weekly[WEEKDAYS.index(name)] = hours
    return weekly


def _month_day(text: Any) -> tuple[int, int] | None:
    match = MONTH_DAY.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    month, day = int(match[1]), int(match[2])
    try:
        date(2024, month, day)  # a leap year, so 02-29 is accepted
    except ValueError:
        return None
    return month, day


def _special_days(
    value: Any, problems: list[Problem]
) -> tuple[dict[tuple[int, int], OpeningHours | None], dict[date, OpeningHours | None]]:
    recurring: dict[tuple[int, int], OpeningHours | None] = {}
    dated: dict[date, OpeningHours | None] = {}
    table = _table(value, "calendar.special_days", problems)
    for name, hours_text in (table or {}).items():
        key = f'calendar.special_days."{name}"'
        try:
            hours = _parse_hours(hours_text)
        except CalendarError as error:
            problems.append(Problem(key, str(error)))
            continue
        if (month_day := _month_day(name)) is not None:
            recurring[month_day] = hours
        elif ISO_DATE.match(name) and (on := _iso_date(name)) is not None:
            dated[on] = hours
        else:
            problems.append(
                Problem(key, 'expected a recurring date "MM-DD" or a date "YYYY-MM-DD" as the key')
            )
    return recurring, dated


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _periods(value: Any, problems: list[Problem]) -> tuple[Period, ...]:
    if not isinstance(value, list):
        problems.append(
            Problem(
                "calendar.periods",
                f"expected an array of tables ([[calendar.periods]]), got {value!r}",
            )
        )
        return ()
    periods = []
    for index, entry in enumerate(value):
        key = f"calendar.periods[{index}]"
        table = _table(entry, key, problems)
        if table is None:
            continue
        _unknown_keys(table, ("name", "from", "to", "opening_hours"), key, problems)
        start, end = _month_day(table.get("from")), _month_day(table.get("to"))
        for edge, parsed in (("from", start), ("to", end)):
            if parsed is None:
                problems.append(
                    Problem(f"{key}.{edge}", f'expected a date "MM-DD", got {table.get(edge)!r}')
                )
        weekly = _weekly(table.get("opening_hours"), f"{key}.opening_hours", problems)
        if start and end and weekly is not None:
            periods.append(
                Period(str(table.get("name", f"period {index + 1}")), start, end, weekly)
            )
    return tuple(periods)


def _promises(value: Any, problems: list[Problem]) -> dict[str, ChannelPromise]:
    table = _table(value, "promises", problems)
    promises = {}
    for channel, entry in (table or {}).items():
        key = f"promises.{channel}"
        if channel not in CHANNELS:
            problems.append(Problem(key, "unknown channel; expected one of " + ", ".join(CHANNELS)))
            continue
        rules = _table(entry, key, problems)
        if rules is None:
            continue
        _unknown_keys(rules, ("due", "target", "acknowledge"), key, problems)
        acknowledge = rules.get("acknowledge", False)
        if not isinstance(acknowledge, bool):
            problems.append(
                Problem(f"{key}.acknowledge", f"expected true or false, got {acknowledge!r}")
            )
        elif acknowledge and channel in UNACKNOWLEDGED_CHANNELS:
            problems.append(
                Problem(
                    f"{key}.acknowledge",
                    "must be false: the status page itself tells the citizen it arrived",
                )
            )
        if "due" not in rules:
            problems.append(Problem(f"{key}.due", "missing; every channel needs a due rule"))
            continue
        parsed = {}
        for name in ("due", "target"):
            if name in rules:
                try:
                    parsed[name] = parse_rule(rules[name])
                except PromiseError as error:
                    problems.append(Problem(f"{key}.{name}", str(error)))
        if "due" in parsed and len(parsed) == len(set(rules) & {"due", "target"}):
            promises[channel] = ChannelPromise(
                parsed["due"], parsed.get("target"), acknowledge is True
            )
    return promises
