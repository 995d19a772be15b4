"""Domain rules take time as an argument and do no I/O: no coroutine, no clock read, in any package's `domain`.

import-linter keeps ORM, web and client libraries out of these modules; this test keeps out what an import
contract cannot see: `async def`, `await`, and reading the clock (`datetime.now()`, `time.time()`, ...).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3] / "src"
DOMAIN_MODULES = sorted(
    [*SRC.glob("*/domain/*.py"), *SRC.glob("*/*/domain/*.py"), *SRC.glob("*/*/domain.py")],
)
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter", "time_ns"}


def _violations(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.AsyncFunctionDef | ast.Await | ast.AsyncFor | ast.AsyncWith):
            found.append(f"line {node.lineno}: {type(node).__name__}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CLOCK_CALLS:
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if name in {"datetime", "date", "time"}:
                found.append(f"line {node.lineno}: {name}.{node.func.attr}()")
    return found


def test_every_package_has_its_domain_checked() -> None:
    packages = {p.relative_to(SRC).parts[0] for p in DOMAIN_MODULES}
    assert {"marketplace", "listings", "auctions", "export"} <= packages


@pytest.mark.parametrize("path", DOMAIN_MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_domain_module_is_pure(path: Path) -> None:
    assert _violations(path) == []


def test_the_check_catches_a_clock_read_and_a_coroutine(tmp_path: Path) -> None:
    bad = tmp_path / "rules.py"
    bad.write_text("import datetime\nasync def f():\n    return datetime.datetime.now()\n", encoding="utf-8")
    assert len(_violations(bad)) == 2
