"""Store calls off the event loop: a server across a network never freezes the screen, and
a long list is read a few items at a time between frames."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from quiz.store.api import ProgressStore

T = TypeVar("T")
FIRST = 60  # topics a screen reads before its first frame: more than a terminal shows
CHUNK = 25  # topics read at a time after it, between frames: a few ms of work each


async def call_store(store: ProgressStore, call: Callable[[], T]) -> T:
    """Run `call`, which talks to `store`, in a worker thread when the store is across a
    network; a local file answers at once, in line, as before."""
    if store.remote:
        return await asyncio.to_thread(call)
    return call()


async def read_in_chunks(
    store: ProgressStore,
    items: Sequence[str],
    read: Callable[[Sequence[str]], T],
    take: Callable[[Sequence[str], T], None],
) -> None:
    """`read` these items from the store CHUNK at a time, each result handed to `take` on
    the event loop; a key pressed meanwhile is answered before the next chunk. A store that
    fails raises StoreError and the rest is not read."""
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        take(chunk, await call_store(store, partial(read, chunk)))
        await asyncio.sleep(0)
