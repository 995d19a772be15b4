"""The association's mediation (调解) of an escalated dispute: its staff record a ruling — rejected, a price
adjustment or an unwind — with a note, and the buyer and the house's staff are told.

The platform cannot move money the house collected; the house's terms accept the association's mediation, so the
ruling is posted in the house's books exactly as a house answer (`disputes.decide`), with the history step saying
the association ruled. The buyer may still take the case to the authorities (`disputes.escalate`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from marketplace.accounts.domain import Principal
from marketplace.accounts.models import Membership
from marketplace.errors import Conflict, NotFound
from marketplace.settlement.domain import access
from marketplace.settlement.domain import handover as rules
from marketplace.settlement.models import Dispute
from marketplace.settlement.services import disputes, notices

NOTICE_KINDS = {
    rules.Answer.REJECTED: "ruling_rejected",
    rules.Answer.PRICE_ADJUSTMENT: "ruling_adjustment",
    rules.Answer.UNWIND: "ruling_unwind",
}


async def _docket_case(principal: Principal, dispute_id: int) -> Dispute:
    """A case the association has seen: escalated to it or beyond. Anyone but its staff, and its staff for a case
    still the house's, are told it does not exist, exactly as for an unknown id."""
    d = await Dispute.get_or_none(id=dispute_id) if access.is_association_staff(principal) else None
    if d is None or d.level == rules.Level.HOUSE:
        raise NotFound("no such dispute", code="dispute_not_found")
    return d


def _same_ruling(d: Dispute, what: rules.Answer, note: str, refund_fen: int | None) -> bool:
    """The case carries this very ruling already (a retried or doubled request)."""
    return any(
        step.get("action") == "ruled" and step.get("answer") == what.value and step.get("note") == note
        and (what is not rules.Answer.PRICE_ADJUSTMENT or step.get("refund_fen") == refund_fen)
        for step in d.history
    )  # fmt: skip


async def rule(principal: Principal, dispute_id: int, what: rules.Answer, note: str, refund_fen: int | None,
               now: datetime) -> Dispute:  # fmt: skip
    """Record the association's ruling on a case before it. The same ruling sent again answers with the case as it
    stands and posts nothing (its ledger key is the case's one ruling); a different one is refused."""
    d = await _docket_case(principal, dispute_id)
    try:
        return await disputes.decide(principal, d.id, rules.Decider.ASSOCIATION, what, note, refund_fen, now,
                                     then=_tell)  # fmt: skip
    except Conflict as exc:
        again = await Dispute.get(id=d.id)
        decided = exc.code in ("dispute_not_open", "dispute_not_with_association")
        if decided and _same_ruling(again, what, note, refund_fen):
            return again
        raise


async def _tell(conn: BaseDBAsyncClient, d: Dispute, step: dict[str, Any]) -> None:
    """A notice to the buyer and to each of the house's staff (who pay any refund), once each per case."""
    staff = [
        m.user_id
        for m in await Membership.filter(organisation_id=d.house_org_id).using_db(conn)
        if set(m.roles) & access.STAFF_ROLES
    ]
    data = {"dispute_id": d.id, "sale_id": d.sale_id, "refund": notices.yuan(int(step.get("refund_fen", 0))),
            "note": step.get("note", "")}  # fmt: skip
    kind = NOTICE_KINDS[rules.Answer(step["answer"])]
    for user_id in dict.fromkeys([d.buyer_user_id, *staff]):
        await notices.notify(conn, user_id, f"dispute:{d.id}:ruling:{user_id}", kind, data)
