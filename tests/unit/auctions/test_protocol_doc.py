"""docs/protocol.md and the /ws transport agree: a client written from the doc alone must work.

The transport's figures (heartbeat, idle limit, queue bounds, replay pages and budget) are the ones the
doc states, the doc tells clients to answer the server's `ping`, and every close code and error code
the socket's source can produce is in the doc's tables.
"""

from __future__ import annotations

import re
from pathlib import Path

from auctions.transport import Limits

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
SOURCES = [ROOT / "src" / "auctions" / "ws.py", ROOT / "src" / "auctions" / "transport.py"]


def _section(title: str) -> str:
    start = DOC.index(title)
    end = DOC.find("\n#", start + len(title))
    return DOC[start : end if end != -1 else None]


def _table_codes(title: str) -> set[str]:
    first_cells = re.findall(r"^\| ([^|]+) \|", _section(title), flags=re.MULTILINE)
    return {code for cell in first_cells for code in re.findall(r"`([0-9a-z_]+)`", cell)}


def _seconds(value: float) -> str:
    return f"{value:g} s"


def test_the_heartbeat_rules_tell_a_client_to_answer_ping_and_state_the_servers_figures() -> None:
    limits = Limits()
    rules = _section("### Heartbeats")
    assert re.search(r"answers every server `\{\"type\":\"ping\"\}` with `\{\"type\":\"pong\"\}`", rules)
    assert _seconds(limits.heartbeat_seconds) in rules
    assert _seconds(limits.dead_after_seconds) in rules
    welcome = re.search(r'\{"v":1,"type":"welcome".*\}', DOC)
    assert welcome is not None
    assert f'"heartbeat_ms":{int(limits.heartbeat_seconds * 1000)}' in welcome.group(0)
    assert f'"idle_timeout_ms":{int(limits.dead_after_seconds * 1000)}' in welcome.group(0)


def test_flow_control_and_replay_figures_are_the_servers() -> None:
    limits = Limits()
    flow = _section("### Flow control")
    assert f"{limits.send_queue} messages or {limits.send_queue_bytes // 1024} KiB" in flow
    assert _seconds(limits.send_stall_seconds) in flow
    assert _seconds(limits.close_timeout_seconds) in flow
    replay = _section("### `replay`")
    assert f"at most {limits.replay_limit} events behind" in replay
    assert f"at most {limits.replay_page_events} events and about {limits.replay_page_bytes // 1024} KB" in replay
    assert f"answered `replay_rate_limited` more than {limits.replay_refusals} times is closed with `4029`" in replay
    assert (
        f"{limits.replay_burst_events:,} at once, refilled at {limits.replay_events_per_second:g} per second" in replay
    )


def test_every_close_and_error_code_the_socket_uses_is_documented() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
    closes = set(re.findall(r"close(?:_soon)?\((?:code=)?(4\d{3})", source))
    errors = set(re.findall(r'self\.error\(\s*"([a-z_]+)"', source))
    assert {"4002", "4008", "4010", "4029"} <= closes
    assert closes <= _table_codes("## Close codes")
    assert errors <= _table_codes("## Error codes")


def test_every_reason_the_bid_path_refuses_with_is_in_the_rejection_table() -> None:
    source = (ROOT / "src" / "auctions" / "services" / "actions.py").read_text(encoding="utf-8")
    reasons = set(re.findall(r'Refused\("([a-z_]+)"\)', source))
    # The refusals the bid path asks of settlement's defaults (the bar) and of the rights rules.
    defaults = (ROOT / "src" / "marketplace" / "settlement" / "services" / "defaults.py").read_text(encoding="utf-8")
    bar = defaults[defaults.index("async def bar_refusal") :]
    reasons |= set(re.findall(r'return "([a-z_]+)"', re.split(r"\n(?:async )?def ", bar)[0]))
    assert {"buying_limit", "barred_after_default"} <= reasons
    assert reasons <= _table_codes("## Rejection reasons")
