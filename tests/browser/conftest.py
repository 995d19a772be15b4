"""Browser tests: the real server in a subprocess, driven through Debian's Chromium with Playwright.

Outside CI a missing browser or frontend build skips these tests with a message saying how to
get them; with MARKETPLACE_REQUIRE_BROWSER=1 (set by .ci/run) they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from marketplace.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("MARKETPLACE_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(reason)
    pytest.skip(reason=reason)


@dataclass
class Server:
    url: str
    admin_email: str
    admin_password: str
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not Path(CHROMIUM).exists():
        _unavailable("Chromium not found: `sudo apt-get install chromium` (or set CHROMIUM_PATH)")
    if not (DIST / "index.html").exists():
        _unavailable("frontend not built: run `make frontend`")
    var = tmp_path_factory.mktemp("browser-var")
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "VAR_DIR": str(var),
        "FRONTEND_DIST": str(DIST),
        "LOG_JSON": "false",
        "PORT": str(port),
        # Each module's server and worker get their own queue and channels: a worker left from another
        # module (with another VAR_DIR) must never take this server's jobs.
        "REDIS_NAMESPACE": f"{settings.redis_namespace}-{port}",
    }
    if settings.is_postgres:
        env["DATABASE_URL"] = str(settings.database_url)
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    admin_email = f"ops-{uuid.uuid4().hex[:6]}@example.cn"
    admin_password = "an-admin-password-7"

    def cli(*args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "marketplace", *args], check=True, env=env, cwd=var, capture_output=True, timeout=120
        )

    cli("migrate")
    cli("createuser", "--email", admin_email, "--name", "Ops", "--password", admin_password, "--platform-admin")
    proc = subprocess.Popen(
        [sys.executable, "-m", "marketplace", "serve"],
        env=env,
        cwd=var,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"server did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
        time.sleep(0.1)
    # With Redis the jobs (search indexing, thumbnails, lot closing fast path) run in arq workers, as deployed.
    worker = (
        subprocess.Popen(
            [sys.executable, "-m", "marketplace", "worker"],
            env=env,
            cwd=var,
            stdout=subprocess.DEVNULL,
            stderr=(var / "worker.log").open("wb"),  # kept with the module's tmp dir for diagnosis
        )
        if settings.redis_url
        else None
    )
    try:
        yield Server(url, admin_email, admin_password, env)
    finally:
        for p in (proc, worker):
            if p is None:
                continue
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.fixture(scope="module")
async def browser(server: Server) -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        b = await p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        await b.close()


def seed(server: Server, module: str) -> dict[str, Any]:
    """Run a seed script (`tests.browser.<module>`) against the server's database; its last line is JSON."""
    out = subprocess.run(
        [sys.executable, "-m", f"tests.browser.{module}"],
        env=server.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


async def signed_in(browser: Any, server: Server, email: str, *, timeout_ms: int = 15_000) -> Any:
    """A fresh browser context (English) signed in as `email` with the shared test password."""
    from playwright.async_api import expect

    from tests.support import PASSWORD

    context = await browser.new_context(locale="en-US")
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)
    await page.goto(server.url + "/login")
    await page.get_by_label("Email or mobile").fill(email)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_test_id("user-menu")).to_be_visible()
    return page


@pytest.fixture(scope="module")
async def no_lingering_close_jobs(settings: Settings) -> AsyncIterator[None]:
    """Auction modules: drop the deferred lot-closing jobs their lots left in the run's queue."""
    from tests.support_auctions import drop_close_jobs

    yield
    await drop_close_jobs(settings.redis_url, settings.redis_namespace)
