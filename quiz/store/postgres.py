"""The PostgreSQL engine of the progress store: one database that a whole class shares.

The same records and summaries as the SQLite engine, each answer and its summaries in one
short transaction. Sessions and answers are keyed on their UUIDs, so an answer sent twice is
stored once. Every driver fault arrives as a StoreError; a server that cannot be reached (or
that is too busy to answer in time) as StoreUnavailable, and the next call connects again.

With an outbox (a local file, see `quiz.store.outbox`) nothing is lost while the server
cannot be reached. Opening succeeds even then. The writes a sitting makes (`start_session`,
`record`, `end_session`, `override`) wait in the outbox, and every later call first sends
them, in order; `pending` says how many wait. Reads do not guess: they raise
StoreUnavailable, which the home screen shows as "your progress cannot be read" while
practice and exams go on, each answer saved locally.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import re
import select
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import TupleRow
from psycopg.types.string import TextLoader

from quiz.store.api import (
    ANSWER_COLUMNS,
    ATTEMPT_COLUMNS,
    NAMES_KEPT,
    NAMES_TO_IDS,
    OWNED_TABLES,
    TREND_SESSIONS,
    Answer,
    Attempt,
    Card,
    Clock,
    Curve,
    Guard,
    Profile,
    QuestionStats,
    Session,
    SessionRecord,
    Sitting,
    StoreError,
    StoreUnavailable,
    TopicCards,
    TopicStats,
    answer_values,
    card_columns,
    card_sets,
    check_same_sitting,
    count,
    new_id,
    newer_schema,
    profile_record,
    question_record,
    session_record,
    stored_answer,
    stored_attempt,
    streak,
    topic_cards,
    topic_history,
    topic_stats,
)
from quiz.store.outbox import End, Operation, Outbox, Override, Record, Start

Cursor = psycopg.Cursor[TupleRow]
Connection = psycopg.Connection[TupleRow]

DEFAULT_TIMEOUT_S = 5.0
SLOW_S = 0.5  # a connection attempt that fails slower than this timed out
RETRY_AFTER_S = 15.0  # then the server is left alone this long
MIN_CONNECT_TIMEOUT_S = 2  # libpq waits at least this long, whatever it is told
# pg_advisory_xact_lock keys: one client at a time migrates, or moves a bank's progress.
_MIGRATION_LOCK = 0x7175_697A_0001
_BANK_LOCK = 0x7175_697A_0002

# The new tables' keys, constraints and sequences, named as the old ones were.
_RENAMES = "".join(
    [
        *(f"ALTER INDEX {table}_new_pkey RENAME TO {table}_pkey;" for table in OWNED_TABLES),
        *(
            f"ALTER INDEX {table}_new_{column}_key RENAME TO {table}_{column}_key;"
            for table, column in (
                ("profiles", "name"), ("banks", "key"), ("sessions", "uuid"), ("answers", "uuid")
            )
        ),
        *(
            f"ALTER TABLE {table} RENAME CONSTRAINT {table}_new_{column}_fkey"
            f" TO {table}_{column}_fkey;"
            for table, column in (
                ("sessions", "profile"), ("sessions", "bank"), ("answers", "session_id"),
                ("session_topics", "session_id"),
            )
        ),
        *(
            f"ALTER SEQUENCE {table}_new_id_seq RENAME TO {table}_id_seq;"
            for table in ("profiles", "banks", "sessions", "answers")
        ),
    ]
)  # fmt: skip

# Each entry takes the schema from its index to the next version; never edit a shipped one.
MIGRATIONS: list[str] = [
    # 0 -> 1: everything the SQLite engine has at its schema 6, in PostgreSQL's own types.
    """
    CREATE TABLE profiles (
        name text PRIMARY KEY,
        display_name text NOT NULL,
        created double precision NOT NULL
    );
    CREATE TABLE banks (
        key text PRIMARY KEY,
        title text NOT NULL,
        created double precision NOT NULL
    );
    CREATE TABLE sessions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        uuid uuid NOT NULL UNIQUE,
        profile text NOT NULL,
        bank text NOT NULL,
        mode text NOT NULL,
        seed bigint,
        started double precision NOT NULL,
        ended double precision
    );
    CREATE INDEX sessions_by_profile ON sessions (profile, bank, started);
    CREATE TABLE answers (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        uuid uuid NOT NULL UNIQUE,
        session_id bigint NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        profile text NOT NULL,
        bank text NOT NULL,
        question_id text NOT NULL,
        topic text NOT NULL,
        given text NOT NULL,
        correct boolean NOT NULL,
        score double precision NOT NULL,
        unanswered boolean NOT NULL,
        late boolean NOT NULL,
        overridden boolean NOT NULL,
        seconds double precision NOT NULL,
        answered_at double precision NOT NULL,
        question_hash text NOT NULL,
        response jsonb
    );
    CREATE INDEX answers_by_session ON answers (session_id);
    CREATE INDEX answers_by_question ON answers (profile, bank, question_id, answered_at);
    CREATE INDEX answers_by_topic ON answers (profile, bank, topic, answered_at);
    CREATE INDEX answers_by_time ON answers (profile, bank, answered_at);
    CREATE TABLE topic_stats (
        profile text NOT NULL,
        bank text NOT NULL,
        topic text NOT NULL,
        attempts integer NOT NULL,
        correct integer NOT NULL,
        last_at double precision NOT NULL,
        streak integer NOT NULL,
        best_streak integer NOT NULL,
        PRIMARY KEY (profile, bank, topic)
    );
    CREATE TABLE session_topics (
        profile text NOT NULL,
        bank text NOT NULL,
        topic text NOT NULL,
        session_id bigint NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        attempts integer NOT NULL,
        correct integer NOT NULL,
        PRIMARY KEY (profile, bank, topic, session_id)
    );
    CREATE INDEX session_topics_by_session ON session_topics (session_id);
    CREATE TABLE question_stats (
        profile text NOT NULL,
        bank text NOT NULL,
        question_id text NOT NULL,
        topic text NOT NULL,
        attempts integer NOT NULL,
        wrong integer NOT NULL,
        last_correct boolean NOT NULL,
        last_at double precision NOT NULL,
        PRIMARY KEY (profile, bank, question_id)
    );
    CREATE TABLE cards (
        profile text NOT NULL,
        bank text NOT NULL,
        question_id text NOT NULL,
        topic text NOT NULL,
        card text NOT NULL,
        due double precision NOT NULL,
        PRIMARY KEY (profile, bank, question_id)
    );
    CREATE INDEX cards_by_due ON cards (profile, bank, due);
    """,
    # 1 -> 2: as SQLite's 6 -> 7: the card's state, stability and last review out of its
    # JSON (filled in `_migrate`), and the indexes for one topic's cards and results and for
    # the latest mistakes.
    """
    ALTER TABLE cards ADD COLUMN state smallint,
        ADD COLUMN stability double precision, ADD COLUMN reviewed double precision;
    CREATE INDEX cards_by_topic ON cards (profile, bank, topic, due);
    CREATE INDEX question_stats_by_topic ON question_stats (profile, bank, topic, last_correct);
    CREATE INDEX question_stats_missed ON question_stats (profile, bank, last_correct, last_at);
    """,
    # 2 -> 3: as SQLite's 7 -> 8: every row kept under integer ids of its profile and bank,
    # not their names; an answer reached through its session, so only its UUID, its id and
    # its session index it. Each table is copied anew (an UPDATE would leave the old rows'
    # space behind).
    f"""
    CREATE TABLE profiles_new (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL UNIQUE,
        display_name text NOT NULL,
        created double precision NOT NULL
    );
    INSERT INTO profiles_new (name, display_name, created)
        SELECT name, display_name, created FROM profiles ORDER BY created, name;
    INSERT INTO profiles_new (name, display_name, created)
        SELECT profile, profile, 0 FROM ({NAMES_KEPT.format(column="profile")}) x
        ON CONFLICT DO NOTHING;
    CREATE TABLE banks_new (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        key text NOT NULL UNIQUE,
        title text NOT NULL,
        created double precision NOT NULL
    );
    INSERT INTO banks_new (key, title, created)
        SELECT key, title, created FROM banks ORDER BY created, key;
    INSERT INTO banks_new (key, title, created)
        SELECT bank, bank, 0 FROM ({NAMES_KEPT.format(column="bank")}) x ON CONFLICT DO NOTHING;
    CREATE TABLE sessions_new (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        uuid uuid NOT NULL UNIQUE,
        profile integer NOT NULL REFERENCES profiles_new (id),
        bank integer NOT NULL REFERENCES banks_new (id),
        mode text NOT NULL,
        seed bigint,
        started double precision NOT NULL,
        ended double precision
    );
    INSERT INTO sessions_new OVERRIDING SYSTEM VALUE
        SELECT s.id, s.uuid, p.id, b.id, s.mode, s.seed, s.started, s.ended
        FROM sessions s {NAMES_TO_IDS.format(table="s")};
    CREATE TABLE answers_new (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        uuid uuid NOT NULL UNIQUE,
        session_id bigint NOT NULL REFERENCES sessions_new (id) ON DELETE CASCADE,
        question_id text NOT NULL,
        topic text NOT NULL,
        given text NOT NULL,
        correct boolean NOT NULL,
        score double precision NOT NULL,
        unanswered boolean NOT NULL,
        late boolean NOT NULL,
        overridden boolean NOT NULL,
        seconds double precision NOT NULL,
        answered_at double precision NOT NULL,
        question_hash text NOT NULL,
        response jsonb
    );
    INSERT INTO answers_new OVERRIDING SYSTEM VALUE
        SELECT id, uuid, session_id, question_id, topic, given, correct, score, unanswered,
        late, overridden, seconds, answered_at, question_hash, response FROM answers;
    CREATE TABLE topic_stats_new (
        profile integer NOT NULL,
        bank integer NOT NULL,
        topic text NOT NULL,
        attempts integer NOT NULL,
        correct integer NOT NULL,
        last_at double precision NOT NULL,
        streak integer NOT NULL,
        best_streak integer NOT NULL,
        PRIMARY KEY (profile, bank, topic)
    );
    INSERT INTO topic_stats_new SELECT p.id, b.id, t.topic, t.attempts, t.correct, t.last_at,
        t.streak, t.best_streak FROM topic_stats t {NAMES_TO_IDS.format(table="t")};
    CREATE TABLE session_topics_new (
        profile integer NOT NULL,
        bank integer NOT NULL,
        topic text NOT NULL,
        session_id bigint NOT NULL REFERENCES sessions_new (id) ON DELETE CASCADE,
        attempts integer NOT NULL,
        correct integer NOT NULL,
        PRIMARY KEY (profile, bank, topic, session_id)
    );
    INSERT INTO session_topics_new SELECT p.id, b.id, t.topic, t.session_id, t.attempts,
        t.correct FROM session_topics t {NAMES_TO_IDS.format(table="t")};
    CREATE TABLE question_stats_new (
        profile integer NOT NULL,
        bank integer NOT NULL,
        question_id text NOT NULL,
        topic text NOT NULL,
        attempts integer NOT NULL,
        wrong integer NOT NULL,
        last_correct boolean NOT NULL,
        last_at double precision NOT NULL,
        PRIMARY KEY (profile, bank, question_id)
    );
    INSERT INTO question_stats_new SELECT p.id, b.id, t.question_id, t.topic, t.attempts,
        t.wrong, t.last_correct, t.last_at FROM question_stats t {NAMES_TO_IDS.format(table="t")};
    CREATE TABLE cards_new (
        profile integer NOT NULL,
        bank integer NOT NULL,
        question_id text NOT NULL,
        topic text NOT NULL,
        card text NOT NULL,
        due double precision NOT NULL,
        state smallint,
        stability double precision,
        reviewed double precision,
        PRIMARY KEY (profile, bank, question_id)
    );
    INSERT INTO cards_new SELECT p.id, b.id, t.question_id, t.topic, t.card, t.due, t.state,
        t.stability, t.reviewed FROM cards t {NAMES_TO_IDS.format(table="t")};
    DROP TABLE {", ".join(OWNED_TABLES)};
    {"".join(f"ALTER TABLE {table}_new RENAME TO {table};" for table in OWNED_TABLES)}
    {_RENAMES}
    SELECT setval(pg_get_serial_sequence('sessions', 'id'), GREATEST(MAX(id), 1)) FROM sessions;
    SELECT setval(pg_get_serial_sequence('answers', 'id'), GREATEST(MAX(id), 1)) FROM answers;
    CREATE INDEX sessions_by_profile ON sessions (profile, bank, started);
    CREATE INDEX answers_by_session ON answers (session_id);
    CREATE INDEX session_topics_by_session ON session_topics (session_id);
    CREATE INDEX question_stats_by_topic ON question_stats (profile, bank, topic, last_correct);
    CREATE INDEX question_stats_missed ON question_stats (profile, bank, last_correct, last_at);
    CREATE INDEX cards_by_due ON cards (profile, bank, due);
    CREATE INDEX cards_by_topic ON cards (profile, bank, topic, due);
    """,
    # 3 -> 4: an answer names its question's version (its id, topic and content hash in a
    # bank), kept once in question_versions, by a small id; the UUID is the key (no serial
    # id beside it); the columns go widest first, so that none is padded.
    """
    CREATE TABLE question_versions (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        bank integer NOT NULL REFERENCES banks (id),
        question_id text NOT NULL,
        topic text NOT NULL,
        question_hash text NOT NULL,
        UNIQUE (bank, question_id, topic, question_hash)
    );
    INSERT INTO question_versions (bank, question_id, topic, question_hash)
        SELECT DISTINCT s.bank, a.question_id, a.topic, a.question_hash
        FROM answers a JOIN sessions s ON s.id = a.session_id;
    CREATE TABLE answers_new (
        answered_at double precision NOT NULL,
        score double precision NOT NULL,
        seconds double precision NOT NULL,
        uuid uuid PRIMARY KEY,
        session_id integer NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        question integer NOT NULL,  -- a question_versions id: only ever taken from that table
        correct boolean NOT NULL,
        unanswered boolean NOT NULL,
        late boolean NOT NULL,
        overridden boolean NOT NULL,
        given text NOT NULL,
        response jsonb
    );
    INSERT INTO answers_new
        SELECT a.answered_at, a.score, a.seconds, a.uuid, a.session_id, v.id, a.correct,
        a.unanswered, a.late, a.overridden, a.given, a.response
        FROM answers a JOIN sessions s ON s.id = a.session_id
        JOIN question_versions v ON v.bank = s.bank AND v.question_id = a.question_id
        AND v.topic = a.topic AND v.question_hash = a.question_hash
        ORDER BY a.id;
    DROP TABLE answers;
    ALTER TABLE answers_new RENAME TO answers;
    ALTER INDEX answers_new_pkey RENAME TO answers_pkey;
    ALTER TABLE answers RENAME CONSTRAINT answers_new_session_id_fkey TO answers_session_id_fkey;
    CREATE INDEX answers_by_session ON answers (session_id);
    """,
]
_CARD_COLUMNS = 1  # the migration after which the card columns are filled from the JSON

# An answer, if its question's version is known (else no row: see `_add_answer`).
_INSERT_ANSWER = """
INSERT INTO answers (answered_at, score, seconds, uuid, session_id, question, correct,
                     unanswered, late, overridden, given, response)
SELECT %(at)s, %(score)s, %(seconds)s, %(uuid)s, %(session)s, v.id, %(correct)s,
       %(unanswered)s, %(late)s, %(overridden)s, %(given)s, %(response)s::jsonb
FROM question_versions v
WHERE v.bank = (SELECT bank FROM sessions WHERE id = %(session)s) AND v.question_id = %(qid)s
  AND v.topic = %(topic)s AND v.question_hash = %(hash)s
ON CONFLICT (uuid) DO NOTHING
"""
_ADD_VERSION = """
INSERT INTO question_versions (bank, question_id, topic, question_hash)
VALUES ((SELECT bank FROM sessions WHERE id = %(session)s), %(qid)s, %(topic)s, %(hash)s)
ON CONFLICT DO NOTHING
"""
# An answer with its question, as the contract's columns name them.
_ANSWERS = "answers a JOIN question_versions v ON v.id = a.question"
_VERSIONED = ("question_id", "topic", "question_hash")  # read from question_versions v


def _from_versions(columns: str) -> str:
    """The contract's answer columns read from `_ANSWERS`: a question's own from v, the
    others from a (a column of another table, such as s.mode, as it is)."""
    names = (c.strip().removeprefix("a.") for c in columns.split(","))
    return ", ".join(n if "." in n else f"v.{n}" if n in _VERSIONED else f"a.{n}" for n in names)


_ANSWER_COLUMNS = _from_versions(ANSWER_COLUMNS)
_ATTEMPT_COLUMNS = _from_versions(ATTEMPT_COLUMNS)
_RECORD_TOPIC = """
INSERT INTO topic_stats AS t (profile, bank, topic, attempts, correct, last_at, streak,
                              best_streak)
VALUES ((SELECT profile FROM sessions WHERE id = %(session)s),
        (SELECT bank FROM sessions WHERE id = %(session)s),
        %(topic)s, 1, %(correct)s::int, %(at)s, %(correct)s::int,
        %(correct)s::int)
ON CONFLICT (profile, bank, topic) DO UPDATE SET
    attempts = t.attempts + 1,
    correct = t.correct + excluded.correct,
    last_at = GREATEST(t.last_at, excluded.last_at),
    streak = CASE WHEN excluded.correct > 0 THEN t.streak + 1 ELSE 0 END,
    best_streak = GREATEST(t.best_streak, CASE WHEN excluded.correct > 0 THEN t.streak + 1
                                          ELSE 0 END)
"""
_RECORD_SESSION_TOPIC = """
INSERT INTO session_topics AS s (profile, bank, topic, session_id, attempts, correct)
VALUES ((SELECT profile FROM sessions WHERE id = %(session)s),
        (SELECT bank FROM sessions WHERE id = %(session)s),
        %(topic)s, %(session)s, 1, %(correct)s::int)
ON CONFLICT (profile, bank, topic, session_id) DO UPDATE SET
    attempts = s.attempts + 1, correct = s.correct + excluded.correct
"""
_RECORD_QUESTION = """
INSERT INTO question_stats AS q (profile, bank, question_id, topic, attempts, wrong,
                                 last_correct, last_at)
VALUES ((SELECT profile FROM sessions WHERE id = %(session)s),
        (SELECT bank FROM sessions WHERE id = %(session)s),
        %(qid)s, %(topic)s, 1, 1 - %(correct)s::int, %(correct)s, %(at)s)
ON CONFLICT (profile, bank, question_id) DO UPDATE SET
    topic = excluded.topic,
    attempts = q.attempts + 1,
    wrong = q.wrong + excluded.wrong,
    last_correct = CASE WHEN excluded.last_at >= q.last_at THEN excluded.last_correct
                   ELSE q.last_correct END,
    last_at = GREATEST(q.last_at, excluded.last_at)
"""
_CARD_UPSERT = """
INSERT INTO cards (profile, bank, question_id, topic, card, due, state, stability, reviewed)
VALUES ({profile}, {bank}, %(qid)s, %(topic)s, %(card)s, %(due)s, %(state)s, %(stability)s,
        %(reviewed)s)
ON CONFLICT (profile, bank, question_id) DO UPDATE SET
    topic = excluded.topic, card = excluded.card, due = excluded.due, state = excluded.state,
    stability = excluded.stability, reviewed = excluded.reviewed
"""
_SAVE_CARD = _CARD_UPSERT.format(  # the card of a session's profile and bank
    profile="(SELECT profile FROM sessions WHERE id = %(session)s)",
    bank="(SELECT bank FROM sessions WHERE id = %(session)s)",
)
_SAVE_CARD_BY_ID = _CARD_UPSERT.format(profile="%(profile)s", bank="%(bank)s")
# The ids rows keep for a profile and a bank, by their names; a table's ids as names.
_IDS = "SELECT (SELECT id FROM profiles WHERE name = %s), (SELECT id FROM banks WHERE key = %s)"
_NAMES = "JOIN profiles p ON p.id = {table}.profile JOIN banks b ON b.id = {table}.bank"
# Per topic: cards, those due in (re)learning and in review, their summed recall, how many
# were predicted, and questions known. The bank's questions come as one JSON object of
# id -> topic (one parameter: an array of thousands costs more to send than to count), so
# they are counted by the bank's topics, not the stored ones, and only those it still has.
_TOPIC_CARDS = """
SELECT a.topic, COUNT(c.due),
    COUNT(*) FILTER (WHERE c.due <= %(now)s AND c.state IS DISTINCT FROM 2),
    COUNT(*) FILTER (WHERE c.due <= %(now)s AND c.state = 2),
    SUM(CASE WHEN c.reviewed IS NULL OR NOT c.stability > 0 THEN NULL
        WHEN NOT COALESCE(q.last_correct, true) THEN 0.0
        ELSE power(1 + %(factor)s * GREATEST(0, floor((%(now)s - c.reviewed) / 86400.0))
                   / c.stability, %(decay)s) END),
    COUNT(*) FILTER (WHERE c.reviewed IS NOT NULL AND c.stability > 0),
    COUNT(*) FILTER (WHERE q.last_correct)
FROM json_each_text(%(asked)s::json) AS a(question_id, topic)
LEFT JOIN LATERAL (  -- each question by its key, never a scan of them all; OFFSET 0 keeps
    SELECT due, state, stability, reviewed FROM cards  -- the planner from a hash join over
    WHERE profile = %(profile)s AND bank = %(bank)s  -- every card of the profile
    AND question_id = a.question_id OFFSET 0) c ON true
LEFT JOIN LATERAL (
    SELECT last_correct FROM question_stats WHERE profile = %(profile)s AND bank = %(bank)s
    AND question_id = a.question_id OFFSET 0) q ON true
GROUP BY a.topic
"""

# Rows read back that fail their checks (`quiz.store.api.count` and the like).
_damaged_rows = Guard(
    (ValueError, TypeError, KeyError, IndexError),
    lambda exc: f"the progress database cannot be used: {exc}",
)


class PostgresStore:
    """Progress in a PostgreSQL database. Open it with `PostgresStore.open(url)`."""

    backup: Path | None = None  # a server's database is never moved aside

    def __init__(self, url: str, *, clock: Clock, outbox: Outbox | None, timeout: float) -> None:
        self.clock = clock
        self.outbox = outbox
        self._location = _public(url)
        try:
            params = conninfo_to_dict(url)
        except psycopg.Error as exc:  # its message quotes the URL, password and all
            reason = _detail(exc).replace(url, self._location)
            raise StoreError(
                f"{self._location} is not a database URL quiz can use: {reason}"
            ) from None
        self._password = str(params.get("password") or "")
        self._user = str(params.get("user") or os.environ.get("PGUSER") or getpass.getuser())
        host = str(params.get("host") or os.environ.get("PGHOST") or "localhost")
        self._where = f"{host}:{params['port']}" if params.get("port") else host
        self._lock_timeout_ms = int(timeout * 1000)
        defaults: dict[str, str | int] = {
            "connect_timeout": max(MIN_CONNECT_TIMEOUT_S, round(timeout)),
            "application_name": "quiz",
        }
        self._conninfo = make_conninfo(
            url, **{name: value for name, value in defaults.items() if name not in params}
        )
        self._connection: Connection | None = None
        self._retry_at = 0.0  # a server that timed out is not tried again before this
        self._offline = ""
        # The app calls a remote store from worker threads: one call at a time.
        self._lock = threading.RLock()

    @classmethod
    def open(
        cls,
        url: str,
        *,
        clock: Clock = time.time,
        outbox: Path | None = None,
        timeout: float | None = None,
    ) -> PostgresStore:
        """Connect to the database `url` names, bringing its schema up to date, and send what
        waits in the outbox. With an `outbox`, a server that cannot be reached is no error:
        the store opens, and its writes wait in the outbox until the server is back.
        `timeout` is how long to wait for the server, or for a lock another client holds."""
        box = None if outbox is None else Outbox.open(outbox)
        try:
            store = cls(url, clock=clock, outbox=box, timeout=timeout or DEFAULT_TIMEOUT_S)
        except BaseException:
            if box is not None:
                box.close()
            raise
        try:
            store._flush()
            store._connect()
        except StoreUnavailable:
            if box is not None:
                return store  # offline: the writes wait in the outbox
            store.close()
            raise
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        with self._lock:
            self._drop()
            if self.outbox is not None:
                self.outbox.close()

    @property
    def location(self) -> str:
        return self._location

    @property
    def remote(self) -> bool:
        return True

    @property
    def pending(self) -> int:
        """How many writes wait in the outbox for the server."""
        return 0 if self.outbox is None else self.outbox.pending

    # --- the connection -------------------------------------------------------------------

    def _connect(self) -> Connection:
        """The live connection, or a new one whose schema is brought up to date."""
        if self._connection is not None and not self._connection.closed:
            if not _hung_up(self._connection):
                return self._connection
            self._drop()  # the server went away (and may be back): connect again
        if time.monotonic() < self._retry_at:
            raise StoreUnavailable(self._offline)
        began = time.monotonic()
        try:
            connection = psycopg.connect(self._conninfo, autocommit=False)
        except psycopg.Error as exc:
            refusal = self._refusal(exc)
            if isinstance(refusal, StoreUnavailable) and time.monotonic() - began > SLOW_S:
                # A host that does not answer costs a whole connect timeout a call: while it
                # is away, writes go straight to the outbox and reads fail at once.
                self._retry_at, self._offline = time.monotonic() + RETRY_AFTER_S, str(refusal)
            raise refusal from None
        try:
            # Ids and responses travel as text, as the contract has them.
            connection.adapters.register_loader("uuid", TextLoader)
            connection.adapters.register_loader("jsonb", TextLoader)
            with connection.transaction():
                connection.execute(
                    "SELECT set_config('lock_timeout', %s, false)", (f"{self._lock_timeout_ms}",)
                )
            _migrate(connection)
        except psycopg.Error as exc:
            connection.close()
            raise self._fault(exc) from exc
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return connection

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Cursor]:
        """One short transaction: committed when the block ends, rolled back if it fails.
        A lost connection is dropped (the next call connects again); every driver fault
        arrives as a StoreError."""
        with self._lock:
            connection = self._connect()
            try:
                with connection.transaction(), connection.cursor() as cursor:
                    yield cursor
            except psycopg.Error as exc:
                if connection.closed:
                    self._drop()
                raise self._fault(exc) from exc

    @contextlib.contextmanager
    def _synced(self) -> Iterator[Cursor]:
        """A transaction that sees every write made so far: what waits in the outbox is sent
        first. StoreUnavailable if the server cannot be reached."""
        with self._lock:
            self._flush()
            with self._transaction() as cursor:
                yield cursor

    def _flush(self) -> None:
        """Send what waits in the outbox, oldest first, each in its own transaction, and
        forget each once the server has it. An operation the server refuses for good is
        kept aside (it would block the rest); StoreUnavailable leaves the rest waiting."""
        if self.outbox is None:
            return
        while (head := self.outbox.first()) is not None:
            seq, operation = head
            self._connect()  # a refused login or a newer schema is no fault of the operation
            try:
                with self._transaction() as cursor:
                    _apply(cursor, operation, self.clock())
            except StoreUnavailable:
                raise
            except StoreError as exc:
                self.outbox.reject(seq, str(exc))
                continue
            self.outbox.sent(seq)  # quiz stopped before this: sent again, changing nothing

    def _deliver(self, operation: Operation) -> int | None:
        """Apply a write now, after what waits before it; None: the server cannot be
        reached, and the write waits in the outbox (committed there)."""
        with self._lock:
            try:
                with self._synced() as cursor:
                    return _apply(cursor, operation, self.clock())
            except StoreUnavailable:
                if self.outbox is None:
                    raise
                self.outbox.push(operation)
                return None

    # --- what a fault says ----------------------------------------------------------------

    def _hide(self, text: str) -> str:
        return text.replace(self._password, "***") if self._password else text

    def _refusal(self, exc: psycopg.Error) -> StoreError:
        """Why a connection could not be made: a server that refused it, or none to reach."""
        detail = self._hide(_detail(exc))
        if "password" in detail or "SCRAM" in detail:
            return StoreError(
                f"the database refused the login for user {self._user} (wrong password?)"
            )
        if any(
            word in detail for word in ("does not exist", "authentication", "pg_hba", "permission")
        ):
            return StoreError(
                f"the database server at {self._where} refused the connection: {detail}"
            )
        return StoreUnavailable(f"cannot reach the database server at {self._where}: {detail}")

    def _fault(self, exc: psycopg.Error) -> StoreError:
        detail = self._hide(_detail(exc))
        if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
            if exc.sqlstate is None or exc.sqlstate.startswith(("08", "57P")):
                return StoreUnavailable(
                    f"cannot reach the database server at {self._where}: {detail}"
                )
            return StoreUnavailable(f"the database server at {self._where} is busy: {detail}")
        return StoreError(f"the progress database cannot be used: {detail}")

    # --- sessions and answers -------------------------------------------------------------

    @_damaged_rows
    def use_bank(self, key: str, title: str) -> None:
        with self._synced() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_BANK_LOCK,))
            known = cursor.execute("SELECT title FROM banks WHERE key = %s", (key,)).fetchone()
            if known is None and key != title and _has_progress(cursor, title):
                # Kept under its title until it had an id: the progress goes with the id.
                cursor.execute("UPDATE banks SET key = %s WHERE key = %s", (key, title))
            elif known is None:
                cursor.execute(
                    "INSERT INTO banks (key, title, created) VALUES (%s, %s, %s)",
                    (key, title, self.clock()),
                )
            elif known[0] != title:
                cursor.execute("UPDATE banks SET title = %s WHERE key = %s", (title, key))

    @_damaged_rows
    def start_session(self, profile: str, bank: str, mode: str, seed: int | None) -> Session:
        """Begin a sitting. Saved only in the outbox, its id is 0 until it reaches the
        server: the server knows it by its UUID."""
        sitting = Sitting(new_id(), profile, bank, mode, seed, self.clock(), None)
        session_id = self._deliver(Start(sitting))
        return Session(session_id or 0, profile, bank, mode, seed, sitting.uuid)

    @_damaged_rows
    def end_session(self, session: Session) -> None:
        self._deliver(End(session.uuid, self.clock()))

    @_damaged_rows
    def record(self, session: Session, answer: Answer) -> str:
        if answer.answered_at is None:  # kept in the outbox as it was answered
            answer = replace(answer, answered_at=self.clock())
        self._deliver(Record(session, answer))
        return answer.id

    @_damaged_rows
    def override(self, answer_id: str, card: Card | None = None) -> bool:
        """As the contract says; an override that waits in the outbox counts as done (True)
        and changes nothing when it reaches the server if there is no such wrong answer."""
        if not _is_uuid(answer_id):
            return False
        done = self._deliver(Override(answer_id, card))
        return done is None or done > 0

    @_damaged_rows
    def merge(self, sitting: Sitting, answers: Iterable[Answer]) -> int:
        with self._synced() as cursor:
            stored = cursor.execute(
                f"SELECT p.name, b.key, s.mode, s.seed FROM sessions s {_NAMES.format(table='s')}"
                " WHERE s.uuid = %s",
                (sitting.uuid,),
            ).fetchone()
            if stored is not None:
                check_same_sitting(sitting, stored)
            session_id = _add_session(cursor, sitting)
            session = Session(
                session_id, sitting.profile, sitting.bank, sitting.mode, sitting.seed, sitting.uuid
            )
            return sum(_add_answer(cursor, session, answer, self.clock()) for answer in answers)

    @_damaged_rows
    def merge_cards(self, profile: str, bank: str, cards: Mapping[str, tuple[str, Card]]) -> int:
        with self._synced() as cursor:
            pid, bid = _owner(cursor, profile, bank, self.clock())
            added = 0
            for qid, (topic, card) in cards.items():
                cursor.execute(
                    "INSERT INTO cards VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT DO NOTHING",
                    (pid, bid, qid, topic, *card_columns(card)),
                )
                added += cursor.rowcount
            return added

    @_damaged_rows
    def reset(self, profile: str, bank: str, topic: str | None = None) -> int:
        with self._synced() as cursor:
            owner = _ids(cursor, profile, bank)
            where, args = "profile = %s AND bank = %s", list[object](owner)
            if topic is not None:
                where, args = where + " AND topic = %s", [*args, topic]
            removed = cursor.execute(
                "DELETE FROM answers WHERE session_id IN"
                " (SELECT id FROM sessions WHERE profile = %s AND bank = %s)"
                + (
                    " AND question IN (SELECT id FROM question_versions WHERE bank = %s"
                    " AND topic = %s)"
                    if topic is not None
                    else ""
                ),
                args if topic is None else [*owner, owner[1], topic],
            ).rowcount
            for table in ("topic_stats", "session_topics", "question_stats", "cards"):
                cursor.execute(f"DELETE FROM {table} WHERE {where}", args)
            if topic is None:
                cursor.execute("DELETE FROM sessions WHERE profile = %s AND bank = %s", owner)
        return removed

    # --- what it answers ------------------------------------------------------------------

    @_damaged_rows.rows
    def export(self, profile: str | None = None) -> Iterator[tuple[Sitting, list[Answer]]]:
        where, args = ("WHERE p.name = %s", (profile,)) if profile is not None else ("", ())
        with self._synced() as cursor:
            sittings = cursor.execute(
                "SELECT s.id, s.uuid, p.name, b.key, s.mode, s.seed, s.started, s.ended"
                f" FROM sessions s {_NAMES.format(table='s')} {where} ORDER BY s.started, s.id",
                args,
            ).fetchall()
        for sid, *fields in sittings:  # one short transaction per sitting
            with self._transaction() as cursor:
                rows = cursor.execute(
                    f"SELECT {_ANSWER_COLUMNS} FROM {_ANSWERS} WHERE a.session_id = %s"
                    " ORDER BY a.answered_at, a.uuid",
                    (sid,),
                ).fetchall()
            yield Sitting(*fields), [stored_answer(*row) for row in rows]

    @_damaged_rows.rows
    def card_sets(
        self, profile: str | None = None
    ) -> Iterator[tuple[str, str, dict[str, tuple[str, Card]]]]:
        where, args = ("WHERE p.name = %s", (profile,)) if profile is not None else ("", ())
        with self._synced() as cursor:
            rows = cursor.execute(
                "SELECT p.name, b.key, c.question_id, c.topic, c.card, c.due"
                f" FROM cards c {_NAMES.format(table='c')} {where}",
                args,
            ).fetchall()
        yield from card_sets(rows)

    @_damaged_rows
    def profile_count(self) -> int:
        with self._synced() as cursor:
            (total,) = cursor.execute("SELECT COUNT(*)::int FROM profiles").fetchone() or (0,)
        return count(total)

    @_damaged_rows
    def profiles(self) -> list[Profile]:
        with self._synced() as cursor:
            rows = cursor.execute(
                "SELECT p.name, p.display_name, p.created,"
                " (SELECT COALESCE(SUM(attempts), 0) FROM topic_stats t WHERE t.profile = p.id)"
                " FROM profiles p ORDER BY p.name"
            ).fetchall()
        return [profile_record(*row) for row in rows]

    @_damaged_rows
    def topic_summary(
        self, profile: str, bank: str, topics: Iterable[str], last_sessions: int = TREND_SESSIONS
    ) -> list[TopicStats]:
        topics = list(topics)
        with self._synced() as cursor:
            pid, bid = _ids(cursor, profile, bank)
            args = {"profile": pid, "bank": bid, "topics": topics, "limit": last_sessions}
            totals = {
                row[0]: row
                for row in cursor.execute(
                    "SELECT topic, attempts, correct, last_at, best_streak FROM topic_stats"
                    " WHERE profile = %(profile)s AND bank = %(bank)s"
                    " AND topic = ANY(%(topics)s)",
                    args,
                ).fetchall()
            }
            recent: dict[str, list[tuple[int, int]]] = {}
            for topic, attempts, correct in cursor.execute(  # one round trip for them all
                "SELECT t.topic, x.attempts, x.correct FROM unnest(%(topics)s::text[]) AS t(topic)"
                " CROSS JOIN LATERAL (SELECT attempts, correct, session_id FROM session_topics"
                "  WHERE profile = %(profile)s AND bank = %(bank)s AND topic = t.topic"
                "  ORDER BY session_id DESC LIMIT %(limit)s) x"
                " ORDER BY t.topic, x.session_id DESC",
                args,
            ).fetchall():
                recent.setdefault(topic, []).append((attempts, correct))
        return topic_stats(topics, totals, lambda topic: recent.get(topic, []))

    @_damaged_rows
    def history(self, profile: str, bank: str, question_id: str) -> list[Attempt]:
        with self._synced() as cursor:
            rows = cursor.execute(
                f"SELECT {_ATTEMPT_COLUMNS} FROM sessions s JOIN {_ANSWERS} ON a.session_id = s.id"
                " WHERE s.profile = %s AND s.bank = %s AND v.question_id = %s"
                " ORDER BY a.answered_at, a.uuid",
                (*_ids(cursor, profile, bank), question_id),
            ).fetchall()
        return [stored_attempt(row) for row in rows]

    @_damaged_rows
    def session_topic_history(
        self, profile: str, bank: str, topics: Sequence[str], limit: int
    ) -> dict[str, list[tuple[float, float]]]:
        with self._synced() as cursor:
            pid, bid = _ids(cursor, profile, bank)
            rows = cursor.execute(
                "SELECT t.topic, x.started, x.attempts, x.correct"
                " FROM unnest(%(topics)s::text[]) WITH ORDINALITY AS t(topic, n)"
                " CROSS JOIN LATERAL (SELECT st.session_id, s.started, st.attempts, st.correct"
                "  FROM session_topics st JOIN sessions s ON s.id = st.session_id"
                "  WHERE st.profile = %(profile)s AND st.bank = %(bank)s AND st.topic = t.topic"
                "  ORDER BY st.session_id DESC LIMIT %(limit)s) x"
                " ORDER BY t.n, x.session_id",
                {"topics": list(topics), "limit": limit, "profile": pid, "bank": bid},
            ).fetchall()
        return topic_history(rows)

    @_damaged_rows
    def question_stats(
        self, profile: str, bank: str, topics: Sequence[str] = ()
    ) -> dict[str, QuestionStats]:
        where = " AND topic = ANY(%s)" if topics else ""
        with self._synced() as cursor:
            rows = cursor.execute(
                "SELECT question_id, topic, attempts, wrong, last_correct, last_at"
                f" FROM question_stats WHERE profile = %s AND bank = %s{where}",
                (*_ids(cursor, profile, bank), *([list(topics)] if topics else [])),
            ).fetchall()
        return {row[0]: question_record(*row) for row in rows}

    @_damaged_rows
    def topic_cards(
        self, profile: str, bank: str, questions: Mapping[str, Sequence[str]], now: float,
        curve: Curve,
    ) -> dict[str, TopicCards]:  # fmt: skip
        asked = {qid: topic for topic, qids in questions.items() for qid in qids}
        if not asked:
            return {}
        factor, decay = curve
        args = {"asked": json.dumps(asked), "now": now, "factor": factor, "decay": decay}
        with self._synced() as cursor:
            pid, bid = _ids(cursor, profile, bank)
            rows = cursor.execute(_TOPIC_CARDS, args | {"profile": pid, "bank": bid}).fetchall()
        return topic_cards(rows)

    @_damaged_rows
    def due_cards(
        self, profile: str, bank: str, topics: Sequence[str], now: float, limit: int, skip: int = 0
    ) -> list[tuple[str, str]]:
        where = " AND topic = ANY(%s)" if topics else ""
        with self._synced() as cursor:
            rows = cursor.execute(
                "SELECT question_id, card FROM cards WHERE profile = %s AND bank = %s"
                f" AND due <= %s{where} ORDER BY due, question_id LIMIT %s OFFSET %s",
                (
                    *_ids(cursor, profile, bank),
                    now,
                    *([list(topics)] if topics else []),
                    limit,
                    skip,
                ),
            ).fetchall()
        return [(qid, card) for qid, card in rows]

    @_damaged_rows
    def carded(self, profile: str, bank: str, question_ids: Sequence[str]) -> set[str]:
        with self._synced() as cursor:
            rows = cursor.execute(
                "SELECT question_id FROM cards WHERE profile = %s AND bank = %s"
                " AND question_id = ANY(%s)",
                (*_ids(cursor, profile, bank), list(question_ids)),
            ).fetchall()
        return {qid for (qid,) in rows}

    @_damaged_rows
    def missed(
        self, profile: str, bank: str, topics: Sequence[str], limit: int, skip: int = 0
    ) -> list[str]:
        where = " AND topic = ANY(%s)" if topics else ""
        with self._synced() as cursor:
            rows = cursor.execute(
                "SELECT question_id FROM question_stats WHERE profile = %s AND bank = %s"
                f" AND NOT last_correct{where} ORDER BY last_at DESC, question_id DESC"
                " LIMIT %s OFFSET %s",
                (
                    *_ids(cursor, profile, bank),
                    *([list(topics)] if topics else []),
                    limit,
                    skip,
                ),
            ).fetchall()
        return [qid for (qid,) in rows]

    @_damaged_rows
    def sessions(self, profile: str, bank: str, limit: int = 50) -> list[SessionRecord]:
        with self._synced() as cursor:
            rows = cursor.execute(
                "SELECT s.id, s.mode, s.seed, s.started, s.ended, SUM(st.attempts),"
                " SUM(st.correct) FROM (SELECT * FROM sessions WHERE profile = %s AND bank = %s"
                "  AND EXISTS (SELECT 1 FROM session_topics t WHERE t.session_id = sessions.id)"
                "  ORDER BY started DESC, id DESC LIMIT %s) s"
                " JOIN session_topics st ON st.session_id = s.id"
                " GROUP BY s.id, s.mode, s.seed, s.started, s.ended"
                " ORDER BY s.started DESC, s.id DESC",
                (*_ids(cursor, profile, bank), limit),
            ).fetchall()
        return [session_record(*row) for row in rows]

    @_damaged_rows
    def paces(self, profile: str, bank: str, limit: int = 50) -> list[tuple[str, float]]:
        with self._synced() as cursor:
            rows = cursor.execute(  # the latest sessions first, through their index
                f"SELECT v.question_id, a.seconds FROM sessions s JOIN {_ANSWERS}"
                " ON a.session_id = s.id WHERE s.profile = %s AND s.bank = %s AND a.correct"
                " ORDER BY s.started DESC, s.id DESC, a.answered_at DESC, a.uuid DESC LIMIT %s",
                (*_ids(cursor, profile, bank), limit),
            ).fetchall()
        return [(qid, seconds) for qid, seconds in rows]

    @_damaged_rows
    def count_answers(self, profile: str, bank: str, topic: str | None = None) -> int:
        """Each answer counts once in its topic's attempts."""
        query = (
            "SELECT COALESCE(SUM(attempts), 0) FROM topic_stats WHERE profile = %s AND bank = %s"
        )
        with self._synced() as cursor:
            args: list[object] = list(_ids(cursor, profile, bank))
            if topic is not None:
                query, args = query + " AND topic = %s", [*args, topic]
            row = cursor.execute(query, args).fetchone()
        return int(row[0]) if row else 0


# --- the writes, each safe to send twice ------------------------------------------------------


def _apply(cursor: Cursor, operation: Operation, now: float) -> int:
    """Send one write: the new session's id, else how many rows it changed (0: it was
    there already). `now` is the time of an answer that carries none."""
    match operation:
        case Start(sitting):
            return _add_session(cursor, sitting)
        case Record(session, answer):
            return _add_answer(cursor, session, answer, now)
        case End(session_uuid, ended):
            cursor.execute("UPDATE sessions SET ended = %s WHERE uuid = %s", (ended, session_uuid))
            return cursor.rowcount
        case Override(answer_id, card):
            return int(_override(cursor, answer_id, card))
    raise AssertionError(operation)


def _add_session(cursor: Cursor, sitting: Sitting) -> int:
    """Create the sitting (and its profile and bank) unless its UUID is known; its id."""
    cursor.execute(
        "INSERT INTO sessions (uuid, profile, bank, mode, seed, started, ended)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (uuid) DO NOTHING",
        (
            sitting.uuid,
            *_owner(cursor, sitting.profile, sitting.bank, sitting.started),
            sitting.mode,
            sitting.seed,
            sitting.started,
            sitting.ended,
        ),
    )
    return _session_id(cursor, sitting.uuid)


def _session_id(cursor: Cursor, session_uuid: str) -> int:
    row = cursor.execute("SELECT id FROM sessions WHERE uuid = %s", (session_uuid,)).fetchone()
    if row is None:
        raise StoreError("the answer's session is not in the progress database (was it reset?)")
    return int(row[0])


def _add_answer(cursor: Cursor, session: Session, answer: Answer, now: float) -> int:
    """Insert one answer and bring every summary up to date; 0 if it is there already."""
    # A sitting started while the server was away has id 0 until then: found by its UUID.
    sitting = session.id or _session_id(cursor, session.uuid)
    row = answer_values(session, answer, now) | {"session": sitting}
    if cursor.execute(_INSERT_ANSWER, row).rowcount == 0:
        # Stored already, or the first answer to this version of the question: the version
        # is added (another client adding it too is waited for, then its row is seen) and
        # the answer tried again, in one round trip. No row then: it was stored already.
        with cursor.connection.pipeline():
            cursor.execute(_ADD_VERSION, row)
            cursor.execute(_INSERT_ANSWER, row)
        if cursor.rowcount == 0:
            return 0
    with cursor.connection.pipeline():  # the summaries in one round trip, not four
        for statement in (_RECORD_TOPIC, _RECORD_SESSION_TOPIC, _RECORD_QUESTION):
            cursor.execute(statement, row)
        if answer.card is not None:
            cursor.execute(
                _SAVE_CARD, row | _card_values(answer.question_id, answer.topic, answer.card)
            )
    return 1


def _card_values(qid: str, topic: str, card: Card) -> dict[str, object]:
    columns = ("card", "due", "state", "stability", "reviewed")
    return {"qid": qid, "topic": topic} | dict(zip(columns, card_columns(card), strict=True))


def _override(cursor: Cursor, answer_id: str, card: Card | None) -> bool:
    """Count a wrong answer as right, correcting every summary; False: no such answer."""
    found = cursor.execute(
        "SELECT a.session_id, s.profile, s.bank, v.question_id, v.topic, a.answered_at"
        f" FROM {_ANSWERS} JOIN sessions s ON s.id = a.session_id"
        " WHERE a.uuid = %s AND NOT a.correct AND NOT a.unanswered FOR UPDATE OF a",
        (answer_id,),
    ).fetchone()
    if found is None:
        return False
    session, profile, bank, qid, topic, at = found
    cursor.execute(
        "UPDATE answers SET correct = true, score = 1, overridden = true WHERE uuid = %s",
        (answer_id,),
    )
    run = streak(  # the topic's run of right answers, counted back from the latest
        cursor.execute(
            "SELECT a.correct FROM session_topics st JOIN sessions s ON s.id = st.session_id"
            f" JOIN {_ANSWERS} ON a.session_id = st.session_id AND v.topic = st.topic"
            " WHERE st.profile = %s AND st.bank = %s AND st.topic = %s"
            " ORDER BY s.started DESC, s.id DESC, a.answered_at DESC, a.uuid DESC",
            (profile, bank, topic),
        ).fetchall()
    )
    cursor.execute(
        "UPDATE topic_stats SET correct = correct + 1, streak = %(run)s,"
        " best_streak = GREATEST(best_streak, %(run)s)"
        " WHERE profile = %(profile)s AND bank = %(bank)s AND topic = %(topic)s",
        {"run": run, "profile": profile, "bank": bank, "topic": topic},
    )
    cursor.execute(
        "UPDATE session_topics SET correct = correct + 1"
        " WHERE profile = %s AND bank = %s AND topic = %s AND session_id = %s",
        (profile, bank, topic, session),
    )
    cursor.execute(
        "UPDATE question_stats SET wrong = wrong - 1,"
        " last_correct = CASE WHEN last_at <= %s THEN true ELSE last_correct END"
        " WHERE profile = %s AND bank = %s AND question_id = %s",
        (at, profile, bank, qid),
    )
    if card is not None:
        values = _card_values(qid, topic, card) | {"profile": profile, "bank": bank}
        cursor.execute(_SAVE_CARD_BY_ID, values)
    return True


def _has_progress(cursor: Cursor, bank: str) -> bool:
    found = cursor.execute(
        "SELECT 1 FROM sessions WHERE bank = (SELECT id FROM banks WHERE key = %s) LIMIT 1",
        (bank,),
    )
    return found.fetchone() is not None


def _owner(cursor: Cursor, profile: str, bank: str, now: float) -> tuple[int, int]:
    """The ids of this profile and bank, each recorded first if it is new."""
    cursor.execute(
        "INSERT INTO profiles (name, display_name, created) VALUES (%s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (profile, profile, now),
    )
    cursor.execute(
        "INSERT INTO banks (key, title, created) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
        (bank, bank, now),
    )
    return _ids(cursor, profile, bank)


def _ids(cursor: Cursor, profile: str, bank: str) -> tuple[int, int]:
    """The integer ids rows keep for this profile and bank, asked in the transaction that
    uses them (another client may re-key a bank at any time); 0, which no row has, for one
    not known yet."""
    row = cursor.execute(_IDS, (profile, bank)).fetchone()
    return (row[0] or 0, row[1] or 0) if row else (0, 0)


def _hung_up(connection: Connection) -> bool:
    """Whether the server closed this idle connection (it stopped, or restarted): the
    socket of an idle connection has nothing to read until then."""
    readable, _, _ = select.select([connection.fileno()], [], [], 0)
    return bool(readable)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(str(text))
    except ValueError:
        return False
    return True


# --- the schema ------------------------------------------------------------------------------


def _migrate(connection: Connection) -> None:
    """Bring the schema up to date. Clients that start at once queue on an advisory lock,
    so one migrates and the others find it done; a current schema takes no lock."""
    if _version(connection) == len(MIGRATIONS):
        return
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)")
        version = _version(connection)
        for number in range(version, len(MIGRATIONS)):
            connection.execute(MIGRATIONS[number])
            if number == _CARD_COLUMNS:
                _fill_card_columns(connection)
        if version < len(MIGRATIONS):
            connection.execute("DELETE FROM schema_version")
            connection.execute("INSERT INTO schema_version VALUES (%s)", (len(MIGRATIONS),))


def _fill_card_columns(connection: Connection) -> None:
    """Read each stored card's state, stability and last review out of its JSON."""
    rows = connection.execute("SELECT profile, bank, question_id, card, due FROM cards").fetchall()
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE cards SET state = %s, stability = %s, reviewed = %s"
            " WHERE profile = %s AND bank = %s AND question_id = %s",
            [(*card_columns((card, due))[2:], *key) for *key, card, due in rows],
        )


def _version(connection: Connection) -> int:
    """The schema's version (0: none yet); StoreError if it is from a newer quiz."""
    with connection.transaction():
        row = connection.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
        if not row or not row[0]:
            return 0
        found = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()
    version = int(found[0]) if found and found[0] is not None else 0
    if version > len(MIGRATIONS):
        raise newer_schema(version)
    return version


# --- what is shown ---------------------------------------------------------------------------


def _detail(exc: BaseException) -> str:
    """The driver's message, first line, without the libpq preamble that names the socket."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    return re.sub(r"^.*failed: (FATAL:\s+)?", "", text) or text


def _public(url: str) -> str:
    """The URL without its password (in the user part or a `password=` parameter), however
    malformed the rest of it is."""
    url = _USERINFO_PASSWORD.sub(r"\g<user>@", url, count=1)
    base, mark, query = url.partition("?")
    kept = [item for item in query.split("&") if item and not _PASSWORD_PARAMETER.match(item)]
    return base + (mark if kept else "") + "&".join(kept)


# user:password@ before the host; a password ends at the last @ before the path.
_USERINFO_PASSWORD = re.compile(r"^(?P<user>[a-z][a-z0-9+.-]*://[^:@/?#]*):[^/?#]*@", re.I)
_PASSWORD_PARAMETER = re.compile(r"\s*(ssl)?password\s*=", re.I)
