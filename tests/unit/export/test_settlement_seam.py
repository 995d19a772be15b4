"""Export talks to settlement through its services, never its models (settlement's tables are its own)."""

from __future__ import annotations

import ast
from pathlib import Path

EXPORT = Path(__file__).resolve().parents[3] / "src" / "export"


def test_export_imports_no_settlement_models() -> None:
    offenders = []
    for path in EXPORT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("marketplace.settlement.models")]
    assert offenders == []
