"""`marketplace stats …` as a real subprocess: import with line-numbered errors, approve, demo, report."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_cli import run
from tests.integration.stats.test_imports import SALE_COLUMNS, SALES, SESSION_COLUMNS, SESSIONS, csv_bytes


def test_stats_subcommands_have_help() -> None:
    for sub in ("import", "report", "demo"):
        r = run("stats", sub, "--help")
        assert r.returncode == 0
        assert f"usage: marketplace stats {sub}" in r.stdout


def test_import_then_demo_then_report(tmp_path: Path) -> None:
    env = {"VAR_DIR": str(tmp_path / "var"), "LOG_JSON": "false"}
    assert run("migrate", env=env, cwd=tmp_path).returncode == 0
    sessions, sales = tmp_path / "sessions.csv", tmp_path / "sales.csv"
    sessions.write_bytes(csv_bytes(SESSION_COLUMNS, SESSIONS, "gbk"))
    sales.write_bytes(csv_bytes(SALE_COLUMNS, [*SALES, [*SALES[0][:4], "x", *SALES[0][5:]]]))

    bad = run("stats", "import", "--sessions", str(sessions), "--sales", str(sales), env=env, cwd=tmp_path)
    assert bad.returncode == 1
    assert "line 4, sales:hammer_price_fen: not_integer" in bad.stderr
    assert "nothing imported" in bad.stderr
    assert "Traceback" not in bad.stderr

    sales.write_bytes(csv_bytes(SALE_COLUMNS, SALES))
    good = run(
        "stats", "import", "--sessions", str(sessions), "--sales", str(sales), "--approve", env=env, cwd=tmp_path
    )
    assert good.returncode == 0, good.stderr
    assert "created 4" in good.stderr
    assert "approved" in good.stderr

    demo = run("stats", "demo", "--divisor", "1000", env=env, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    report = run("stats", "report", "--year", "2023", env=env, cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    doc = json.loads(report.stdout)
    assert doc["version"] == 1
    assert doc["units"] > 1  # the demo's houses and the imported house's sale of 6 May 2023
    assert len(doc["top30_units"]) > 0
    assert run("stats", "report", "--year", "1999", env=env, cwd=tmp_path).returncode == 1
