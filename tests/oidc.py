"""OpenID Connect providers on loopback for the sign-in tests.

- :class:`RealProvider` runs panva's certified ``oidc-provider`` (npm; ``make test`` installs
  it from ``tests/oidc_provider/package-lock.json``) with one client, Svarfrist, and the
  people a test gives it. Its login page is the package's development one.
- :class:`AttackerProvider` is a provider the test controls: its own signing key, discovery
  document, JWKS and token endpoint, minting ID tokens a real provider never would (another
  audience or issuer, expired, an old nonce, a signature from a key it does not publish).
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

from inbox.app import create_app
from inbox.settings.config import load_settings

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID = "svarfrist"
SECRET_ENV = "SVARFRIST_TEST_OIDC_SECRET"
SECRET = "test-client-secret-0123456789"
PROVIDER_NAME = "Alver kommune (test)"
ROLES = {
    "Svarfrist.Admin": '{ role = "admin" }',
    "Svarfrist.Leiar.Byggesak": '{ role = "leader", departments = ["byggesak"] }',
    "Svarfrist.Byggesak": '{ role = "staff", departments = ["byggesak"] }',
    "Svarfrist.Barnehage": '{ role = "staff", departments = ["barnehage"] }',
}


def write_config(
    folder: Path,
    *,
    discovery_url: str,
    public_url: str,
    local_passwords: bool = True,
    contact: str | None = "it-hjelp@alver.kommune.no",
) -> Path:
    """A configuration file with ``[auth]`` and ``[auth.oidc]`` for the provider."""
    lines = [
        "[auth]",
        f"local_passwords = {'true' if local_passwords else 'false'}",
        f'public_url = "{public_url}"',
        *([f'contact = "{contact}"'] if contact else []),
        "",
        "[auth.oidc]",
        f'name = "{PROVIDER_NAME}"',
        f'discovery_url = "{discovery_url}"',
        f'client_id = "{CLIENT_ID}"',
        f'client_secret_env = "{SECRET_ENV}"',
        'roles_claim = "roles"',
        "[auth.oidc.roles]",
        *(f'"{value}" = {grant}' for value, grant in ROLES.items()),
    ]
    path = folder / "svarfrist.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build_app(database_url: str, config: Path, data_dir: Path):
    """The app on ``database_url`` with the configuration file ``config``."""
    settings = replace(load_settings(config), database_url=database_url, data_dir=data_dir)
    return create_app(
        settings,
        SQLALCHEMY_DATABASE_URI=database_url,
        TESTING=True,
        SECRET_KEY="test-secret-key",
        SESSION_COOKIE_SECURE=False,
        REMEMBER_COOKIE_SECURE=False,
    )


class RealProvider:
    """``node tests/oidc_provider/provider.js`` on a free loopback port."""

    def __init__(self, folder: Path, public_url: str) -> None:
        self.accounts_path = folder / "accounts.json"
        self.people: dict[str, dict] = {}
        self._write_people()
        config = folder / "provider.json"
        client = {
            "client_id": CLIENT_ID,
            "client_secret": SECRET,
            "redirect_uris": [f"{public_url}/auth/oidc/callback"],
            "post_logout_redirect_uris": [f"{public_url}/login"],
        }
        config.write_text(json.dumps({"clients": [client], "accounts": str(self.accounts_path)}))
        if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError(
                "oidc-provider is not installed: run `make test` (it runs "
                "`npm ci --prefix tests/oidc_provider`)"
            )
        self.process = subprocess.Popen(
            ["node", str(PROVIDER_DIR / "provider.js"), str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # the package's warnings about its development defaults
            text=True,
        )
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"oidc-provider did not start (exit {self.process.wait()})")
        self.issuer = json.loads(line)["issuer"]
        self.discovery_url = f"{self.issuer}/.well-known/openid-configuration"

    def set_person(self, login: str, **claims) -> None:
        """Who ``login`` is at the provider (read again at every sign-in)."""
        self.people[login] = claims
        self._write_people()

    def _write_people(self) -> None:
        self.accounts_path.write_text(json.dumps(self.people), encoding="utf-8")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class AttackerProvider:
    """A provider whose every answer the test decides; on a free loopback port.

    ``/authorize`` remembers the nonce and state it was sent and redirects straight back;
    ``/token`` answers with an ID token of :meth:`id_token_claims`, changed by
    ``overrides`` and signed with ``signing_key`` (default: the key ``/jwks`` publishes).
    """

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "attacker-1"})
        self.signing_key = self.key
        self.overrides: dict = {}
        #: False: the token endpoint answers without an ID token (an OAuth-only answer).
        self.sends_id_token = True
        self.nonce: str | None = None
        self.person = {"sub": "attacker-sub", "email": "kari@alver.kommune.no", "name": "Kari"}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.discovery_url = f"{self.issuer}/.well-known/openid-configuration"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def id_token_claims(self) -> dict:
        moment = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": moment,
            "exp": moment + 300,
            "nonce": self.nonce,
            "roles": ["Svarfrist.Byggesak"],
            **self.person,
        }
        claims.update(self.overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def id_token(self) -> str:
        header = {"alg": "RS256", "kid": self.signing_key.kid}
        return jwt.encode(header, self.id_token_claims(), self.signing_key)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _json(self, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {name: values[0] for name, values in parse_qs(parts.query).items()}
                if parts.path == "/.well-known/openid-configuration":
                    self._json(
                        {
                            "issuer": provider.issuer,
                            "authorization_endpoint": f"{provider.issuer}/authorize",
                            "token_endpoint": f"{provider.issuer}/token",
                            "jwks_uri": f"{provider.issuer}/jwks",
                            "end_session_endpoint": f"{provider.issuer}/logout",
                            "response_types_supported": ["code"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "code_challenge_methods_supported": ["S256"],
                        }
                    )
                elif parts.path == "/jwks":
                    self._json({"keys": [provider.key.as_dict(private=False)]})
                elif parts.path == "/authorize":
                    provider.nonce = query.get("nonce")
                    back = {"code": "attacker-code", "state": query.get("state", "")}
                    self.send_response(302)
                    self.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
                    self.end_headers()
                else:
                    self.send_error(404)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path != "/token":
                    self.send_error(404)
                    return
                answer = {
                    "access_token": "attacker-access-token",
                    "token_type": "Bearer",
                    "expires_in": 300,
                }
                if provider.sends_id_token:
                    answer["id_token"] = provider.id_token()
                self._json(answer)

        return Handler
