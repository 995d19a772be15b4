"""Private Redis and PostgreSQL servers on free ports, for tests that stop, kill, freeze and restart them.

Never the machine's own services on 6379/5432: a fault test takes its servers down, and other test runs
share those.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


class ServerUnavailable(Exception):
    """The binaries are missing or the server would not start."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerUnavailable(f"{what} exited with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise ServerUnavailable(f"{what} did not listen on {port} within {timeout} s")


class _Server:
    name = "server"

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.frozen = False

    def _command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None, f"{self.name} already running"
        self.proc = subprocess.Popen(
            self._command(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: a kill takes the server and its children
        )
        self.frozen = False
        _wait_for_port(self.port, self.proc, self.name)
        self._ready()

    def _ready(self) -> None:
        return None

    def _signal_group(self, sig: signal.Signals) -> None:
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def stop(self) -> None:
        """A clean shutdown (SIGTERM), waiting for the server to exit."""
        if self.proc is None or self.proc.poll() is not None:
            return
        if self.frozen:
            self.thaw()
        self._signal_group(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """A crash: SIGKILL to the server and every process it started."""
        if self.proc is None:
            return
        self._signal_group(signal.SIGKILL)
        self.proc.wait(15)
        self.frozen = False

    def freeze(self) -> None:
        """SIGSTOP: connections stay open and are accepted, nothing is ever answered."""
        self._signal_group(signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        self._signal_group(signal.SIGCONT)
        self.frozen = False


class RedisServer(_Server):
    name = "redis-server"

    def __init__(self) -> None:
        if shutil.which("redis-server") is None:
            raise ServerUnavailable("redis-server is not installed")
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="mp-fault-redis-"))

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _command(self) -> list[str]:
        # No persistence: a restart comes back empty, the worst case for queued jobs.
        return [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.dir),
        ]

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresServer(_Server):
    name = "postgres"

    def __init__(self) -> None:
        if not (PG_BIN / "postgres").exists() or not (PG_BIN / "initdb").exists():
            raise ServerUnavailable(f"PostgreSQL binaries not found in {PG_BIN} (set PG_BIN)")
        super().__init__()
        # PostgreSQL refuses to run as root: then it runs as the `postgres` user, in a directory it owns
        # (outside pytest's root-only temporary tree).
        self.dir = Path(tempfile.mkdtemp(prefix="mp-fault-pg-"))
        self._as: list[str] = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise ServerUnavailable("running as root and there is no postgres user") from exc
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self._as = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
        data = self.dir / "data"
        result = subprocess.run(
            [*self._as, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            capture_output=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise ServerUnavailable(f"initdb failed: {result.stderr.decode()[-500:]}")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _command(self) -> list[str]:
        return [
            *self._as,
            str(PG_BIN / "postgres"),
            "-D",
            str(self.dir / "data"),
            "-p",
            str(self.port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={self.dir}",
            "-c",
            "max_connections=100",
        ]

    def _ready(self) -> None:
        # Listening is not accepting: crash recovery after a kill answers "starting up" for a moment.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ok = subprocess.run(
                [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"],
                capture_output=True,
            )
            if ok.returncode == 0:
                return
            time.sleep(0.1)
        raise ServerUnavailable("postgres did not become ready")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        if self.frozen:
            self.thaw()
        # SIGINT is PostgreSQL's fast shutdown (SIGTERM waits for clients to leave); to the postmaster only.
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.kill()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
