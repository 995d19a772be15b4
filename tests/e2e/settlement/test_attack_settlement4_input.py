"""Every settlement route that takes a body, fed what no client should send: broken JSON, a body that is not an
object, each field of its model in turn null, a list, an object, a huge string, an integer past 2^63, a negative, a
float, a boolean; raw-body routes garbage of every declared type. Each answer is a 4xx, never a 500."""

from __future__ import annotations

import re
from typing import Any

from marketplace.settlement.routes import routes
from tests.e2e.settlement.handover_world import World, with_open_dispute
from tests.support import ApiClient

ODD_VALUES: list[Any] = [None, [], {}, "x" * 20_000, 2**64, -(2**63) - 1, -1, 0, 1.5, True, "", "\u0000", "２０２６"]


def _filled(path: str, w: World, dispute: int) -> str:
    """A route's path with the world's own ids (the first `{id}` by its prefix), every other id 1."""
    first = {"/api/houses/": w.house, "/api/me/houses/": w.house, "/api/invoices/": w.invoice.id,
             "/api/sales/": w.sale.id, "/api/disputes/": dispute}  # fmt: skip
    for prefix, value in first.items():
        if path.startswith(prefix + "{id:int}"):
            path = path.replace("{id:int}", str(value), 1)
    return re.sub(r"\{\w+:int\}", "1", path)


def _paths(w: World, dispute: int) -> list[tuple[str, str, Any]]:
    ops = [getattr(route, "operation", None) for route in routes]
    return [(op.method, _filled(op.path, w, dispute), op.body) for op in ops
            if op is not None and op.method in ("POST", "PUT")]  # fmt: skip


async def _never_500(client: ApiClient, who: str, w: World, dispute: int) -> int:
    await w.as_(who)
    sent = 0
    for method, path, body in _paths(w, dispute):
        tries: list[dict[str, Any]] = [
            {"content": b"{", "headers": {"content-type": "application/json"}},
            {"content": b"[1, 2]", "headers": {"content-type": "application/json"}},
            {"content": b"null", "headers": {"content-type": "application/json"}},
            {"content": b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}", "headers": {"content-type": "application/json"}},
            {"content": b"\xff\xfe\x00garbage", "headers": {"content-type": "image/png"}},
            {"content": b"%PDF-1.4 not really", "headers": {"content-type": "application/pdf"}},
            {"content": b"a,b\r\n1,2\r\n", "headers": {"content-type": "text/csv"}},
        ]
        if body is not None:
            for name in body.model_fields:
                tries.extend({"json": {name: value}} for value in ODD_VALUES)
        for kw in tries:
            r = await client.request(method, path, **kw)
            sent += 1
            assert r.status_code < 500, (who, method, path, kw.get("json"), r.status_code, r.text[:300])
            if r.status_code >= 400:
                assert r.json()["error"]["code"], (path, r.text)
    return sent


async def test_settlement_bodies_no_client_should_send_are_4xx(client: ApiClient) -> None:
    w, dispute = await with_open_dispute(client)
    sent = 0
    for who in ("house_admin", "buyer", "association"):
        sent += await _never_500(client, who, w, dispute)
    assert sent > 500


ODD_QUERY = ["", "-1", "0", str(2**64), "1e309", "nan", "[]", "null", "x" * 5_000, "%00", "9999-12-31T23:59:59+14:00",
             "0001-01-01T00:00:00-12:00", "２０２６", "true"]  # fmt: skip


async def test_settlement_queries_no_client_should_send_are_4xx(client: ApiClient) -> None:
    w, dispute = await with_open_dispute(client)
    sent = 0
    for who in ("house_admin", "buyer"):
        await w.as_(who)
        for route in routes:
            op = getattr(route, "operation", None)
            if op is None or op.query is None:
                continue
            path = _filled(op.path, w, dispute)
            for name in op.query.model_fields:
                for value in ODD_QUERY:
                    r = await client.request(op.method, path, params={name: value}, json={} if op.body else None)
                    sent += 1
                    assert r.status_code < 500, (who, op.method, path, name, value[:40], r.status_code, r.text[:300])
    assert sent > 100
