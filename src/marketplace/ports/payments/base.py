"""Payments port: deposits (保证金) for auction registration. Offline bank transfer now; Stripe later."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class DepositInstruction:
    reference: str  # quoted by the payer so staff can match the transfer
    amount: int  # fen
    method: str  # "bank_transfer" | "card"
    instructions: str  # what the payer is told to do


class PaymentGateway(Protocol):
    name: str

    async def request_deposit(self, reference: str, amount: int) -> DepositInstruction:
        """Ask the payer for a deposit; the reference is ours and unique."""
        ...

    def confirmation_is_manual(self) -> bool:
        """True when staff confirm receipt (offline transfer); False when the provider calls back."""
        ...
