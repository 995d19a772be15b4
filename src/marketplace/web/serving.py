"""How uvicorn serves WebSockets: one set of options for `marketplace serve`, the tests' live server and benchmarks.

- The sans-I/O implementation (the successor of uvicorn's legacy "websockets" one) stops reading a socket
  while a received message waits for the app, so a flooding client is held back by TCP itself (no receive
  queue to bound: `ws_max_queue` applies only to the legacy implementation); and its `send` waits while the
  socket's write buffer is full, which is how the app sees a client that stopped reading.
- Frames are capped at 64 KiB (uvicorn's default of 16 MiB invites memory abuse): a bigger one closes the
  connection with 1009.
- uvicorn's own keepalive is off. Left on (it was 20 s + 20 s), it closed clients that stopped reading with
  an undocumented `1011` at about 40 s, before the protocol's documented `4008 slow_consumer` or
  `4002 heartbeat_timeout` could: the protocol's heartbeat (`ping`/`pong` messages, docs/protocol.md)
  detects dead peers instead, and clients see only documented codes.
"""

from __future__ import annotations

from typing import Any

WS_OPTIONS: dict[str, Any] = {
    "ws": "websockets-sansio",
    "ws_max_size": 64 * 1024,
    "ws_ping_interval": None,
    "ws_ping_timeout": None,
}
