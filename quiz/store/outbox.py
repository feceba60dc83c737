"""The outbox: writes waiting for a database server that cannot be reached.

A small SQLite file next to the user's data, holding a queue of operations (a session
started, an answer recorded, a session ended, an answer overridden). Each is committed
before the call that queued it returns, and sent to the server in order when it is back.
Each keeps the ids it was made with (the session's and the answer's UUID) and its times,
so an operation sent twice (quiz stopped between sending it and removing it here) changes
nothing the second time. An operation the server refuses for good is kept aside in the
`rejected` table, never deleted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quiz.store.api import Answer, Card, Session, Sitting, StoreError

VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS waiting (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rejected (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    reason TEXT NOT NULL
);
"""
BUSY_TIMEOUT_S = 5.0  # two quiz processes of one user share the outbox
# What a damaged, full or vanished file, or a body it cannot read back, can raise.
_FAULTS = (sqlite3.Error, OSError, ValueError, TypeError, KeyError)


@dataclass(frozen=True, slots=True)
class Start:
    """A session begun: the server creates it, keyed on its UUID."""

    sitting: Sitting


@dataclass(frozen=True, slots=True)
class Record:
    """An answer to record in the session of that UUID (its `answered_at` is set)."""

    session: Session
    answer: Answer


@dataclass(frozen=True, slots=True)
class End:
    session_uuid: str
    ended: float


@dataclass(frozen=True, slots=True)
class Override:
    answer_id: str
    card: Card | None


Operation = Start | Record | End | Override
_KINDS: dict[str, type[Operation]] = {
    "start": Start,
    "record": Record,
    "end": End,
    "override": Override,
}


def encode(operation: Operation) -> tuple[str, str]:
    """An operation as its kind and a JSON body."""
    kind = next(name for name, cls in _KINDS.items() if isinstance(operation, cls))
    return kind, json.dumps(_plain(operation), ensure_ascii=False)


def decode(kind: str, body: str) -> Operation:
    """The operation `encode` wrote."""
    fields = json.loads(body)
    if kind == "start":
        return Start(Sitting(**fields["sitting"]))
    if kind == "record":
        answer = fields["answer"]
        card = answer.pop("card")
        return Record(
            Session(**fields["session"]),
            Answer(**answer, card=None if card is None else (card[0], card[1])),
        )
    if kind == "end":
        return End(**fields)
    if kind == "override":
        card = fields["card"]
        return Override(fields["answer_id"], None if card is None else (card[0], card[1]))
    raise ValueError(f"an unknown operation {kind!r} in the outbox")


def _plain(value: Any) -> Any:
    """A record as JSON-ready values: dataclasses and mappings as dicts, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


class Outbox:
    """The queue in one SQLite file. Open it with `Outbox.open(path)`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.db = connection
        self._lock = threading.RLock()  # used from the app's worker threads, one at a time

    @classmethod
    def open(cls, path: Path) -> Outbox:
        """Open (creating if need be) the outbox file `path`."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"the outbox {path} cannot be opened: {exc}") from None
        outbox = cls(path, connection)
        try:
            outbox._prepare()
        except StoreError:
            connection.close()
            raise
        return outbox

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """One use of the file at a time; its every fault arrives as one StoreError naming it."""
        try:
            with self._lock:
                yield
        except StoreError:
            raise
        except _FAULTS as exc:
            raise StoreError(f"the outbox {self.path} cannot be used: {exc}") from exc

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _prepare(self) -> None:
        with self._guard():
            # The outbox may hold the only copy of an answer: each commit reaches the disk.
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = FULL")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > VERSION:
                raise StoreError(f"the outbox {self.path} is from a newer quiz; upgrade quiz")
            self.db.executescript(SCHEMA + f"PRAGMA user_version = {VERSION};")

    def close(self) -> None:
        with self._lock:
            self.db.close()

    @property
    def pending(self) -> int:
        """How many operations wait to be sent."""
        with self._guard():
            return int(self.db.execute("SELECT COUNT(*) FROM waiting").fetchone()[0])

    @property
    def rejected(self) -> int:
        """How many operations the server refused for good (kept in the file)."""
        with self._guard():
            return int(self.db.execute("SELECT COUNT(*) FROM rejected").fetchone()[0])

    def push(self, operation: Operation) -> None:
        """Queue an operation, committed before this returns."""
        with self._guard():
            self.db.execute("INSERT INTO waiting (kind, body) VALUES (?, ?)", encode(operation))

    def first(self) -> tuple[int, Operation] | None:
        """The oldest waiting operation and its number, or None. One that cannot be read
        back (edited by hand, or damaged) is kept aside rather than blocking the rest."""
        with self._guard():
            while row := self.db.execute(
                "SELECT seq, kind, body FROM waiting ORDER BY seq LIMIT 1"
            ).fetchone():
                try:
                    return row[0], decode(row[1], row[2])
                except (ValueError, TypeError, KeyError) as exc:
                    self.reject(row[0], f"it cannot be read back: {exc}")
            return None

    def sent(self, seq: int) -> None:
        """The operation `seq` reached the server: forget it."""
        with self._guard():
            self.db.execute("DELETE FROM waiting WHERE seq = ?", (seq,))

    def reject(self, seq: int, reason: str) -> None:
        """The server refused the operation `seq` for good: keep it aside, with why."""
        with self._guard(), self._transaction():  # in one table or the other, never both
            self.db.execute(
                "INSERT OR IGNORE INTO rejected SELECT seq, kind, body, ? FROM waiting"
                " WHERE seq = ?",
                (reason, seq),
            )
            self.db.execute("DELETE FROM waiting WHERE seq = ?", (seq,))
