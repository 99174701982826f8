"""One configured Facebook page (with its Instagram account), its secrets and their errors."""

from __future__ import annotations

from dataclasses import dataclass

from channels.base import secret_from_environment

GRAPH_API = "https://graph.facebook.com"
TIMEOUT_SECONDS = 30


class MetaCredentialError(Exception):
    """A secret could not be had; the message names the account and the variable."""


@dataclass(frozen=True)
class MetaAccount:
    """One configured Facebook page, with its linked Instagram account if any."""

    name: str
    page_id: str
    page_token_env: str
    app_secret_env: str
    verify_token_env: str
    instagram_account_id: str | None = None
    graph_base_url: str = GRAPH_API
    api_version: str = "v21.0"
    #: Meta granted the page the HUMAN_AGENT permission (replies up to 7 days).
    human_agent_tag: bool = False
    poll_interval_seconds: int = 300

    def page_token(self) -> str:
        return self._secret(self.page_token_env, "page_token_env")

    def app_secret(self) -> str:
        return self._secret(self.app_secret_env, "app_secret_env")

    def verify_token(self) -> str:
        return self._secret(self.verify_token_env, "verify_token_env")

    def url(self, path: str) -> str:
        return f"{self.graph_base_url.rstrip('/')}/{self.api_version}/{path.lstrip('/')}"

    def own_ids(self) -> frozenset[str]:
        """The ids the page and its Instagram account write under: never a citizen."""
        return frozenset(filter(None, (self.page_id, self.instagram_account_id)))

    def _secret(self, variable: str, setting: str) -> str:
        owner = f"Meta account {self.name!r}"
        return secret_from_environment(variable, owner, setting, MetaCredentialError)
