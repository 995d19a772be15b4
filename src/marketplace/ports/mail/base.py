"""Sending email. Adapters must be idempotent on `message_id`: a job may run twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Mail:
    message_id: str  # stable per logical message, e.g. "alert-12@marketplace"
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    name: str

    async def send(self, mail: Mail) -> None: ...
