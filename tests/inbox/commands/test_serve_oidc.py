"""`svarfrist serve` checks ``[auth.oidc.roles]`` against the departments at start-up."""

from __future__ import annotations

import os
import subprocess

from tests.inbox.commands.test_serve import SVARFRIST, free_port
from tests.oidc import SECRET, SECRET_ENV, write_config


def test_serve_refuses_to_start_when_a_role_names_an_unknown_department(tmp_path):
    config = write_config(
        tmp_path,
        discovery_url="https://idp.invalid/.well-known/openid-configuration",
        public_url="https://svarfrist.test",
    )
    env = {
        **os.environ,
        "SVARFRIST_CONFIG": str(config),
        "SVARFRIST_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "SVARFRIST_SECRET_KEY": "serve-test-key",
        SECRET_ENV: SECRET,
    }
    subprocess.run([SVARFRIST, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [SVARFRIST, "departments", "add", "--slug", "byggesak", "--name", "Byggesak",
         "--frontline"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    served = subprocess.run(
        [SVARFRIST, "serve", "--port", str(free_port()), "--proxies", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert served.returncode == 1
    assert (
        f'{config}: auth.oidc.roles."Svarfrist.Barnehage".departments: no department with slug '
        "'barnehage'; known: byggesak"
    ) in served.stderr
    assert "Booting worker" not in served.stderr
