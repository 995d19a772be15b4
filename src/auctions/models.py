"""Persistence for auctions (sessions, lots, bids): built by the auctions issue."""

from __future__ import annotations
