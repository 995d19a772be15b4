"""Replay stormers in their own process (so their sending does not share the measuring client's event loop).

    python -m benchmarks.auction.storm WS_URL LOT_ID SOCKETS LAST_SEQ

Each socket keeps asking for a replay from LAST_SEQ, 15 times a second, and never reads (its library stops
reading after one frame and its receive buffer is 16 KiB); a dropped socket reconnects. It runs until its
stdin closes, then prints its counts as JSON.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from collections import Counter

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake


async def stormer(url: str, lot: int, last_seq: int, done: asyncio.Event, stats: Counter[str]) -> None:
    host, port = url.removeprefix("ws://").split("/", 1)[0].split(":")
    while not done.is_set():
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
        sock.setblocking(False)
        try:
            await asyncio.get_running_loop().sock_connect(sock, (host, int(port)))
            async with connect(url, sock=sock, max_queue=1, ping_interval=None, max_size=2**20) as ws:
                stats["connections"] += 1
                while not done.is_set():
                    await ws.send(json.dumps({"type": "subscribe", "lot_id": lot, "last_seq": last_seq}))
                    stats["requests"] += 1
                    await asyncio.sleep(1 / 15)
        except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError):
            stats["dropped"] += 1
            await asyncio.sleep(0.2)
        finally:
            sock.close()


async def main() -> None:
    url, lot, sockets, last_seq = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    done = asyncio.Event()
    stats: Counter[str] = Counter()
    tasks = [asyncio.create_task(stormer(url, lot, last_seq, done, stats)) for _ in range(sockets)]
    await asyncio.to_thread(sys.stdin.read)  # until the parent closes our stdin
    done.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps(dict(stats)), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
