"""Telling a buyer or bidder what changed: in-app (a notice row) and by mail (through the outbox), once each.

A notice's key names the state change (`invoice:12:overdue`), unique in the table, so the sweeper running twice,
or two sweepers at once, write one notice and one mail. The mail leaves after commit (the outbox event
`settlement.notice` → job `settlement.mail_notice`), its message id the key, so a re-run sends the same message.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tortoise.backends.base.client import BaseDBAsyncClient

from marketplace.accounts.models import User
from marketplace.outbox.events import record_event
from marketplace.ports.mail.base import Mail, Mailer
from marketplace.settlement.models import Notice

TOPIC = "settlement.notice"

_TEXT: dict[str, tuple[str, str, str, str]] = {
    # kind: (subject zh, subject en, body zh, body en) — formatted with the notice's data
    "reminder": ("付款提醒", "Payment reminder", "结算单 {number} 应于 {due_on} 前付清，未付金额 {balance} 元。",
                 "Invoice {number} is due by {due_on}; CNY {balance} is outstanding."),
    "overdue": ("付款已逾期", "Payment overdue", "结算单 {number} 已于 {due_on} 到期未付，滞纳金按拍卖规则计收。",
                "Invoice {number} was due on {due_on} and is unpaid; late fees apply under the house's terms."),
    "defaulted": ("悔拍处理通知", "Sale cancelled for non-payment",
                  "结算单 {number} 逾期未付，拍卖企业已按规则认定悔拍：成交撤销，保证金 {forfeited} 元不予退还。",
                  "Invoice {number} was not paid: the house declared a default, the sale is cancelled and the "
                  "deposit of CNY {forfeited} is forfeited."),
    "refund_due": ("保证金退还", "Deposit refund", "您的保证金 {amount} 元将于 {due_on} 前退还。",
                   "Your deposit of CNY {amount} will be refunded by {due_on}."),
    "refunded": ("保证金已退还", "Deposit refunded", "您的保证金 {amount} 元已退还（银行流水号 {reference}）。",
                 "Your deposit of CNY {amount} was refunded (bank reference {reference})."),
    "credit_refunded": ("退款已汇出", "Refund sent", "拍卖行已将 {amount} 元退还给您（银行流水号 {reference}）。",
                        "The house refunded CNY {amount} to you (bank reference {reference})."),
    # The 30-day registration-transfer (过户) clock from delivery (services/transfers.py), to the buyer.
    "transfer_10_days": ("过户提醒", "Registration transfer reminder",
                              "您购买的车辆须在 {deadline} 前申请转让登记（过户），还有 10 天。",
                              "The vehicle you bought must be re-registered (过户) by {deadline}: 10 days are left."),
    "transfer_3_days": ("过户提醒", "Registration transfer reminder",
                             "您购买的车辆须在 {deadline} 前申请转让登记（过户），还有 3 天。",
                             "The vehicle you bought must be re-registered (过户) by {deadline}: 3 days are left."),
    "transfer_last_day": ("过户提醒", "Registration transfer reminder",
                          "您购买的车辆须在 {deadline} 前申请转让登记（过户），今天是最后一天。",
                          "The vehicle you bought must be re-registered (过户) by {deadline}: today is the last day."),
    "transfer_overdue": ("过户已逾期", "Registration transfer overdue",
                         "您购买的车辆应在 {deadline} 前申请转让登记（过户），已经逾期。",
                         "The vehicle you bought had to be re-registered (过户) by {deadline}: the deadline has "
                         "passed."),
    # The association's ruling on an escalated dispute, to the buyer and the house's staff (services/mediation.py).
    "ruling_rejected": ("协会调解结果", "The association's ruling",
                        "行业协会对争议 {dispute_id} 号的调解结果：不予支持。{note}",
                        "The trade association ruled on dispute no. {dispute_id}: rejected. {note}"),
    "ruling_adjustment": ("协会调解结果", "The association's ruling",
                          "行业协会对争议 {dispute_id} 号的调解结果：调整价格，拍卖企业退还买方 {refund} 元。{note}",
                          "The trade association ruled on dispute no. {dispute_id}: a price adjustment; the house "
                          "refunds the buyer CNY {refund}. {note}"),
    "ruling_unwind": ("协会调解结果", "The association's ruling",
                      "行业协会对争议 {dispute_id} 号的调解结果：解除交易，车辆退回，"
                      "拍卖企业退还买方 {refund} 元。{note}",
                      "The trade association ruled on dispute no. {dispute_id}: the sale is unwound, the vehicle "
                      "returned and the house refunds the buyer CNY {refund}. {note}"),
}  # fmt: skip


def yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


async def notify(
    conn: BaseDBAsyncClient, user_id: int, key: str, kind: str, data: dict[str, Any], invoice_id: int | None = None
) -> bool:
    """Write the notice once per key (False: it was written before) and queue its mail in the same transaction."""
    if await Notice.filter(key=key).using_db(conn).exists():
        return False
    notice = await Notice.create(user_id=user_id, key=key, kind=kind, invoice_id=invoice_id, data=data, using_db=conn)
    await record_event(conn, TOPIC, {"notice_id": notice.id, "key": key, "user_id": user_id, "kind": kind,
                                     "data": data})  # fmt: skip
    return True


class Texts(NamedTuple):
    subject_zh: str
    subject_en: str
    body_zh: str
    body_en: str


def texts(kind: str, data: dict[str, Any]) -> Texts:
    """A notice's words in both languages, the same in the app and in the mail; an unknown kind or a missing
    figure still reads (a kind added later must not break the list of older notices)."""
    if kind not in _TEXT:
        return Texts("通知", "Notice", "", "")
    subject_zh, subject_en, zh, en = _TEXT[kind]
    values = _Blank({k: str(v) for k, v in data.items()})
    return Texts(subject_zh, subject_en, zh.format_map(values).strip(), en.format_map(values).strip())


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def mail_of(to: str, payload: dict[str, Any]) -> Mail:
    t = texts(str(payload["kind"]), dict(payload["data"]))
    return Mail(
        message_id=f"settlement-{payload['key']}@marketplace".replace(":", "-"),
        to=to,
        subject=f"{t.subject_zh} / {t.subject_en}",
        body=f"{t.body_zh}\n\n{t.body_en}\n\n— 二手车交易平台 / Used-vehicle marketplace",
    )


async def mail(mailer: Mailer, message: dict[str, Any]) -> bool:
    payload = dict(message["payload"])
    user = await User.get_or_none(id=int(payload["user_id"]))
    if user is None or not user.email:
        return False
    await mailer.send(mail_of(user.email, payload))
    return True


async def my_notices(user_id: int, unread_only: bool) -> list[Notice]:
    qs = Notice.filter(user_id=user_id)
    return list(await (qs.filter(read_at__isnull=True) if unread_only else qs).order_by("-id").limit(200))


async def mark_read(user_id: int, ids: list[int] | None, at: Any) -> int:
    qs = Notice.filter(user_id=user_id, read_at__isnull=True)
    return int(await (qs.filter(id__in=ids) if ids is not None else qs).update(read_at=at))
