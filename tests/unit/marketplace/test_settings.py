from __future__ import annotations

from pathlib import Path

import pytest

from marketplace.settings import SettingsError, load_settings


def test_embedded_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DATABASE_URL", "REDIS_URL", "MEILI_URL", "STRIPE_SECRET_KEY"):
        monkeypatch.delenv(var, raising=False)
    s = load_settings(_env_file=None)
    assert s.profile == "embedded"
    assert s.sqlite_path == Path("var/marketplace.db")
    assert not s.secure_cookies
    assert (s.host, s.port) == ("127.0.0.1", 8000)


def test_production_profile_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/mp")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    s = load_settings(_env_file=None)
    assert s.profile == "production"
    assert s.is_postgres
    assert s.secure_cookies  # production cookies are Secure unless COOKIE_SECURE says otherwise


@pytest.mark.parametrize(
    ("var", "value", "named"),
    [
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("REDIS_URL", "http://x", "REDIS_URL"),
        ("PORT", "eighty", "PORT"),
        ("PORT", "70000", "PORT"),
        ("ARGON2_MEMORY_KIB", "1024", "ARGON2_MEMORY_KIB"),
        ("FILE_STORAGE", "s3", "FILE_STORAGE"),
    ],
)
def test_bad_variable_is_named(monkeypatch: pytest.MonkeyPatch, var: str, value: str, named: str) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError) as excinfo:
        load_settings(_env_file=None)
    assert named in str(excinfo.value)
    assert "Traceback" not in str(excinfo.value)


def test_dotenv_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORT", raising=False)
    env = tmp_path / ".env"
    env.write_text("PORT=9123\n")
    assert load_settings(_env_file=env).port == 9123
