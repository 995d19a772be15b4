"""The registration transfer (过户 / 转籍) after delivery: documents handed over → filed → done, with the new
registration's province, city and plate; blockers (a mortgage, a pending violation) stop the filing; the 30-day
legal clock from delivery sends each reminder once; the buyer uploads the proof and the house confirms it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from marketplace import uploads
from marketplace.accounts.domain import Principal
from marketplace.errors import ApiError, Conflict, Forbidden, NotFound
from marketplace.outages import OutageLog
from marketplace.outbox.events import record_event
from marketplace.ports.files.base import FileStorage, StoredObject
from marketplace.ports.mail.base import Mail, Mailer
from marketplace.settlement.domain import access, proofs
from marketplace.settlement.domain import handover as rules
from marketplace.settlement.models import Sale, Transfer
from marketplace.settlement.services import notices
from marketplace.settlement.services.handover import visible_sale
from marketplace.settlement.services.invoices import local_day
from marketplace.settlement.services.ledger import Contended, retrying

log = logging.getLogger("marketplace.settlement")
REMINDER_TOPIC = "settlement.transfer_reminder"  # reminders recorded before they became notices; still mailed
DONE_TOPIC = "settlement.transfer_recorded"


async def _load(principal: Principal, sale_id: int) -> tuple[Sale, Transfer, bool, bool]:
    """The transfer with whether the caller keeps the house's books and whether it is the buyer."""
    sale, viewer = await visible_sale(principal, sale_id)
    transfer = await Transfer.get_or_none(sale_id=sale.id)
    if transfer is None:
        raise NotFound("the transfer starts when the vehicle is handed over", code="transfer_not_found")
    return sale, transfer, access.keeps_books(principal, sale.house_org_id), viewer.buyer


async def view(principal: Principal, sale_id: int) -> Transfer:
    return (await _load(principal, sale_id))[1]


def _require_house(keeps: bool) -> None:
    if not keeps:
        raise Forbidden("the house's own staff record this step", code="not_house_staff")


async def _save(conn: BaseDBAsyncClient, t: Transfer, **changes: Any) -> Transfer:
    updated = await Transfer.filter(id=t.id, version=t.version).using_db(conn).update(**changes, version=t.version + 1)
    if updated != 1:
        raise Contended()
    return await Transfer.filter(id=t.id).using_db(conn).get()


def _open_for_steps(t: Transfer) -> None:
    if t.status in ("done", "cancelled"):
        raise Conflict(f"the transfer is {t.status}", code="transfer_closed")


async def record_documents(
    principal: Principal, sale_id: int, documents: list[str], from_province: str | None, from_city: str | None,
    now: datetime,
) -> Transfer:  # fmt: skip
    """House staff hand over documents (行驶证, 登记证书, the invoice); once all three are out the transfer moves
    to `documents_handed`. The vehicle's registration place may be set here when the sale event did not carry it."""
    sale, transfer, keeps, _ = await _load(principal, sale_id)
    _require_house(keeps)

    async def work(conn: BaseDBAsyncClient) -> Transfer:
        t = await Transfer.filter(id=transfer.id).using_db(conn).get()
        _open_for_steps(t)
        handed = list(dict.fromkeys([*t.documents, *documents]))
        changes: dict[str, Any] = {"documents": handed}
        if from_province is not None:
            changes["from_province"] = from_province
        if from_city is not None:
            changes["from_city"] = from_city
        if t.status == "pending" and set(rules.DOCUMENTS) <= set(handed):
            changes.update(status="documents_handed", documents_handed_at=now)
        return await _save(conn, t, **changes)

    return await retrying(work)


async def add_blocker(principal: Principal, sale_id: int, kind: rules.Blocker, note: str, now: datetime) -> Transfer:
    _, transfer, keeps, _ = await _load(principal, sale_id)
    _require_house(keeps)

    async def work(conn: BaseDBAsyncClient) -> Transfer:
        t = await Transfer.filter(id=transfer.id).using_db(conn).get()
        _open_for_steps(t)
        if t.status == "filed":
            raise Conflict("the transfer was filed already", code="transfer_filed")
        item = {"kind": kind.value, "note": note, "recorded_at": now.isoformat(), "cleared_at": None}
        return await _save(conn, t, blockers=[*t.blockers, item])

    return await retrying(work)


async def clear_blocker(principal: Principal, sale_id: int, number: int, now: datetime) -> Transfer:
    """Clear blocker `number` (1 for the first recorded)."""
    index = number - 1
    _, transfer, keeps, _ = await _load(principal, sale_id)
    _require_house(keeps)

    async def work(conn: BaseDBAsyncClient) -> Transfer:
        t = await Transfer.filter(id=transfer.id).using_db(conn).get()
        if not 0 <= index < len(t.blockers) or t.blockers[index]["cleared_at"] is not None:
            raise NotFound("no such open blocker", code="blocker_not_found")
        blockers = [dict(b) for b in t.blockers]
        blockers[index]["cleared_at"] = now.isoformat()
        return await _save(conn, t, blockers=blockers)

    return await retrying(work)


def open_blockers(t: Transfer) -> list[dict[str, Any]]:
    return [b for b in t.blockers if b["cleared_at"] is None]


async def record_filed(principal: Principal, sale_id: int, now: datetime) -> Transfer:
    """The application was filed at the 车管所 (by the house or the buyer): refused while a blocker is open."""
    _, transfer, keeps, buyer = await _load(principal, sale_id)
    if not (keeps or buyer):
        raise Forbidden("the house's staff or the buyer record the filing", code="not_house_staff")

    async def work(conn: BaseDBAsyncClient) -> Transfer:
        t = await Transfer.filter(id=transfer.id).using_db(conn).get()
        _open_for_steps(t)
        if t.status != "documents_handed":
            raise Conflict("the documents are handed over first", code="transfer_documents_missing")
        if open_blockers(t):
            raise Conflict("a mortgage or a pending violation blocks the transfer", code="transfer_blocked",
                           details=[{"blockers": [b["kind"] for b in open_blockers(t)]}])  # fmt: skip
        return await _save(conn, t, status="filed", filed_at=now)

    return await retrying(work)


async def upload_proof(
    files: FileStorage, principal: Principal, sale_id: int, data: bytes, content_type: str, max_bytes: int,
    province: str, city: str, plate: str, now: datetime,
) -> Transfer:  # fmt: skip
    """The buyer uploads the proof (the new 行驶证 or 登记证书 page, a photo or a PDF) with the new registration."""
    _, transfer, _, buyer = await _load(principal, sale_id)
    if not buyer:
        raise Forbidden("the buyer uploads the proof", code="not_the_buyer")
    try:
        ctype = proofs.check_file(data, content_type, proofs.PROOF_TYPES, max_bytes)
    except proofs.ProofError as exc:
        status = {"payload_too_large": 413, "unsupported_media_type": 415}.get(exc.code, 422)
        raise ApiError(str(exc), code=exc.code, status=status) from None
    if ctype in proofs.IMAGE_TYPES:
        # A photo of the new 行驶证 is decoded and encoded again, as dispute evidence is: no bytes behind the
        # signature, no decompression bomb, no EXIF position for the house and the seller to download.
        data = await uploads.cleaned_photo(data, ctype, max_bytes)
    if transfer.status != "filed":
        raise Conflict("the proof follows the filing", code="transfer_not_filed")
    digest = hashlib.sha256(data).hexdigest()
    key = f"transfers/{transfer.sale_id}/{digest}.{proofs.PROOF_TYPES[ctype]}"
    await files.save(key, data, ctype)  # content-addressed: an orphan from a lost race is harmless

    async def work(conn: BaseDBAsyncClient) -> Transfer:
        t = await Transfer.filter(id=transfer.id).using_db(conn).get()
        if t.status != "filed":
            raise Conflict("the proof follows the filing", code="transfer_not_filed")
        return await _save(
            conn, t, proof_key=key, proof_content_type=ctype, proof_uploaded_at=now, new_province=province,
            new_city=city, new_plate=plate,
        )  # fmt: skip

    return await retrying(work)


async def load_proof(files: FileStorage, principal: Principal, sale_id: int) -> StoredObject:
    _, t, _, _ = await _load(principal, sale_id)
    stored = await files.load(t.proof_key) if t.proof_key else None
    if stored is None:
        raise NotFound("no proof uploaded", code="transfer_proof_not_found")
    return stored


async def confirm(principal: Principal, sale_id: int, now: datetime) -> Transfer:
    """The house confirms the proof: the transfer is done, and the statistics learn where the vehicle went."""
    sale, transfer, keeps, _ = await _load(principal, sale_id)
    _require_house(keeps)

    async def work(conn: BaseDBAsyncClient) -> Transfer:
        t = await Transfer.filter(id=transfer.id).using_db(conn).get()
        _open_for_steps(t)
        if t.status != "filed" or not t.proof_key:
            raise Conflict("the buyer uploads the proof first", code="transfer_proof_missing")
        if not (t.from_province and t.from_city):
            raise Conflict("record where the vehicle was registered (from_province, from_city) with the documents",
                           code="transfer_origin_unknown")  # fmt: skip
        outcome = rules.transfer_outcome(t.from_province, t.from_city, t.new_province, t.new_city)
        done = await _save(conn, t, status="done", done_at=now, confirmed_by_user_id=principal.user_id,
                           outcome=outcome.value)  # fmt: skip
        await record_event(
            conn, DONE_TOPIC,
            {"source": sale.source, "source_ref": sale.source_ref, "sale_id": sale.id, "lot_id": sale.lot_id,
             "house_org_id": sale.house_org_id, "outcome": outcome.value, "province": t.new_province,
             "city": t.new_city},
        )  # fmt: skip
        return done

    return await retrying(work)


async def house_transfers(principal: Principal, house_org_id: int, status: str | None) -> list[Transfer]:
    if not access.reads_books(principal, house_org_id):
        raise NotFound("not found")
    q = Transfer.filter(house_org_id=house_org_id)
    if status:
        q = q.filter(status=status)
    return await q.order_by("deadline", "id").limit(500)


# --- reminders -----------------------------------------------------------------------------------------------


async def remind_due(now: datetime) -> int:
    """Record each reminder that fell due (once: the transfer's `reminders` list, moved by compare-and-set, and its
    notice in one transaction); the notice's outbox event mails the buyer. Returns the number of reminders recorded."""
    today = local_day(now)
    sent = 0
    for t in await Transfer.filter(status__in=["pending", "documents_handed", "filed"]).order_by("id"):
        kinds = rules.reminders_due(t.deadline, today, set(t.reminders))
        if not kinds:
            continue
        async with in_transaction() as conn:
            passed = sorted(set(t.reminders) | set(rules.reminders_passed(t.deadline, today)))
            won = (
                await Transfer.filter(id=t.id, version=t.version)
                .using_db(conn)
                .update(reminders=passed, version=t.version + 1)
            )
            if won != 1:
                continue  # a step or another sweeper moved it: the next sweep looks again
            for kind in kinds:
                # In-app and by mail, as every settlement notice (one key per reminder: written once).
                sent += await notices.notify(
                    conn, t.buyer_user_id, f"transfer:{t.id}:{kind}", NOTICE_KINDS[kind],
                    {"deadline": t.deadline.isoformat(), "sale_id": t.sale_id, "transfer_id": t.id},
                )  # fmt: skip
    return sent


# The reminder's notice kind (a notice kind is at most 20 characters).
NOTICE_KINDS = {"days_left_10": "transfer_10_days", "days_left_3": "transfer_3_days",
                "last_day": "transfer_last_day", "overdue": "transfer_overdue"}  # fmt: skip

_TEXT = {
    "days_left_10": ("还有 10 天", "10 days are left"),
    "days_left_3": ("还有 3 天", "3 days are left"),
    "last_day": ("今天是最后一天", "today is the last day"),
    "overdue": ("已经逾期", "the deadline has passed"),
}


async def mail_reminder(mailer: Mailer, payload: dict[str, Any]) -> bool:
    """Mail the buyer a reminder queued as `settlement.transfer_reminder` before reminders became notices (an
    outbox may still hold such events after an upgrade); idempotent: the message id is the transfer and kind."""
    from marketplace.accounts.models import User

    user = await User.get_or_none(id=int(payload["buyer_user_id"]))
    if user is None or not user.email:
        return False
    zh, en = _TEXT.get(str(payload["kind"]), (str(payload["kind"]), str(payload["kind"])))
    deadline = str(payload["deadline"])
    await mailer.send(
        Mail(
            message_id=f"transfer-{payload['transfer_id']}-{payload['kind']}@marketplace",
            to=user.email,
            subject=f"过户提醒 Registration transfer reminder: {deadline}",
            body=(
                f"您购买的车辆须在 {deadline} 前申请转让登记（过户），{zh}。\n"
                f"The vehicle you bought must be re-registered (过户) by {deadline}: {en}.\n"
                f"/settlement/sales/{payload['sale_id']}/transfer\n"
            ),
        )
    )
    return True


class TransferReminders:
    """Looks for reminders due every `interval` seconds (each is recorded once, whichever process finds it)."""

    def __init__(self, interval: float = 600.0) -> None:
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self._outage = OutageLog(log, "transfer reminders")

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="transfer-reminders")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await remind_due(datetime.now(UTC))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._outage.report(exc, "transfer reminders failed")
            else:
                self._outage.recovered()
            await asyncio.sleep(self._interval)
