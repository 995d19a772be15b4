"""Security headers, HTTPS-only behaviour, /metrics exposure, the CSRF endpoint, the deployment's proxy trust."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import yaml
from starlette.requests import Request
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from marketplace.accounts.models import AuditEntry
from marketplace.app import _metrics_allowed
from marketplace.settings import Settings
from tests.support import PASSWORD, ApiClient, make_app_client, make_user

ROOT = Path(__file__).resolve().parents[2]


async def test_every_response_forbids_framing_and_carries_a_csp(client: ApiClient) -> None:
    for path in ("/", "/auctions/lots/1", "/api/me", "/healthz", "/openapi.json"):
        r = await client.get(path)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp, path
        assert "script-src 'self'" in csp
        assert "'unsafe-inline'" not in csp
        assert "'unsafe-eval'" not in csp
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in r.headers  # plain HTTP: HSTS would be ignored (or pin localhost)


async def test_over_https_hsts_and_secure_cookies(client: ApiClient) -> None:
    user = await make_user(client.app)
    https = client.fork()
    https.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=client.app), base_url="https://testserver")
    r = await https.post("/api/auth/login", json={"login": user.email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    assert r.headers["strict-transport-security"].startswith("max-age=31536000")
    cookies = r.headers.get_list("set-cookie")
    assert len(cookies) == 2
    assert all("; secure" in c.lower() for c in cookies), cookies
    plain = await client.post("/api/auth/login", json={"login": user.email, "password": PASSWORD})
    assert not any("; secure" in c.lower() for c in plain.headers.get_list("set-cookie"))  # COOKIE_SECURE unset
    await https.aclose()


async def test_csrf_endpoint_never_echoes_a_planted_token(client: ApiClient) -> None:
    planted = await client.fork().http.get("/api/auth/csrf", headers={"Cookie": "mp_csrf=attacker-chosen"})
    issued = planted.json()["csrf_token"]
    assert issued != "attacker-chosen"
    assert planted.headers["set-cookie"].startswith(f"mp_csrf={issued};")
    user = await make_user(client.app)
    # Logged in, it answers the session's own token (the one unsafe requests must carry).
    await client.login(str(user.email))
    session_token = client.http.cookies.get("mp_csrf")
    assert (await client.get("/api/auth/csrf")).json()["csrf_token"] == session_token
    assert (await client.post("/api/auth/logout")).status_code == 204


def _request(host: str, authorization: str | None = None) -> Request:
    headers = [(b"authorization", authorization.encode())] if authorization else []
    return Request({"type": "http", "method": "GET", "path": "/metrics", "headers": headers, "client": (host, 1)})


def test_metrics_are_not_public_in_production(settings: Settings) -> None:
    production = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    assert production.profile == "production"
    assert _metrics_allowed(_request("127.0.0.1"), production)
    assert not _metrics_allowed(_request("203.0.113.5"), production)
    with_token = production.model_copy(update={"metrics_token": "scrape-secret"})
    assert not _metrics_allowed(_request("127.0.0.1"), with_token)
    assert not _metrics_allowed(_request("203.0.113.5", "Bearer wrong"), with_token)
    assert _metrics_allowed(_request("203.0.113.5", "Bearer scrape-secret"), with_token)


async def test_metrics_with_a_token_over_http(settings: Settings) -> None:
    async with make_app_client(settings.model_copy(update={"metrics_token": "scrape-secret"})) as c:
        hidden = await c.get("/metrics")
        assert (hidden.status_code, hidden.json()["error"]["code"]) == (404, "not_found")
        shown = await c.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert shown.status_code == 200
        assert "http_requests_total" in shown.text


def _compose() -> dict[str, object]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_the_deployment_trusts_forwarded_headers_only_from_its_proxy() -> None:
    compose = _compose()
    services = compose["services"]
    assert isinstance(services, dict)
    lb_address = services["lb"]["networks"]["default"]["ipv4_address"]
    for name in ("app1", "app2"):
        assert services[name]["environment"]["FORWARDED_ALLOW_IPS"] == lb_address
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"proxy_set_header X-Forwarded-For \$remote_addr;", nginx)
    assert "$proxy_add_x_forwarded_for" not in nginx  # appending keeps the client's forged first entry
    assert re.search(r"location = /metrics \{\s*return 404;", nginx)


async def test_a_forged_forwarded_for_does_not_reach_the_audit_log(client: ApiClient) -> None:
    lb_address = _compose()["services"]["lb"]["networks"]["default"]["ipv4_address"]  # type: ignore[index]
    # The app as uvicorn serves it with --proxy-headers and the compose file's FORWARDED_ALLOW_IPS.
    served = ProxyHeadersMiddleware(client.app, trusted_hosts=lb_address)  # type: ignore[arg-type]

    async def login_from(peer: str, forwarded: str) -> None:
        transport = httpx.ASGITransport(app=served, client=(peer, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            token = (await http.get("/api/auth/csrf")).json()["csrf_token"]
            await http.post(
                "/api/auth/login",
                json={"login": "ghost@example.cn", "password": "wrong-password-x"},
                headers={"X-Forwarded-For": forwarded, "X-CSRF-Token": token},
            )

    await login_from("203.0.113.66", "10.9.9.9")  # a client talking to the app directly, forging the header
    await login_from(lb_address, "198.51.100.23")  # through nginx, which sets the header to the real peer
    ips = [e.ip for e in await AuditEntry.filter(action="login.failed").order_by("id")]
    assert ips == ["203.0.113.66", "198.51.100.23"]
