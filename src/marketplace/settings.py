"""Typed settings, read once from the environment (and an optional `.env`).

The profile follows from what is configured: with nothing set the platform runs on the
embedded default (SQLite file, in-process pub/sub and jobs); `DATABASE_URL` and `REDIS_URL`
switch to PostgreSQL and Redis/arq.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, parallelism 1.
ARGON2_MIN_MEMORY_KIB = 19 * 1024
ARGON2_MIN_TIME_COST = 2


class SettingsError(Exception):
    """Raised with a readable message naming every bad variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    database_url: str | None = Field(default=None, description="postgres://… or sqlite:///path; default SQLite in var/")
    redis_url: str | None = Field(default=None, description="redis://… switches pub/sub to Redis and jobs to arq")
    redis_namespace: str = Field(
        default="mp", pattern=r"^[a-z0-9_-]{1,32}$", description="key prefix for pub/sub channels and the job queue"
    )
    meili_url: str | None = None
    meili_key: str | None = None
    meili_index: str = Field(default="listings", pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Meilisearch index uid")
    meili_timeout_ms: int = Field(default=10_000, ge=100, description="how long to wait for a Meilisearch task")
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = Field(default=None, description="whsec_…: verifies Stripe's webhook events")
    stripe_connect_webhook_secret: str | None = Field(
        default=None,
        description="whsec_… of the Connect endpoint: verifies events on the houses' and exporters' connected accounts",
    )
    stripe_api_base: str | None = Field(
        default=None, description="Stripe's API address (default Stripe's own; the tests point it at a local fake)"
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    var_dir: Path = Path("var")
    frontend_dist: Path = Path("frontend/dist")
    file_storage: Literal["local", "database"] = "local"

    cookie_secure: bool | None = None
    session_ttl_hours: int = Field(default=24 * 14, ge=1)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_header_bytes: int = Field(default=32 * 1024, ge=4096)  # request line + headers; 431 beyond

    argon2_memory_kib: int = ARGON2_MIN_MEMORY_KIB
    argon2_time_cost: int = ARGON2_MIN_TIME_COST
    argon2_parallelism: int = Field(default=1, ge=1)
    hash_concurrency: int = Field(default=4, ge=1, le=64)
    login_free_failures: int = Field(
        default=5, ge=1, description="wrong passwords per login and client address before delays start"
    )
    login_account_free_failures: int = Field(
        default=20, ge=1, description="wrong passwords per login over all addresses before delays start"
    )
    login_max_delay_seconds: int = Field(default=900, ge=1, description="the longest wait the doubling delay reaches")
    login_forget_hours: int = Field(
        default=24,
        ge=1,
        le=24 * 365,
        description="failed-login counts left alone this long, and no longer blocking, are forgotten",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000", description="the site's address as users reach it, for links in mail"
    )
    metrics_token: str | None = Field(
        default=None, description="Bearer token for /metrics; without it production serves /metrics to loopback only"
    )
    auth_requests_per_minute: int = Field(
        default=30, ge=1, description="per client IP; one budget across processes with REDIS_URL"
    )

    offer_ttl_hours: int = Field(default=48, ge=1, le=24 * 30, description="how long a buyer's offer stays open")
    stats_small_cell_k: int = Field(
        default=5, ge=1, le=1000, description="published breakdowns suppress cells of fewer sales than this"
    )
    stats_outlier_factor: int = Field(
        default=3, ge=2, le=100, description="the desk flags a month above N times or below 1/N of a year earlier"
    )
    relay_interval_seconds: float = Field(default=0.2, gt=0)
    outbox_redeliver_seconds: float = Field(
        default=120.0, gt=0, description="a queued job not reported done after this long is queued again"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True

    @field_validator("database_url")
    @classmethod
    def _database_scheme(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("postgres://", "postgresql://", "sqlite://")):
            raise ValueError("must start with postgres://, postgresql:// or sqlite://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("redis://", "rediss://")):
            raise ValueError("must start with redis:// or rediss://")
        return value

    @model_validator(mode="after")
    def _argon2_floor(self) -> Settings:
        if self.argon2_memory_kib < ARGON2_MIN_MEMORY_KIB or self.argon2_time_cost < ARGON2_MIN_TIME_COST:
            raise ValueError(
                f"ARGON2_MEMORY_KIB must be >= {ARGON2_MIN_MEMORY_KIB} and ARGON2_TIME_COST >= {ARGON2_MIN_TIME_COST}"
                " (OWASP minimum for argon2id)"
            )
        return self

    # --- derived facts -------------------------------------------------------------
    @property
    def is_postgres(self) -> bool:
        return bool(self.database_url) and not str(self.database_url).startswith("sqlite")

    @property
    def sqlite_path(self) -> Path:
        if self.database_url and self.database_url.startswith("sqlite://"):
            return Path(self.database_url.removeprefix("sqlite://").split("?", 1)[0])
        return self.var_dir / "marketplace.db"

    @property
    def secure_cookies(self) -> bool:
        """`Secure` on cookies even over plain HTTP: COOKIE_SECURE, else the production profile. HTTPS requests
        always get it (see `accounts.routes._common.secure`)."""
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.is_postgres

    @property
    def profile(self) -> str:
        return "production" if self.is_postgres or self.redis_url else "embedded"


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise SettingsError naming each bad variable, never a traceback."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = "_".join(str(part) for part in err["loc"]).upper() or "SETTINGS"
            lines.append(f"{name}: {err['msg']}")
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None
