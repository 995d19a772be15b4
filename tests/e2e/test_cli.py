"""The `marketplace` command, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_URL, REDIS_URL

SUBCOMMANDS = ["serve", "worker", "migrate", "makemigrations", "demo", "createuser", "check"]


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "-m", "marketplace", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **(env or {})},
        cwd=cwd,
    )


def test_help_lists_every_subcommand() -> None:
    r = run("--help")
    assert r.returncode == 0
    for name in SUBCOMMANDS:
        assert name in r.stdout


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_help(name: str) -> None:
    r = run(name, "--help")
    assert r.returncode == 0
    assert "usage: marketplace " + name in r.stdout


def test_bad_setting_is_named_without_traceback(tmp_path: Path) -> None:
    r = run("check", env={"DATABASE_URL": "mysql://nope", "PORT": "x"}, cwd=tmp_path)
    assert r.returncode == 2
    out = r.stdout + r.stderr
    assert "DATABASE_URL" in out
    assert "PORT" in out
    assert "Traceback" not in out


def test_embedded_default_migrate_demo_check(tmp_path: Path) -> None:
    env = {"VAR_DIR": str(tmp_path / "var"), "LOG_JSON": "false"}
    assert run("migrate", env=env, cwd=tmp_path).returncode == 0
    first = run("demo", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "admin@demo.cn" in first.stdout
    assert "demo-pass-2026" in first.stdout
    # The demo published a small statistics release: the statistics page (and its API) is never empty.
    report = run("stats", "report", "--year", "2023", env=env, cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    doc = json.loads(report.stdout)
    assert doc["version"] == 1
    assert doc["units"] > 5_000
    second = run("demo", env=env, cwd=tmp_path)
    assert "already has data" in second.stdout
    assert "admin@demo.cn" in second.stdout  # the accounts are shown on every run
    check = run("check", env=env, cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"database: sqlite ({tmp_path / 'var' / 'marketplace.db'})" in check.stdout
    assert "pubsub: in-process" in check.stdout
    assert "jobs: in-process" in check.stdout
    assert "rate limits: in-process" in check.stdout
    assert f"search: embedded ({tmp_path / 'var' / 'search'})" in check.stdout
    assert "'synchronous': '2'" in check.stdout
    worker = run("worker", env=env, cwd=tmp_path)
    assert worker.returncode == 2
    assert "REDIS_URL" in worker.stdout


def test_createuser_platform_admin(tmp_path: Path) -> None:
    env = {"VAR_DIR": str(tmp_path / "var"), "MARKETPLACE_PASSWORD": "an-admin-password-7"}
    assert run("migrate", env=env, cwd=tmp_path).returncode == 0
    r = run("createuser", "--email", "Ops@Example.cn", "--name", "Ops", "--platform-admin", env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ops@example.cn" in r.stdout
    again = run("createuser", "--email", "ops@example.cn", "--name", "Ops", env=env, cwd=tmp_path)
    assert again.returncode == 1
    weak = run("createuser", "--email", "x@example.cn", "--name", "X", "--password", "short", env=env, cwd=tmp_path)
    assert weak.returncode == 2
    assert "at least 10" in weak.stdout


def test_makemigrations_check_passes_on_committed_tree(tmp_path: Path) -> None:
    r = run("makemigrations", "--check", env={"VAR_DIR": str(tmp_path)}, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "match" in r.stdout


def test_check_reaches_production_services_when_configured(tmp_path: Path) -> None:
    if not (PG_URL and REDIS_URL):
        pytest.skip(reason="needs DATABASE_URL and REDIS_URL: runs in the production-profile pass of .ci/run")
    r = run("check", env={"DATABASE_URL": PG_URL, "REDIS_URL": REDIS_URL}, cwd=tmp_path)
    assert "database: postgresql (" in r.stdout
    assert "pubsub: redis" in r.stdout
    assert "jobs: arq" in r.stdout
    assert "rate limits: redis" in r.stdout  # one login budget across all app processes
    assert "redis: reachable" in r.stdout
    assert "synchronous_commit" in r.stdout


def test_check_fails_when_a_service_is_unreachable(tmp_path: Path) -> None:
    r = run("check", env={"VAR_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:1/0"}, cwd=tmp_path)
    assert r.returncode == 1
    assert "redis: unreachable" in r.stdout
