"""Store calls off the event loop: a server across a network never freezes the screen."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from quiz.store.api import ProgressStore

T = TypeVar("T")


async def call_store(store: ProgressStore, call: Callable[[], T]) -> T:
    """Run `call`, which talks to `store`, in a worker thread when the store is across a
    network; a local file answers at once, in line, as before."""
    if store.remote:
        return await asyncio.to_thread(call)
    return call()
