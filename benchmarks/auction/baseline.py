"""The physical floor: a bare `websockets` server that relays each bid to every watcher and acks the sender.

Run as `python -m benchmarks.auction.baseline PORT`. It mimics the app's message shapes and does no
validation, storage or authentication at all.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve

watchers: dict[int, set[ServerConnection]] = {}
seqs: dict[int, int] = {}
prices: dict[int, int] = {}


async def handler(ws: ServerConnection) -> None:
    subscribed: list[int] = []
    try:
        async for raw in ws:
            msg: dict[str, Any] = json.loads(raw)
            if msg["type"] == "subscribe":
                lot = int(msg["lot_id"])
                watchers.setdefault(lot, set()).add(ws)
                subscribed.append(lot)
                await ws.send(
                    json.dumps(
                        {
                            "v": 1,
                            "type": "snapshot",
                            "lot_id": lot,
                            "seq": seqs.get(lot, 0),
                            "lot": {"next_minimum": 1_000_000},
                            "server_time": int(time.time() * 1000),
                        }
                    )
                )
            elif msg["type"] == "bid":
                lot = int(msg["lot_id"])
                minimum = prices.get(lot, 1_000_000)
                if msg["amount"] < minimum:  # the same acceptance rule as the app, so the same traffic
                    await ws.send(
                        json.dumps(
                            {
                                "v": 1,
                                "type": "bid_result",
                                "client_bid_id": msg["client_bid_id"],
                                "status": "rejected",
                                "reason": "below_minimum",
                                "seq": seqs.get(lot, 0),
                                "next_minimum": minimum,
                            }
                        )
                    )
                    continue
                prices[lot] = msg["amount"] + 50_000
                seqs[lot] = seqs.get(lot, 0) + 1
                seq = seqs[lot]
                line = {"paddle": msg["client_bid_id"].split("-")[0], "amount": msg["amount"], "auto": False}
                event = {
                    "v": 1,
                    "type": "event",
                    "lot_id": lot,
                    "seq": seq,
                    "server_time": int(time.time() * 1000),
                    "event": {
                        "type": "bid",
                        "lines": [line],
                        "price": msg["amount"],
                        "leader": line["paddle"],
                        "at": 0,
                        "lot": {"price": msg["amount"], "next_minimum": msg["amount"] + 50_000},
                    },
                }
                broadcast(watchers.get(lot, set()), json.dumps(event))
                await ws.send(
                    json.dumps(
                        {
                            "v": 1,
                            "type": "bid_result",
                            "client_bid_id": msg["client_bid_id"],
                            "status": "accepted",
                            "seq": seq,
                            "next_minimum": msg["amount"] + 50_000,
                        }
                    )
                )
    finally:
        for lot in subscribed:
            watchers.get(lot, set()).discard(ws)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, max_size=64 * 1024, ping_interval=None):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
