"""HTTP handlers of an organisation's payee setting: the Stripe connected account its card payments are made on.

An auction house sets it on its settlement desk; an exporter on its export desk (export's routes call the same
service after checking the filing). Stripe itself verifies it: the account is retrieved through the card rail.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.routing import BaseRoute

from marketplace.settlement.models import PayeeAccount
from marketplace.settlement.schemas_rails import CardPayeeIn, CardPayeeOut, CardPayeeStateOut
from marketplace.settlement.services import cards, payees
from marketplace.web.endpoint import Call, endpoint

TAG = "settlement"


def payee_out(row: PayeeAccount) -> CardPayeeOut:
    return CardPayeeOut(
        account=row.account, status=row.status, reason=row.reason, country=row.country,  # type: ignore[arg-type]
        default_currency=row.default_currency, set_by_user_id=row.set_by_user_id, set_at=row.set_at,
        verified_at=row.verified_at,
    )  # fmt: skip


async def state_out(rows: list[PayeeAccount], org_id: int) -> CardPayeeStateOut:
    return CardPayeeStateOut(
        current=payee_out(rows[0]) if rows else None, history=[payee_out(r) for r in rows[1:]],
        card_rail=cards.configured(), refusal=await payees.refusal_for(org_id),
    )  # fmt: skip


@endpoint(
    "GET",
    "/api/houses/{id:int}/card-payee",
    summary="The Stripe connected account the house's card payments and card-held deposits are made on, with its "
    "earlier settings",
    tag=TAG,
    response=CardPayeeStateOut,
    errors=(404,),
)
async def get_payee(call: Call[Any, Any]) -> CardPayeeStateOut:
    return await state_out(await payees.history(call.user, call.path_id()), call.path_id())


@endpoint(
    "PUT",
    "/api/houses/{id:int}/card-payee",
    summary="Set the house's Stripe connected account (acct_…; the house's administrators); Stripe is asked at once "
    "whether the platform is connected to it and it takes charges. New card operations take it, earlier ones keep "
    "theirs",
    tag=TAG,
    body=CardPayeeIn,
    response=CardPayeeOut,
    errors=(403, 404, 409, 422),
)
async def set_payee(call: Call[CardPayeeIn, Any]) -> CardPayeeOut:
    await payees.require_house_payee(call.user, call.path_id())
    return payee_out(await payees.set_account(call.user, call.path_id(), call.body.account, datetime.now(UTC)))


@endpoint(
    "POST",
    "/api/houses/{id:int}/card-payee/verify",
    summary="Ask Stripe again about the house's connected account (after its onboarding, or Stripe was unreachable)",
    tag=TAG,
    response=CardPayeeOut,
    errors=(403, 404, 409),
)
async def verify_payee(call: Call[Any, Any]) -> CardPayeeOut:
    await payees.require_house_payee(call.user, call.path_id())
    return payee_out(await payees.verify_again(call.user, call.path_id(), datetime.now(UTC)))


routes: list[BaseRoute] = [get_payee, set_payee, verify_payee]
