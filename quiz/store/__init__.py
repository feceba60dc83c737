"""The progress store: one contract (`quiz.store.api`) and two engines, SQLite (the default,
a file in the user data folder) and PostgreSQL (a class's shared database). `open_store` is
the only place that knows them all; each engine is imported only when it is asked for.
"""

from __future__ import annotations

import time
from pathlib import Path

from quiz.store.api import Clock, ProgressStore, StoreError

SCHEMES = ("sqlite", "postgresql", "postgres")


def sqlite_path(url: str) -> Path:
    """The file of a `sqlite://` URL: `sqlite:///abs/path.db`, or `sqlite://relative.db`."""
    return Path(url.removeprefix("sqlite://")).expanduser()


def open_store(
    url: str,
    *,
    clock: Clock = time.time,
    busy_timeout: float | None = None,
    outbox: Path | None = None,
) -> ProgressStore:
    """Open the store a database URL names.

    `busy_timeout` is how long a write may wait (for another writer, or for a server) before
    it gives up. For PostgreSQL, `outbox` is the local file where answers wait while the
    server cannot be reached.
    """
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if scheme == "sqlite":
        from quiz.store.sqlite import SQLiteStore

        path = sqlite_path(url)
        if not path.name or path.is_dir():
            raise StoreError(
                f"{url} names a folder; give a file, e.g. sqlite:///{path}/progress.db"
            )
        if busy_timeout is None:
            return SQLiteStore.open_file(path, clock=clock)
        return SQLiteStore.open_file(path, clock=clock, busy_timeout=busy_timeout)
    if scheme in ("postgresql", "postgres"):
        from quiz.store.postgres import PostgresStore

        return PostgresStore.open(url, clock=clock, outbox=outbox, timeout=busy_timeout)
    raise StoreError(
        f"quiz cannot use a database of the kind {scheme or url!r}; "
        "give sqlite:///PATH or postgresql://USER@HOST/DATABASE"
    )
