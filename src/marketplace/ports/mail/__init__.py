"""Mail port: `select(settings)` gives the local outbox directory adapter (the only one so far)."""

from __future__ import annotations

from marketplace.ports.mail.base import Mailer
from marketplace.settings import Settings


def select(settings: Settings) -> Mailer:
    from marketplace.ports.mail.outbox import DirectoryMailer

    return DirectoryMailer(settings.var_dir / "mail-outbox")
