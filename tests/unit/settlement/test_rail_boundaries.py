"""The card rail's boundaries: one module imports stripe, and the port assumes nobody in particular holds funds."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

from marketplace.ports.payments import base

SRC = Path(__file__).resolve().parents[3] / "src"


def test_only_one_module_imports_stripe() -> None:
    importers = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            if any(n == "stripe" or n.startswith("stripe.") for n in names):
                importers.append(str(path.relative_to(SRC)))
    assert sorted(set(importers)) == ["marketplace/ports/payments/stripe_cards.py"]


def test_a_card_request_names_its_payee_and_may_split() -> None:
    # A licensed split-payment provider keeps the money and pays each recipient: the request carries who takes
    # the money and the splits, so no adapter has to pretend the house holds the funds.
    fields = {f.name for f in dataclasses.fields(base.CardRequest)}
    assert {"payee", "idempotency_key", "capture"} <= fields
    assert {f.name for f in dataclasses.fields(base.Payee)} == {"account", "splits"}
