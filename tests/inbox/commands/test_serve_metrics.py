"""/metrics under `svarfrist serve` with two gunicorn workers: every scrape counts every
worker's requests (prometheus-client's multiprocess mode), and without its directory the
server refuses to start."""

from __future__ import annotations

import os
import subprocess

import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.inbox.commands.test_serve import SVARFRIST, serving

TOKEN = "scrape-token-81c2"


def login_count(base: str) -> float:
    response = requests.get(
        f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert response.status_code == 200, response.text
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == "svarfrist_request_duration_seconds_count" and sample.labels == {
                "endpoint": "auth.login"
            }:
                return sample.value
    return 0


def configured(tmp_path) -> dict[str, str]:
    config = tmp_path / "svarfrist.toml"
    config.write_text('[metrics]\ntoken_env = "SVARFRIST_TEST_METRICS_TOKEN"\n')
    return {"SVARFRIST_CONFIG": str(config), "SVARFRIST_TEST_METRICS_TOKEN": TOKEN}


def test_every_scrape_counts_the_requests_of_both_workers(tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "histogram_99999.db").write_bytes(b"left over from a run before")
    env = {**configured(tmp_path), "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    with serving(tmp_path, workers=2, **env) as base:
        for _ in range(20):  # new connections: gunicorn spreads them over its workers
            assert requests.get(f"{base}/login", timeout=10).status_code == 200
        # serving() fetched /login once before handing over.
        counts = {login_count(base) for _ in range(6)}
    assert counts == {21}
    assert not (metrics_dir / "histogram_99999.db").exists()
    assert len(list(metrics_dir.glob("histogram_*.db"))) == 2  # one file per worker


def test_two_workers_without_the_multiprocess_directory_are_refused(tmp_path):
    env = {**os.environ, **configured(tmp_path)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env["SVARFRIST_DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.db'}"
    done = subprocess.run(
        [SVARFRIST, "serve", "--workers", "2", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "PROMETHEUS_MULTIPROC_DIR" in done.stderr and "--workers 1" in done.stderr
