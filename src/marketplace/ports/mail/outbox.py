"""Writes each message as an .eml file into a directory (the embedded default; a relay can pick them up)."""

from __future__ import annotations

import asyncio
import hashlib
import os
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from marketplace.ports.mail.base import Mail

SENDER = "Marketplace <no-reply@marketplace.local>"


class DirectoryMailer:
    name = "directory"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, mail: Mail) -> Path:
        return self.directory / (hashlib.sha256(mail.message_id.encode()).hexdigest()[:32] + ".eml")

    def _write(self, mail: Mail) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.path_for(mail)
        if target.exists():  # the same message again: sent already
            return
        msg = EmailMessage()
        msg["From"] = SENDER
        msg["To"] = mail.to
        msg["Subject"] = mail.subject
        msg["Message-ID"] = f"<{mail.message_id}>"
        msg["Date"] = formatdate(usegmt=True)
        msg.set_content(mail.body)
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(bytes(msg))
        os.replace(tmp, target)  # readers never see half a message

    async def send(self, mail: Mail) -> None:
        await asyncio.to_thread(self._write, mail)
