"""``[auth]``: how staff sign in (passwords here, and/or the municipality's OpenID provider).

```toml
[auth]
local_passwords = true          # false: only the identity provider (and break-glass admins)
public_url = "https://svarfrist.alver.kommune.no"   # redirect URI: {public_url}/auth/oidc/callback
contact = "it-hjelp@alver.kommune.no"               # whom a refused person is told to ask

[auth.oidc]
name = "Alver kommune (Entra ID)"
discovery_url = "https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration"
client_id = "..."
client_secret_env = "SVARFRIST_OIDC_SECRET"
roles_claim = "roles"
[auth.oidc.roles]
"Svarfrist.Byggesak" = { role = "staff", departments = ["byggesak"] }
```

The departments are checked against the database at start-up
(:func:`inbox.people.oidc_users.check_departments`), which this module cannot reach.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from inbox.roles import Role
from rules.config import Problem

AUTH_KEYS = {"local_passwords": bool, "public_url": str, "contact": str, "oidc": dict}
OIDC_KEYS = {
    "name": str,
    "discovery_url": str,
    "client_id": str,
    "client_secret_env": str,
    "roles_claim": str,
    "roles": dict,
}
OIDC_REQUIRED = ("name", "discovery_url", "client_id", "client_secret_env")
GRANT_KEYS = ("role", "departments")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: The path of the provider's redirect back to us, after ``public_url``.
CALLBACK_PATH = "/auth/oidc/callback"


@dataclass(frozen=True)
class Grant:
    """What one value of the roles claim gives: a role and departments (slugs)."""

    role: Role
    departments: tuple[str, ...] = ()


@dataclass(frozen=True)
class OidcProvider:
    """``[auth.oidc]``: the municipality's OpenID Connect provider and its role mapping."""

    name: str
    discovery_url: str
    client_id: str
    #: The NAME of the environment variable holding the client secret.
    client_secret_env: str
    roles_claim: str = "roles"
    #: Claim value -> what it gives.
    roles: dict[str, Grant] = field(default_factory=dict)

    @property
    def client_secret(self) -> str:
        return os.environ.get(self.client_secret_env, "")


@dataclass(frozen=True)
class AuthSettings:
    """``[auth]``; the defaults are passwords only, no identity provider."""

    local_passwords: bool = True
    #: Where browsers reach Svarfrist (no trailing slash); required with ``[auth.oidc]``.
    public_url: str | None = None
    #: Whom a person refused at sign-in should ask (an address or a name); shown as given.
    contact: str | None = None
    oidc: OidcProvider | None = None

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}{CALLBACK_PATH}"


def parse_auth(section: Any, problems: list[Problem]) -> AuthSettings:
    """``[auth]`` with ``[auth.oidc]``; every problem names its key."""
    if not isinstance(section, dict):
        problems.append(Problem("auth", f"expected a table, got {section!r}"))
        return AuthSettings()
    found = len(problems)
    _typed(section, AUTH_KEYS, "auth", problems)
    public_url = section.get("public_url")
    if isinstance(public_url, str):
        if not public_url.startswith(("https://", "http://")) or "?" in public_url:
            problems.append(
                Problem("auth.public_url", f"expected an http(s):// URL, got {public_url!r}")
            )
        public_url = public_url.rstrip("/")
    oidc = None
    if isinstance(section.get("oidc"), dict):
        oidc = _oidc(section["oidc"], problems)
        if public_url is None:
            problems.append(
                Problem(
                    "auth.public_url",
                    "required with [auth.oidc]: the address browsers reach Svarfrist at; the "
                    f"provider redirects to {{public_url}}{CALLBACK_PATH}",
                )
            )
    if section.get("local_passwords") is False and "oidc" not in section:
        problems.append(
            Problem(
                "auth.local_passwords",
                "false needs [auth.oidc]: without an identity provider only break-glass "
                "administrators could sign in",
            )
        )
    if len(problems) > found:
        return AuthSettings()
    return AuthSettings(
        local_passwords=section.get("local_passwords", True),
        public_url=public_url,
        contact=section.get("contact"),
        oidc=oidc,
    )


def _oidc(table: dict[str, Any], problems: list[Problem]) -> OidcProvider | None:
    found = len(problems)
    _typed(table, OIDC_KEYS, "auth.oidc", problems)
    for name in OIDC_REQUIRED:
        if name not in table:
            problems.append(Problem(f"auth.oidc.{name}", "missing"))
        elif isinstance(table[name], str) and not table[name].strip():
            problems.append(Problem(f"auth.oidc.{name}", "expected a non-empty string"))
    url = table.get("discovery_url")
    if isinstance(url, str) and not url.startswith(("https://", "http://")):
        problems.append(
            Problem("auth.oidc.discovery_url", f"expected an http(s):// URL, got {url!r}")
        )
    secret_env = table.get("client_secret_env")
    if isinstance(secret_env, str) and secret_env:
        if not ENV_NAME.match(secret_env):
            # Not echoed: it may well be the secret itself.
            problems.append(
                Problem(
                    "auth.oidc.client_secret_env",
                    "expected the NAME of an environment variable (letters, digits, _), "
                    "not the secret itself",
                )
            )
        elif not os.environ.get(secret_env):
            problems.append(
                Problem(
                    "auth.oidc.client_secret_env",
                    f"the environment variable {secret_env} (the client secret) is not set",
                )
            )
    roles = _grants(table.get("roles", {}), problems)
    if len(problems) > found:
        return None
    return OidcProvider(
        name=table["name"].strip(),
        discovery_url=url,
        client_id=table["client_id"],
        client_secret_env=secret_env,
        roles_claim=table.get("roles_claim", "roles"),
        roles=roles,
    )


def _grants(table: Any, problems: list[Problem]) -> dict[str, Grant]:
    if not isinstance(table, dict):
        return {}  # reported by _typed
    if not table:
        problems.append(Problem("auth.oidc.roles", "empty: map at least one claim value to a role"))
    grants = {}
    for value, entry in table.items():
        key = f'auth.oidc.roles."{value}"'
        if not isinstance(entry, dict):
            problems.append(Problem(key, f'expected {{ role = "staff", ... }}, got {entry!r}'))
            continue
        found = len(problems)
        for name in entry:
            if name not in GRANT_KEYS:
                known = ", ".join(GRANT_KEYS)
                problems.append(Problem(f"{key}.{name}", f"unknown key; expected one of {known}"))
        roles = [role.value for role in Role]
        if entry.get("role") not in roles:
            expected = ", ".join(f'"{role}"' for role in roles)
            problems.append(
                Problem(f"{key}.role", f"expected one of {expected}, got {entry.get('role')!r}")
            )
        departments = entry.get("departments", [])
        if not isinstance(departments, list) or not all(
            isinstance(slug, str) and slug for slug in departments
        ):
            problems.append(
                Problem(
                    f"{key}.departments",
                    f"expected an array of department slugs, got {departments!r}",
                )
            )
        if len(problems) == found:
            grants[value] = Grant(Role(entry["role"]), tuple(departments))
    return grants


def _typed(table: dict[str, Any], shape: dict[str, type], key: str, problems: list[Problem]):
    for name, value in table.items():
        expected = shape.get(name)
        if expected is None:
            known = ", ".join(shape)
            problems.append(Problem(f"{key}.{name}", f"unknown key; expected one of {known}"))
        elif not isinstance(value, expected):
            kind = {bool: "true or false", dict: "a table"}.get(expected, "a string")
            problems.append(Problem(f"{key}.{name}", f"expected {kind}, got {value!r}"))
