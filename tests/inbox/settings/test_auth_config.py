"""``[auth]`` and ``[auth.oidc]``: the issue's shape is read as written, and every mistake is
named by its key and the file."""

from __future__ import annotations

import pytest

from inbox.models import Role
from inbox.settings.auth import Grant
from inbox.settings.config import load_settings
from tests.rules.test_config import problems_of, write

ISSUE_EXAMPLE = """
[auth]
local_passwords = false
public_url = "https://svarfrist.alver.kommune.no/"
contact = "it-hjelp@alver.kommune.no"

[auth.oidc]
name = "Alver kommune (Entra ID)"
discovery_url = "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration"
client_id = "0f6d1c9e"
client_secret_env = "SVARFRIST_OIDC_SECRET"
roles_claim = "roles"
[auth.oidc.roles]
"Svarfrist.Admin" = { role = "admin" }
"Svarfrist.Leiar.Byggesak" = { role = "leader", departments = ["byggesak"] }
"Svarfrist.Byggesak" = { role = "staff", departments = ["byggesak"] }
"""


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("SVARFRIST_OIDC_SECRET", "the-secret")


def test_without_auth_passwords_are_on_and_there_is_no_provider(tmp_path):
    auth = load_settings(write(tmp_path, "")).auth
    assert auth.local_passwords is True and auth.oidc is None


def test_the_issues_example_is_read_as_written(tmp_path):
    auth = load_settings(write(tmp_path, ISSUE_EXAMPLE)).auth
    assert auth.local_passwords is False
    assert auth.redirect_uri == "https://svarfrist.alver.kommune.no/auth/oidc/callback"
    assert auth.contact == "it-hjelp@alver.kommune.no"
    assert auth.oidc.name == "Alver kommune (Entra ID)"
    assert auth.oidc.client_secret == "the-secret"
    assert auth.oidc.roles == {
        "Svarfrist.Admin": Grant(Role.ADMIN),
        "Svarfrist.Leiar.Byggesak": Grant(Role.LEADER, ("byggesak",)),
        "Svarfrist.Byggesak": Grant(Role.STAFF, ("byggesak",)),
    }


def test_a_missing_client_secret_variable_is_named(tmp_path, monkeypatch):
    monkeypatch.delenv("SVARFRIST_OIDC_SECRET")
    assert problems_of(tmp_path, ISSUE_EXAMPLE) == [
        f"{tmp_path / 'svarfrist.toml'}: auth.oidc.client_secret_env: the environment variable "
        "SVARFRIST_OIDC_SECRET (the client secret) is not set"
    ]


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ('"Svarfrist.Admin" = { role = "admin" }', 'auth.oidc.roles."Svarfrist.Admin".role', None),
        ('client_id = "0f6d1c9e"', "auth.oidc.client_id", "missing"),
        ('roles_claim = "roles"', "auth.oidc.roles_clam", "unknown key"),
        ('public_url = "https://svarfrist.alver.kommune.no/"', "auth.public_url", "required"),
        ('client_secret_env = "SVARFRIST_OIDC_SECRET"', "auth.oidc.client_secret_env", "NAME"),
        ("local_passwords = false", "auth.local_passwords", "true or false"),
        (
            '"Svarfrist.Byggesak" = { role = "staff", departments = ["byggesak"] }',
            'auth.oidc.roles."Svarfrist.Byggesak".departments',
            "department slugs",
        ),
    ],
)
def test_each_mistake_names_its_key_and_the_file(tmp_path, change, key, message):
    replacement = {
        '"Svarfrist.Admin" = { role = "admin" }': '"Svarfrist.Admin" = { role = "boss" }',
        'client_id = "0f6d1c9e"': "",
        'roles_claim = "roles"': 'roles_clam = "roles"',
        'public_url = "https://svarfrist.alver.kommune.no/"': "",
        'client_secret_env = "SVARFRIST_OIDC_SECRET"': 'client_secret_env = "s3cr3t-v@lue"',
        "local_passwords = false": 'local_passwords = "no"',
        '"Svarfrist.Byggesak" = { role = "staff", departments = ["byggesak"] }': (
            '"Svarfrist.Byggesak" = { role = "staff", departments = "byggesak" }'
        ),
    }[change]
    problems = problems_of(tmp_path, ISSUE_EXAMPLE.replace(change, replacement))
    assert [line.split(": ")[1] for line in problems] == [key], problems
    if message:
        assert message in problems[0]
    assert "s3cr3t-v@lue" not in "".join(problems)  # a secret put in by mistake is not echoed


def test_passwords_off_without_a_provider_is_refused(tmp_path):
    problems = problems_of(tmp_path, "[auth]\nlocal_passwords = false\n")
    assert len(problems) == 1 and "auth.local_passwords: false needs [auth.oidc]" in problems[0]
