"""Reminders before each deadline (filing expiry, temporary plate, licence, deregistration), once each.

Database-driven and idempotent: a sweep computes the deadlines that are due soon (or overdue) from the records,
inserts one reminder per deadline under a unique key (`plate:vehicle:12:2026-04-29`) with its outbox event in
the same transaction, then mails the reminders not yet mailed. A second sweep finds every key taken and posts
nothing; a mail sent but not marked (a crash between the two) is sent again under the same message id, which
the mail port treats as sent. A deadline that moves (a new plate) has a new key, so it is reminded again.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from export.domain import clocks, filings, steps
from export.models import Batch, Document, Filing, OrderVehicle, Reminder
from export.schemas import ReminderList, ReminderOut
from export.services.access import require_exporter
from export.services.present import facts
from marketplace.accounts.domain import Principal
from marketplace.accounts.models import Membership, User
from marketplace.outbox.events import record_event
from marketplace.ports.mail.base import Mail, Mailer

log = logging.getLogger("export.reminders")

WHAT = {
    "filing": ("出口企业备案到期", "the exporter filing expires"),
    "plate": ("临时号牌到期", "the temporary plate expires"),
    "licence": ("出口许可证到期", "the export licence expires"),
    "deregistration": ("注销登记期限", "deregistration is due"),
}


def _message(what: str, subject: str, due: date, label: str) -> dict[str, Any]:
    zh, en = WHAT[what]
    return {"zh": f"{label}：{zh}，期限 {due.isoformat()}", "en": f"{label}: {en} on {due.isoformat()}"}


async def due_reminders(today: date) -> list[tuple[str, int, str, str, date, dict[str, Any]]]:
    """(key, exporter, what, subject, due, message) of every deadline within its reminder window today."""
    found = []
    renewed: set[Any] = set(await Filing.filter(renews_id__isnull=False).values_list("renews_id", flat=True))
    for f in await Filing.filter(status="verified", valid_until__lte=today + timedelta(days=filings.REMIND_DAYS)):
        if f.id in renewed:
            continue
        subject = f"filing:{f.id}"
        label = f"备案 Filing {f.filing_no}"
        found.append(
            (
                f"filing:{subject}:{f.valid_until}",
                f.exporter_org_id,
                "filing",
                subject,
                f.valid_until,
                _message("filing", subject, f.valid_until, label),
            )
        )
    vehicles = await OrderVehicle.exclude(step__in=steps.FINAL)
    batch_ids = {v.batch_id for v in vehicles if v.batch_id}
    batches = {b.id: b for b in await Batch.filter(id__in=list(batch_ids))} if batch_ids else {}
    docs: dict[int, set[str]] = {}
    if vehicles:
        for vid, kind in await Document.filter(vehicle_id__in=[v.id for v in vehicles]).values_list(
            "vehicle_id", "doc_type"
        ):
            docs.setdefault(int(vid), set()).add(str(kind))
    for v in vehicles:
        batch = batches.get(v.batch_id) if v.batch_id else None
        for d in steps.deadlines(v.step, facts(v, frozenset(docs.get(v.id, set())), batch)):
            if d.state(today) == "ok":
                continue
            subject = f"vehicle:{v.id}"
            found.append(
                (
                    f"{d.what}:{subject}:{d.due}",
                    v.exporter_org_id,
                    d.what,
                    subject,
                    d.due,
                    _message(d.what, subject, d.due, f"VIN {v.vin}"),
                )
            )
    return found


async def post_due(today: date, now: datetime) -> int:
    """Insert the reminders due today that were never posted; returns how many were new."""
    posted = 0
    for key, org_id, what, subject, due, message in await due_reminders(today):
        if await Reminder.exists(key=key):
            continue
        try:
            async with in_transaction() as conn:
                r = await Reminder.create(
                    key=key,
                    exporter_org_id=org_id,
                    what=what,
                    subject=subject,
                    due=due,
                    message=message,
                    created_at=now,
                    using_db=conn,
                )
                await record_event(
                    conn,
                    "export.reminder_posted",
                    {"reminder_id": r.id, "exporter_org_id": org_id, "what": what, "due": due.isoformat()},
                )
            posted += 1
        except IntegrityError:
            continue  # another process posted it first
    return posted


async def _recipients(org_id: int) -> list[str]:
    user_ids = [
        m.user_id
        for m in await Membership.filter(organisation_id=org_id)
        if {"dealer_admin", "dealer_staff"} & set(m.roles)
    ]
    users = await User.filter(id__in=user_ids) if user_ids else []
    return sorted({u.email for u in users if u.email})


async def mail_pending(mailer: Mailer, now: datetime) -> int:
    sent = 0
    for r in await Reminder.filter(mailed_at__isnull=True).order_by("id").limit(200):
        for to in await _recipients(r.exporter_org_id):
            await mailer.send(
                Mail(
                    message_id=f"export-reminder-{r.id}-{to}@marketplace",
                    to=to,
                    subject=f"出口提醒 Export reminder: {r.message['en']}",
                    body=f"{r.message['zh']}\n\n{r.message['en']}\n\n/export\n",
                )
            )
        await Reminder.filter(id=r.id, mailed_at__isnull=True).update(mailed_at=now)
        sent += 1
    return sent


async def sweep(mailer: Mailer | None, today: date, now: datetime | None = None) -> tuple[int, int]:
    now = now or datetime.now(UTC)
    posted = await post_due(today, now)
    mailed = await mail_pending(mailer, now) if mailer is not None else 0
    return posted, mailed


async def list_for(principal: Principal, org_id: int) -> ReminderList:
    require_exporter(principal, org_id)
    rows = await Reminder.filter(exporter_org_id=org_id).order_by("due", "id").limit(500)
    return ReminderList(
        items=[
            ReminderOut(id=r.id, what=r.what, subject=r.subject, due=r.due, message=r.message, created_at=r.created_at)
            for r in rows
        ]
    )


__all__ = ["clocks", "list_for", "sweep"]
