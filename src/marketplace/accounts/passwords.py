"""argon2id hashing with a bound on concurrent hashes, so a login flood cannot exhaust memory."""

from __future__ import annotations

import asyncio

import anyio.to_thread
from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from marketplace.settings import Settings


class PasswordHasher:
    def __init__(self, settings: Settings) -> None:
        self._hasher = Argon2Hasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
            type=Type.ID,
        )
        # Each hash holds `memory_cost` KiB while it runs: the semaphore caps the total.
        self._slots = asyncio.Semaphore(settings.hash_concurrency)
        self._dummy: str | None = None

    @property
    def parameters(self) -> tuple[int, int, int]:
        return self._hasher.memory_cost, self._hasher.time_cost, self._hasher.parallelism

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await anyio.to_thread.run_sync(self._hasher.hash, password)

    async def verify(self, stored: str, password: str) -> bool:
        async with self._slots:
            return await anyio.to_thread.run_sync(self._verify, stored, password)

    async def burn(self, password: str) -> None:
        """Spend the same time as a real verify, so unknown logins cannot be told apart by timing."""
        if self._dummy is None:
            self._dummy = await self.hash("not-a-real-password-0")
        await self.verify(self._dummy, password)

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
