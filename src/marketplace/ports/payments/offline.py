"""Offline bank transfer: the embedded default. The payer transfers with a reference; staff confirm receipt."""

from __future__ import annotations

from marketplace.ports.payments.base import DepositInstruction


class OfflineBankTransfer:
    name = "offline"

    def __init__(self, account_name: str = "车拍通平台保证金专户", account_no: str = "3301 0400 0000 0000 000") -> None:
        self._account_name = account_name
        self._account_no = account_no

    async def request_deposit(self, reference: str, amount: int) -> DepositInstruction:
        yuan = f"{amount // 100}.{amount % 100:02d}"
        text = (
            f"请转账 {yuan} 元至 {self._account_name} ({self._account_no})，附言 {reference}。"
            f" / Transfer CNY {yuan} to {self._account_name} ({self._account_no}) quoting {reference}."
        )
        return DepositInstruction(reference=reference, amount=amount, method="bank_transfer", instructions=text)

    def confirmation_is_manual(self) -> bool:
        return True


def select() -> OfflineBankTransfer:
    return OfflineBankTransfer()
