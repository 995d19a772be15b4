"""Persistence for settlement, one module per area; every model is importable from here, where Tortoise finds them."""

from .books import (
    CreditNote,
    CreditNoteCounter,
    Invoice,
    InvoiceCounter,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    PaymentInstructions,
    Receipt,
)
from .clocks import Charge, Notice, SaleClock
from .deposits import Bar, Default, Deposit, DepositRefund, SessionEnd
from .handover import Dispute, DisputeEvidence, DisputePolicy, GatePass, Payout, Transfer
from .payees import PayeeAccount
from .rails import BankImport, BankLine, BankMapping, CardBalanceLine, CardEvent, CardOperation
from .refunds import BuyerRefund, RefundReference
from .sales import FeeSchedule, Sale, SessionPin

__all__ = [
    "BuyerRefund",
    "RefundReference",
    "PayeeAccount",
    "FeeSchedule",
    "SessionPin",
    "Sale",
    "InvoiceCounter",
    "Invoice",
    "CreditNoteCounter",
    "CreditNote",
    "Receipt",
    "LedgerAccount",
    "LedgerTransaction",
    "LedgerEntry",
    "PaymentInstructions",
    "GatePass",
    "Payout",
    "Transfer",
    "DisputePolicy",
    "Dispute",
    "DisputeEvidence",
    "SaleClock",
    "Charge",
    "Notice",
    "SessionEnd",
    "Deposit",
    "DepositRefund",
    "Default",
    "Bar",
    "BankMapping",
    "BankImport",
    "BankLine",
    "CardOperation",
    "CardEvent",
    "CardBalanceLine",
]
