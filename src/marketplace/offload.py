"""CPU-heavy pure work (spreadsheet parsing and writing) in a small pool of worker processes.

A thread would not do: openpyxl and csv are pure Python and hold the GIL, so a hostile workbook in a
thread still slows every auction on the process. A separate process keeps the event loop answering and
lets the OS cap its memory. Pillow releases the GIL while it decodes, so photos use a thread instead.

Workers are started by a fork server (not by forking this process: a fork of a process with running
threads can inherit a held lock) and live as long as the process; the pool is created on first use.
Submitting happens in a thread too, because starting a worker process blocks until it is up.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")

WORKERS = 2
# The address space a worker may use: a decompression bomb that slipped past the size checks ends
# in a MemoryError in the worker, not in the machine swapping.
WORKER_MEMORY_BYTES = 2 * 1024**3

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


# Workers yield the CPU to the event loops of this machine when both want it (on two cores a busy
# worker otherwise delays the loop's next turn by a scheduler slice or more).
WORKER_NICENESS = 10


def _prepare_worker() -> None:
    import resource

    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = WORKER_MEMORY_BYTES if hard == resource.RLIM_INFINITY else min(WORKER_MEMORY_BYTES, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class CpuBudgetExceeded(Exception):
    """The job used more CPU time than it was given; the worker stopped it and is free again."""


def _on_budget_spent(signum: int, frame: object) -> None:
    raise CpuBudgetExceeded("the work took too long")


def _within_budget(fn: Callable[..., T], seconds: float, args: tuple[Any, ...]) -> T:
    # Runs in the worker's main thread, where signals are delivered; ITIMER_VIRTUAL counts this
    # process's CPU time only, so a busy machine does not make a fair job fail.
    import signal

    previous = signal.signal(signal.SIGVTALRM, _on_budget_spent)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            _pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=context, initializer=_prepare_worker)
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def _submit(fn: Callable[..., T], args: tuple[Any, ...]) -> tuple[ProcessPoolExecutor, Future[T]]:
    pool = _executor()
    return pool, pool.submit(fn, *args)


async def run(fn: Callable[..., T], *args: Any, cpu_seconds: float = 20.0) -> T:
    """fn(*args) in a worker process; fn and its arguments must be picklable (a module-level function).

    Raises CpuBudgetExceeded when fn needs more than `cpu_seconds` of CPU: bounds on the input keep
    honest work well inside it, this is the backstop for whatever the bounds did not foresee.

    A worker that died (killed, out of memory outside Python) breaks the pool: the next call gets a
    fresh one, this one is tried once more.
    """
    for attempt in (1, 2):
        pool, future = await asyncio.to_thread(_submit, _within_budget, (fn, cpu_seconds, args))
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            _discard(pool)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
