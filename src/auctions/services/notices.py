"""Telling a bidder in person what a lot's public event says only by paddle: their maximum was cancelled."""

from __future__ import annotations

from typing import Any

from auctions.models import Lot
from listings import vehicles
from marketplace.accounts.models import User
from marketplace.ports.mail.base import Mail, Mailer

WHAT = {"condition_report": ("车况报告", "condition report")}


def _wan(fen: int) -> str:
    return f"{fen // 1_000_000}.{fen % 1_000_000 // 10_000:02d}"


async def proxy_cancelled(mailer: Mailer, payload: dict[str, Any]) -> bool:
    """Mail the bidder (idempotent: the message id is the event's lot, sequence number and user)."""
    user = await User.get_or_none(id=int(payload["user_id"]))
    lot = await Lot.get_or_none(id=int(payload["lot_id"]))
    if user is None or not user.email or lot is None:
        return False
    vehicle = await vehicles.describe(lot.vehicle_id)
    title = f"{vehicle.make} {vehicle.model} {vehicle.series}".strip() if vehicle else f"#{lot.id}"
    zh, en = WHAT.get(str(payload["what"]), (str(payload["what"]), str(payload["what"])))
    price = payload.get("price")
    stands = (
        f"您的可见出价 {_wan(int(price))} 万元仍然有效。 Your visible bid of CNY {_wan(int(price))} 万 stands.\n"
        if price is not None
        else ""
    )
    await mailer.send(
        Mail(
            message_id=f"proxy-cancelled-{lot.id}-{payload['seq']}-{user.id}@marketplace",
            to=user.email,
            subject=f"委托出价已取消 Your maximum bid was cancelled: {title}",
            body=(
                f"拍卖企业更正了拍品 {lot.position}（{title}）的{zh}，您的委托出价上限已取消。\n"
                f"The auction house corrected the {en} of lot {lot.position} ({title}); your maximum bid was "
                "cancelled.\n"
                f"{stands}"
                "请查看更正后再决定是否重新出价。 Review the correction, then bid again if you wish.\n"
                f"/auctions/lots/{lot.id}\n"
            ),
        )
    )
    return True
