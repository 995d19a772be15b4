"""Recognising an outage, logging it once, and never waiting long for a Redis that does not answer."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import asyncpg
import pytest
import yaml
from redis.exceptions import ConnectionError as RedisConnectionError
from tortoise.exceptions import OperationalError

from marketplace.outages import Breaker, OutageLog, Unreachable, backoff, outage_of


def test_outages_are_told_from_bugs_through_the_cause_chain() -> None:
    assert outage_of(ConnectionRefusedError(111, "refused")) == "database"
    assert outage_of(RedisConnectionError("Connection closed by server.")) == "redis"
    assert outage_of(asyncpg.ConnectionDoesNotExistError("closed in the middle of operation")) == "database"
    assert outage_of(Unreachable("redis", "no answer")) == "redis"
    cause = asyncpg.CannotConnectNowError("the database system is starting up")
    wrapped = OperationalError(cause)
    wrapped.__cause__ = cause  # as the ORM raises it: `raise OperationalError(exc) from exc`
    assert outage_of(wrapped) == "database"
    for bug in (ValueError("bad"), KeyError("x"), FileNotFoundError("photo"), OperationalError("syntax error")):
        assert outage_of(bug) is None


def test_outage_log_says_it_once_then_reminds_then_says_it_is_back(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    outage = OutageLog(logging.getLogger("test.outage"), "relay", remind_every=60, clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="test.outage"):
        for _ in range(300):  # a minute of failures at 5 a second
            outage.failed(ConnectionRefusedError(111, "refused"))
            now[0] += 0.2
        outage.failed(ConnectionRefusedError(111, "refused"))
        now[0] += 1
        outage.recovered()
        outage.recovered()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3, lines
    assert lines[0].startswith("relay: database unreachable (ConnectionRefusedError")
    assert lines[1].startswith("relay: still unreachable after 60 s, 301 failures")
    assert lines[2] == "relay: back after 61.0 s (301 failures meanwhile)"
    assert not [r for r in caplog.records if r.exc_info]


async def test_breaker_gives_up_on_a_frozen_call_quickly_then_skips_until_the_cool_down_ends() -> None:
    now = [0.0]
    breaker = Breaker("redis", timeout=0.1, cooldown=2.0, clock=lambda: now[0])
    started = time.monotonic()
    with pytest.raises(Unreachable, match="no answer within 0.1 s"):
        await breaker.call(lambda: asyncio.sleep(3600))  # a Redis that accepted and never answers
    assert time.monotonic() - started < 1
    calls = 0

    async def answer() -> str:
        nonlocal calls
        calls += 1
        return "PONG"

    with pytest.raises(Unreachable, match="skipped"):
        await breaker.call(answer)
    assert calls == 0  # skipped at once while known down
    now[0] += 2.0
    assert await breaker.call(answer) == "PONG"
    assert not breaker.open


async def test_breaker_lets_bugs_through_unchanged() -> None:
    async def bug() -> None:
        raise ValueError("a bug, not an outage")

    breaker = Breaker()
    with pytest.raises(ValueError, match="a bug"):
        await breaker.call(bug)
    assert not breaker.open


def test_backoff_doubles_up_to_its_cap() -> None:
    assert [backoff(n) for n in range(1, 9)] == [0.5, 1, 2, 4, 8, 16, 30, 30]


def test_compose_services_restart_by_themselves_and_have_health_checks() -> None:
    compose = yaml.safe_load((Path(__file__).parents[3] / "compose.yaml").read_text())
    for name, service in compose["services"].items():
        if name == "migrate":
            assert service["restart"] == "no"  # a one-shot
            continue
        assert service.get("restart") == "unless-stopped", name
        if name != "lb":
            assert service.get("healthcheck", {}).get("test"), name
    assert compose["services"]["worker"]["healthcheck"]["test"] == ["CMD", "marketplace", "worker", "--alive"]
