"""The password policy with its list of common passwords (read once from the file shipped beside this module).

`domain.password_problems` holds the rules; this module only supplies the list, so the domain stays free of I/O.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from marketplace.accounts import domain


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("marketplace.accounts").joinpath("common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problems(password: str, *identifiers: str | None) -> list[str]:
    return domain.password_problems(password, identifiers=tuple(i for i in identifiers if i), common=common_passwords())
