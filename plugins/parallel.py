"""``each_concurrently``: run one call per item with bounded concurrency, answers as they come.

The one copy of this mechanism for every provider plugin (Assembled's planned activity reads,
Genesys's planned schedule searches): a provider's planned requests wait on its rate limit
and the network, so the caller works on each answer while later ones are still on their way.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TypeVar

I = TypeVar("I")  # noqa: E741
T = TypeVar("T")


def each_concurrently(
    items: Sequence[I], concurrency: int, work: Callable[[I], T]
) -> Generator[T, None, None]:
    """``work(item)`` for every item, at most ``concurrency`` at a time, each result yielded
    as soon as it is in (in any order).

    The first failure to come in is raised; it, or closing the generator early, cancels the
    calls not started yet (those in flight are let finish).
    """
    if len(items) <= 1 or concurrency <= 1:
        for item in items:
            yield work(item)
        return
    pool = ThreadPoolExecutor(max_workers=min(concurrency, len(items)))
    # Only the futures not handed over yet are kept: a result the caller has is not held
    # here too (as_completed lets go of them as well), so it is freed as the caller goes.
    pending = {pool.submit(work, item) for item in items}
    finished = False
    try:
        for future in as_completed(pending):
            pending.discard(future)
            yield future.result()
        finished = True
    finally:
        for future in pending:
            future.cancel()
        # Stopped early: let the calls in flight end before the caller moves on. Done: the
        # idle workers exit by themselves, nobody needs to wait for that.
        pool.shutdown(wait=not finished)
