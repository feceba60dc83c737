"""The SQLite engine of the progress store: one file in the user data folder, the default.

Each answer is committed the moment it is recorded. The per-topic summary the home screen
shows is kept up to date in the same transaction, so reading it costs the same whether a
profile has ten answers or a million.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import math
import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

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

DB_NAME = "progress.db"
BUSY_TIMEOUT_S = 15.0
CHECK_EVERY_S = 86_400.0  # the longest a file goes without an integrity check while opened
# A version 4 UUID made by SQLite itself, for the rows of databases older than UUIDs.
_UUID4 = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||"
    " substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) ||"
    " substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)


# 7 -> 8 copies each table to `name_new`, then puts the copy in its place.
_SWAP = "".join(f"DROP TABLE {t}; ALTER TABLE {t}_new RENAME TO {t};" for t in OWNED_TABLES)

# Each entry takes the schema from its index to the next version; never edit a shipped one.
MIGRATIONS: list[str] = [
    # 0 -> 1: sessions and answers.
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        profile TEXT NOT NULL,
        bank TEXT NOT NULL,
        mode TEXT NOT NULL,
        seed INTEGER,
        started REAL NOT NULL,
        ended REAL
    );
    CREATE INDEX sessions_by_profile ON sessions(profile, bank, started);
    CREATE TABLE answers (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        profile TEXT NOT NULL,
        bank TEXT NOT NULL,
        question_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        given TEXT NOT NULL,
        correct INTEGER NOT NULL,
        seconds REAL NOT NULL,
        answered_at REAL NOT NULL,
        question_hash TEXT NOT NULL
    );
    CREATE INDEX answers_by_question ON answers(profile, bank, question_id, answered_at);
    """,
    # 1 -> 2: per-topic and per-session summaries, kept in step with every answer.
    """
    CREATE TABLE topic_stats (
        profile TEXT NOT NULL,
        bank TEXT NOT NULL,
        topic TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        correct INTEGER NOT NULL,
        last_at REAL NOT NULL,
        streak INTEGER NOT NULL,
        best_streak INTEGER NOT NULL,
        PRIMARY KEY (profile, bank, topic)
    ) WITHOUT ROWID;
    CREATE TABLE session_topics (
        profile TEXT NOT NULL,
        bank TEXT NOT NULL,
        topic TEXT NOT NULL,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        attempts INTEGER NOT NULL,
        correct INTEGER NOT NULL,
        PRIMARY KEY (profile, bank, topic, session_id)
    ) WITHOUT ROWID;
    CREATE INDEX answers_by_topic ON answers(profile, bank, topic, answered_at);
    """,
    # 2 -> 3: per question, the latest result: for mastery, weak spots and mistakes.
    """
    CREATE TABLE question_stats (
        profile TEXT NOT NULL,
        bank TEXT NOT NULL,
        question_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        wrong INTEGER NOT NULL,
        last_correct INTEGER NOT NULL,
        last_at REAL NOT NULL,
        PRIMARY KEY (profile, bank, question_id)
    ) WITHOUT ROWID;
    """,
    # 3 -> 4: spaced repetition, one FSRS card per profile and question.
    """
    CREATE TABLE cards (
        profile TEXT NOT NULL,
        bank TEXT NOT NULL,
        question_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        card TEXT NOT NULL,
        due REAL NOT NULL,
        PRIMARY KEY (profile, bank, question_id)
    ) WITHOUT ROWID;
    CREATE INDEX cards_by_due ON cards(profile, bank, due);
    """,
    # 4 -> 5: an answer's partial score (0 to 1), exam questions left unanswered, and the
    # learner's "I was right" override, so reports can tell each apart.
    """
    ALTER TABLE answers ADD COLUMN score REAL NOT NULL DEFAULT 0;
    ALTER TABLE answers ADD COLUMN unanswered INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE answers ADD COLUMN overridden INTEGER NOT NULL DEFAULT 0;
    UPDATE answers SET score = correct;
    """,
    # 5 -> 6: profiles and banks as records; a UUID for every answer and session, so results
    # merge across machines; the structured response; answers taken when the time ran out;
    # an index for the latest answers (personal pace).
    f"""
    CREATE TABLE profiles (
        name TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        created REAL NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO profiles SELECT profile, profile, MIN(started) FROM sessions GROUP BY profile;
    CREATE TABLE banks (
        key TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created REAL NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO banks SELECT bank, bank, MIN(started) FROM sessions GROUP BY bank;
    ALTER TABLE sessions ADD COLUMN uuid TEXT;
    UPDATE sessions SET uuid = {_UUID4};
    CREATE UNIQUE INDEX sessions_by_uuid ON sessions(uuid);
    ALTER TABLE answers ADD COLUMN uuid TEXT;
    UPDATE answers SET uuid = {_UUID4};
    CREATE UNIQUE INDEX answers_by_uuid ON answers(uuid);
    ALTER TABLE answers ADD COLUMN response TEXT;
    ALTER TABLE answers ADD COLUMN late INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX answers_by_time ON answers(profile, bank, answered_at);
    """,
    # 6 -> 7: what counting due cards and predicting recall needs, out of the card's JSON
    # (filled from it for the cards already kept); the cards and latest results of one
    # topic, and the latest mistakes, each read through an index.
    """
    ALTER TABLE cards ADD COLUMN state INTEGER;
    ALTER TABLE cards ADD COLUMN stability REAL;
    ALTER TABLE cards ADD COLUMN reviewed REAL;
    CREATE INDEX cards_by_topic ON cards(profile, bank, topic, due);
    CREATE INDEX question_stats_by_topic ON question_stats(profile, bank, topic, last_correct);
    CREATE INDEX question_stats_missed ON question_stats(profile, bank, last_correct, last_at);
    CREATE INDEX session_topics_by_session ON session_topics(session_id);
    CREATE INDEX answers_by_session ON answers(session_id);
    """,
    # 7 -> 8: every row kept under small integer ids of its profile and bank, not their
    # names; an answer's UUID in 16 bytes; an answer reached through its session, so only
    # its UUID and its session index it (the profile's latest answers, a topic's run and a
    # question's history go through the sessions). About 280 bytes an answer become 120.
    f"""
    CREATE TABLE profiles_new (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        created REAL NOT NULL
    );
    INSERT INTO profiles_new (name, display_name, created)
        SELECT name, display_name, created FROM profiles ORDER BY created, name;
    INSERT OR IGNORE INTO profiles_new (name, display_name, created)
        SELECT profile, profile, 0 FROM ({NAMES_KEPT.format(column="profile")});
    CREATE TABLE banks_new (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        created REAL NOT NULL
    );
    INSERT INTO banks_new (key, title, created)
        SELECT key, title, created FROM banks ORDER BY created, key;
    INSERT OR IGNORE INTO banks_new (key, title, created)
        SELECT bank, bank, 0 FROM ({NAMES_KEPT.format(column="bank")});
    CREATE TABLE sessions_new (
        id INTEGER PRIMARY KEY,
        profile INTEGER NOT NULL REFERENCES profiles(id),
        bank INTEGER NOT NULL REFERENCES banks(id),
        mode TEXT NOT NULL,
        seed INTEGER,
        started REAL NOT NULL,
        ended REAL,
        uuid TEXT NOT NULL
    );
    INSERT INTO sessions_new SELECT s.id, p.id, b.id, s.mode, s.seed, s.started, s.ended, s.uuid
        FROM sessions s {NAMES_TO_IDS.format(table="s")};
    CREATE TABLE answers_new (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        given TEXT NOT NULL,
        correct INTEGER NOT NULL,
        seconds REAL NOT NULL,
        answered_at REAL NOT NULL,
        question_hash TEXT NOT NULL,
        score REAL NOT NULL,
        unanswered INTEGER NOT NULL,
        late INTEGER NOT NULL,
        overridden INTEGER NOT NULL,
        uuid BLOB NOT NULL,
        response TEXT
    );
    INSERT INTO answers_new SELECT id, session_id, question_id, topic, given, correct, seconds,
        answered_at, question_hash, score, unanswered, late, overridden, uuid_blob(uuid),
        response FROM answers;
    CREATE TABLE topic_stats_new (
        profile INTEGER NOT NULL,
        bank INTEGER NOT NULL,
        topic TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        correct INTEGER NOT NULL,
        last_at REAL NOT NULL,
        streak INTEGER NOT NULL,
        best_streak INTEGER NOT NULL,
        PRIMARY KEY (profile, bank, topic)
    ) WITHOUT ROWID;
    INSERT INTO topic_stats_new SELECT p.id, b.id, t.topic, t.attempts, t.correct, t.last_at,
        t.streak, t.best_streak FROM topic_stats t {NAMES_TO_IDS.format(table="t")};
    CREATE TABLE session_topics_new (
        profile INTEGER NOT NULL,
        bank INTEGER NOT NULL,
        topic TEXT NOT NULL,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        attempts INTEGER NOT NULL,
        correct INTEGER NOT NULL,
        PRIMARY KEY (profile, bank, topic, session_id)
    ) WITHOUT ROWID;
    INSERT INTO session_topics_new SELECT p.id, b.id, t.topic, t.session_id, t.attempts,
        t.correct FROM session_topics t {NAMES_TO_IDS.format(table="t")};
    CREATE TABLE question_stats_new (
        profile INTEGER NOT NULL,
        bank INTEGER NOT NULL,
        question_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        wrong INTEGER NOT NULL,
        last_correct INTEGER NOT NULL,
        last_at REAL NOT NULL,
        PRIMARY KEY (profile, bank, question_id)
    ) WITHOUT ROWID;
    INSERT INTO question_stats_new SELECT p.id, b.id, t.question_id, t.topic, t.attempts,
        t.wrong, t.last_correct, t.last_at FROM question_stats t {NAMES_TO_IDS.format(table="t")};
    CREATE TABLE cards_new (
        profile INTEGER NOT NULL,
        bank INTEGER NOT NULL,
        question_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        card TEXT NOT NULL,
        due REAL NOT NULL,
        state INTEGER,
        stability REAL,
        reviewed REAL,
        PRIMARY KEY (profile, bank, question_id)
    ) WITHOUT ROWID;
    INSERT INTO cards_new SELECT p.id, b.id, t.question_id, t.topic, t.card, t.due, t.state,
        t.stability, t.reviewed FROM cards t {NAMES_TO_IDS.format(table="t")};
    {_SWAP}
    CREATE INDEX sessions_by_profile ON sessions(profile, bank, started);
    CREATE UNIQUE INDEX sessions_by_uuid ON sessions(uuid);
    CREATE UNIQUE INDEX answers_by_uuid ON answers(uuid);
    CREATE INDEX answers_by_session ON answers(session_id);
    CREATE INDEX session_topics_by_session ON session_topics(session_id);
    CREATE INDEX question_stats_by_topic ON question_stats(profile, bank, topic, last_correct);
    CREATE INDEX question_stats_missed ON question_stats(profile, bank, last_correct, last_at);
    CREATE INDEX cards_by_due ON cards(profile, bank, due);
    CREATE INDEX cards_by_topic ON cards(profile, bank, topic, due);
    """,
]
_RECORD_TOPIC = """
INSERT INTO topic_stats (profile, bank, topic, attempts, correct, last_at, streak, best_streak)
VALUES (:profile, :bank, :topic, 1, :correct, :at, :correct, :correct)
ON CONFLICT (profile, bank, topic) DO UPDATE SET
    attempts = attempts + 1,
    correct = correct + excluded.correct,
    last_at = MAX(last_at, excluded.last_at),
    streak = CASE WHEN excluded.correct THEN streak + 1 ELSE 0 END,
    best_streak = MAX(best_streak, CASE WHEN excluded.correct THEN streak + 1 ELSE 0 END)
"""
_RECORD_QUESTION = """
INSERT INTO question_stats (profile, bank, question_id, topic, attempts, wrong, last_correct,
                            last_at)
VALUES (:profile, :bank, :qid, :topic, 1, 1 - :correct, :correct, :at)
ON CONFLICT (profile, bank, question_id) DO UPDATE SET
    topic = excluded.topic,
    attempts = attempts + 1,
    wrong = wrong + excluded.wrong,
    last_correct = CASE WHEN excluded.last_at >= last_at THEN excluded.last_correct
                   ELSE last_correct END,
    last_at = MAX(last_at, excluded.last_at)
"""
_SAVE_CARD = "INSERT OR REPLACE INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
# (correct,) of a topic's answers, latest first: its sessions in the order they began.
_TOPIC_RUN = """
SELECT a.correct FROM session_topics st JOIN sessions s ON s.id = st.session_id
JOIN answers a ON a.session_id = st.session_id AND a.topic = st.topic
WHERE st.profile = ? AND st.bank = ? AND st.topic = ?
ORDER BY s.started DESC, s.id DESC, a.answered_at DESC, a.id DESC
"""
# Answers read back, their UUIDs as text; a table's profile and bank ids as their names.
_ANSWER_COLUMNS = ANSWER_COLUMNS.replace(" uuid,", " uuid_text(uuid),")
_ATTEMPT_COLUMNS = ATTEMPT_COLUMNS.replace(" a.uuid,", " uuid_text(a.uuid),")
_NAMES = "JOIN profiles p ON p.id = {table}.profile JOIN banks b ON b.id = {table}.bank"
# The latest sessions with answers, newest first: through sessions_by_profile, and each
# session's topics through session_topics_by_session.
_SESSIONS = """
SELECT s.id, s.mode, s.seed, s.started, s.ended, SUM(st.attempts), SUM(st.correct)
FROM (SELECT * FROM sessions WHERE profile = ? AND bank = ?
      AND EXISTS (SELECT 1 FROM session_topics t WHERE t.session_id = sessions.id)
      ORDER BY started DESC, id DESC LIMIT ?) s
JOIN session_topics st ON st.session_id = s.id
GROUP BY s.id ORDER BY s.started DESC, s.id DESC
"""
# One topic: its cards, those due in (re)learning and in review, their summed recall, how
# many were predicted, and its questions known. Its question ids come from the bank as a
# JSON array: counted by the bank's topic, not the stored one, and only the questions the
# bank still has, each read by its key.
_TOPIC_CARDS = """
SELECT :topic, COUNT(c.due),
    SUM(CASE WHEN c.due <= :now AND (c.state IS NULL OR c.state <> 2) THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.due <= :now AND c.state = 2 THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.reviewed IS NULL OR NOT c.stability > 0 THEN NULL
        WHEN q.last_correct = 0 THEN 0.0
        ELSE pow(1 + :factor * max(0, floor((:now - c.reviewed) / 86400.0)) / c.stability,
                 :decay) END),
    SUM(CASE WHEN c.reviewed IS NOT NULL AND c.stability > 0 THEN 1 ELSE 0 END),
    SUM(CASE WHEN q.last_correct = 1 THEN 1 ELSE 0 END)
FROM json_each(:ids) a
LEFT JOIN cards c ON c.profile = :profile AND c.bank = :bank AND c.question_id = a.value
LEFT JOIN question_stats q
    ON q.profile = :profile AND q.bank = :bank AND q.question_id = a.value
"""
_RECORD_SESSION_TOPIC = """
INSERT INTO session_topics (profile, bank, topic, session_id, attempts, correct)
VALUES (:profile, :bank, :topic, :session, 1, :correct)
ON CONFLICT (profile, bank, topic, session_id) DO UPDATE SET
    attempts = attempts + 1, correct = correct + excluded.correct
"""


# What a broken, locked, full, vanished or hand-edited database can raise from the driver.
_FAULTS = (sqlite3.Error, OSError, ValueError, TypeError, KeyError, IndexError)


def _is_busy(text: str) -> bool:
    """Whether the driver's message says another connection holds the file."""
    return "locked" in text or "busy" in text


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if _is_busy(text):
        return "the progress database is busy (another program is writing to it)"
    if "disk is full" in text or getattr(exc, "errno", None) == errno.ENOSPC:
        return "the disk is full"
    if "readonly" in text or "read-only" in text:
        return "the progress database is read-only (it belongs to someone else?)"
    if "malformed" in text:
        return (
            f"the progress database is damaged ({text}); quiz checks it when it next starts "
            "and, if it is, moves it aside (keeping it) and starts a new one"
        )
    return f"the progress database cannot be used: {text}"


def _seen(store: SQLiteStore, exc: BaseException) -> None:
    """A fault that says the file is damaged: check it when it is next opened."""
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        store.suspect()


# A store method whose every fault arrives as one StoreError with a readable reason.
_guarded = Guard(_FAULTS, _reason, _seen)


class SQLiteStore:
    """Progress in one SQLite file. Open it with `SQLiteStore.open(data_dir)`."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        *,
        clock: Clock = time.time,
        path: Path | None = None,
        backup: Path | None = None,
    ) -> None:
        self.db = connection
        self.clock = clock
        self.path = path  # None: in memory, nothing is saved
        self.backup = backup  # where a damaged database was moved aside, if one was
        self.identity = _identity(path) if path else None  # to notice the file being replaced

    @classmethod
    def open(
        cls, data_dir: Path, *, clock: Clock = time.time, busy_timeout: float = BUSY_TIMEOUT_S
    ) -> SQLiteStore:
        """Open (creating if need be) `data_dir/progress.db`."""
        return cls.open_file(data_dir / DB_NAME, clock=clock, busy_timeout=busy_timeout)

    @classmethod
    def open_file(
        cls, path: Path, *, clock: Clock = time.time, busy_timeout: float = BUSY_TIMEOUT_S
    ) -> SQLiteStore:
        """Open (creating if need be) the database file `path`.

        A file that is not a healthy database (damaged, or with a schema that lacks what its
        version promises) is moved aside to a timestamped backup in the same folder and a
        fresh one is started; `backup` then says where it went. `busy_timeout` is how long a
        write waits for another writer before it gives up.
        """
        data_dir = path.parent
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the data folder {data_dir}: {exc.strerror}") from None
        backup = None
        try:
            try:
                connection = _connect_when_free(path, busy_timeout)
            except sqlite3.OperationalError:
                raise  # locked, read-only, cannot open: the file itself may be fine
            except sqlite3.DatabaseError:  # not a database, damaged, or a schema that lies
                backup = _move_aside(path, clock)
                connection = _connect(path, busy_timeout)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open {path}: {_reason(exc)}") from None
        return cls(connection, clock=clock, path=path, backup=backup)

    @classmethod
    def in_memory(cls, *, clock: Clock = time.time) -> SQLiteStore:
        """A store that keeps nothing after the process ends."""
        connection = sqlite3.connect(":memory:", isolation_level=None)
        _migrate(connection)
        _add_math(connection)
        return cls(connection, clock=clock)

    def close(self) -> None:
        self.db.close()

    def suspect(self) -> None:
        """The file may be damaged: the next open checks it (and moves it aside if it is)."""
        if self.path is not None:
            with contextlib.suppress(OSError):
                _check_mark(self.path).unlink()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction, taken at once so reads inside it cannot go stale.

        A file deleted or replaced while quiz runs would take the writes to an unlinked
        inode, lost when quiz ends: that is refused, so the answer shows as not saved.
        """
        if self.path is not None and _identity(self.path) != self.identity:
            raise StoreError(f"{self.path} was deleted or replaced while quiz was running")
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # a full disk can refuse the rollback too
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- sessions and answers -------------------------------------------------------------

    @property
    def location(self) -> str:
        return f"sqlite://{self.path}" if self.path else "sqlite:// (in memory, not saved)"

    @property
    def remote(self) -> bool:
        return False

    @property
    def pending(self) -> int:
        """Nothing ever waits: each write reaches the file, or fails."""
        return 0

    @_guarded
    def use_bank(self, key: str, title: str) -> None:
        with self._write() as db:
            known = db.execute("SELECT title FROM banks WHERE key = ?", (key,)).fetchone()
            if known is None and key != title and _has_progress(db, title):
                # Kept under its title until it had an id: the progress goes with the id.
                db.execute("UPDATE banks SET key = ? WHERE key = ?", (key, title))
            elif known is None:
                db.execute(
                    "INSERT INTO banks (key, title, created) VALUES (?, ?, ?)",
                    (key, title, self.clock()),
                )
            elif known[0] != title:
                db.execute("UPDATE banks SET title = ? WHERE key = ?", (title, key))

    @_guarded
    def start_session(self, profile: str, bank: str, mode: str, seed: int | None) -> Session:
        now, session_uuid = self.clock(), new_id()
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO sessions (profile, bank, mode, seed, started, uuid)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (*_owner(db, profile, bank, now), mode, seed, now, session_uuid),
            )
        assert cursor.lastrowid is not None
        return Session(cursor.lastrowid, profile, bank, mode, seed, session_uuid)

    @_guarded
    def end_session(self, session: Session) -> None:
        with self._write() as db:
            db.execute("UPDATE sessions SET ended = ? WHERE id = ?", (self.clock(), session.id))

    @_guarded
    def record(self, session: Session, answer: Answer) -> str:
        with self._write() as db:
            _add_answer(db, session, answer, self.clock)
        return answer.id

    @_guarded
    def merge(self, sitting: Sitting, answers: Iterable[Answer]) -> int:
        with self._write() as db:
            stored = db.execute(
                f"SELECT s.id, p.name, b.key, s.mode, s.seed FROM sessions s"
                f" {_NAMES.format(table='s')} WHERE s.uuid = ?",
                (sitting.uuid,),
            ).fetchone()
            if stored is not None:
                check_same_sitting(sitting, stored[1:])
            found = stored
            if found is None:
                found = db.execute(
                    "INSERT INTO sessions (profile, bank, mode, seed, started, ended, uuid)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        *_owner(db, sitting.profile, sitting.bank, sitting.started),
                        sitting.mode,
                        sitting.seed,
                        sitting.started,
                        sitting.ended,
                        sitting.uuid,
                    ),
                ).fetchone()
            session = Session(
                found[0], sitting.profile, sitting.bank, sitting.mode, sitting.seed, sitting.uuid
            )
            return sum(_add_answer(db, session, answer, self.clock) for answer in answers)

    @_guarded
    def merge_cards(self, profile: str, bank: str, cards: Mapping[str, tuple[str, Card]]) -> int:
        with self._write() as db:
            owner = _owner(db, profile, bank, self.clock())
            return sum(
                db.execute(
                    "INSERT OR IGNORE INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*owner, qid, topic, *card_columns(card)),
                ).rowcount
                for qid, (topic, card) in cards.items()
            )

    @_guarded
    def override(self, answer_id: str, card: Card | None = None) -> bool:
        with self._write() as db:
            found = db.execute(
                "SELECT a.id, a.session_id, s.profile, s.bank, a.question_id, a.topic,"
                " a.answered_at FROM answers a JOIN sessions s ON s.id = a.session_id"
                " WHERE a.uuid = ? AND a.correct = 0 AND a.unanswered = 0",
                (_uuid_key(answer_id),),
            ).fetchone()
            if found is None:
                return False
            row, session, profile, bank, qid, topic, at = found
            db.execute(
                "UPDATE answers SET correct = 1, score = 1, overridden = 1 WHERE id = ?", (row,)
            )
            run = streak(db.execute(_TOPIC_RUN, (profile, bank, topic)))
            db.execute(
                "UPDATE topic_stats SET correct = correct + 1, streak = :streak,"
                " best_streak = MAX(best_streak, :streak)"
                " WHERE profile = :profile AND bank = :bank AND topic = :topic",
                {"streak": run, "profile": profile, "bank": bank, "topic": topic},
            )
            db.execute(
                "UPDATE session_topics SET correct = correct + 1"
                " WHERE profile = ? AND bank = ? AND topic = ? AND session_id = ?",
                (profile, bank, topic, session),
            )
            db.execute(
                "UPDATE question_stats SET wrong = wrong - 1,"
                " last_correct = CASE WHEN last_at <= ? THEN 1 ELSE last_correct END"
                " WHERE profile = ? AND bank = ? AND question_id = ?",
                (at, profile, bank, qid),
            )
            if card is not None:
                db.execute(_SAVE_CARD, (profile, bank, qid, topic, *card_columns(card)))
        return True

    @_guarded
    def profile_count(self) -> int:
        return count(self.db.execute("SELECT COUNT(*) FROM profiles").fetchone()[0])

    @_guarded
    def profiles(self) -> list[Profile]:
        return [
            profile_record(*row)
            for row in self.db.execute(
                "SELECT p.name, p.display_name, p.created,"
                " (SELECT COALESCE(SUM(attempts), 0) FROM topic_stats t WHERE t.profile = p.id)"
                " FROM profiles p ORDER BY p.name"
            )
        ]

    # --- what it answers ------------------------------------------------------------------

    @_guarded.rows
    def export(self, profile: str | None = None) -> Iterator[tuple[Sitting, list[Answer]]]:
        where, args = ("WHERE p.name = ?", (profile,)) if profile is not None else ("", ())
        sittings = self.db.execute(
            "SELECT s.id, s.uuid, p.name, b.key, s.mode, s.seed, s.started, s.ended"
            f" FROM sessions s {_NAMES.format(table='s')} {where} ORDER BY s.started, s.id",
            args,
        ).fetchall()
        for sid, *fields in sittings:
            rows = self.db.execute(
                f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE session_id = ?"
                " ORDER BY answered_at, id",
                (sid,),
            )
            answers = [stored_answer(*row) for row in rows]
            yield Sitting(*fields), answers

    @_guarded.rows
    def card_sets(
        self, profile: str | None = None
    ) -> Iterator[tuple[str, str, dict[str, tuple[str, Card]]]]:
        where, args = ("WHERE p.name = ?", (profile,)) if profile is not None else ("", ())
        yield from card_sets(
            self.db.execute(
                "SELECT p.name, b.key, c.question_id, c.topic, c.card, c.due"
                f" FROM cards c {_NAMES.format(table='c')} {where}",
                args,
            )
        )

    @_guarded
    def topic_summary(
        self, profile: str, bank: str, topics: Iterable[str], last_sessions: int = TREND_SESSIONS
    ) -> list[TopicStats]:
        """Per topic, in the order given: attempts, accuracy, trend, last studied, streak."""
        topics, owner = list(topics), _ids(self.db, profile, bank)
        rows: dict[str, tuple[Any, ...]] = {}
        for start in range(0, len(topics), _BATCH):
            batch = topics[start : start + _BATCH]
            rows |= {
                r[0]: r
                for r in self.db.execute(
                    "SELECT topic, attempts, correct, last_at, best_streak FROM topic_stats"
                    f" WHERE profile = ? AND bank = ? AND topic IN {_in_list(batch)}",
                    (*owner, *batch),
                )
            }
        return topic_stats(
            topics,
            rows,
            lambda topic: self.db.execute(
                "SELECT attempts, correct FROM session_topics"
                " WHERE profile = ? AND bank = ? AND topic = ?"
                " ORDER BY session_id DESC LIMIT ?",
                (*owner, topic, last_sessions),
            ),
        )

    @_guarded
    def history(self, profile: str, bank: str, question_id: str) -> list[Attempt]:
        """Every answer this profile gave to one question, oldest first."""
        rows = self.db.execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM sessions s JOIN answers a ON a.session_id = s.id"
            " WHERE s.profile = ? AND s.bank = ? AND a.question_id = ?"
            " ORDER BY a.answered_at, a.id",
            (*_ids(self.db, profile, bank), question_id),
        )
        return [stored_attempt(row) for row in rows]

    @_guarded
    def session_topic_history(
        self, profile: str, bank: str, topics: Sequence[str], limit: int
    ) -> dict[str, list[tuple[float, float]]]:
        rows, owner = [], _ids(self.db, profile, bank)
        for topic in topics:  # through the primary key: `limit` rows a topic
            latest = self.db.execute(
                "SELECT st.topic, s.started, st.attempts, st.correct FROM session_topics st"
                " JOIN sessions s ON s.id = st.session_id"
                " WHERE st.profile = ? AND st.bank = ? AND st.topic = ?"
                " ORDER BY st.session_id DESC LIMIT ?",
                (*owner, topic, limit),
            ).fetchall()
            rows += reversed(latest)
        return topic_history(rows)

    @_guarded
    def question_stats(
        self, profile: str, bank: str, topics: Sequence[str] = ()
    ) -> dict[str, QuestionStats]:
        """Per question answered at least once (in these topics; none: all): attempts,
        misses and the latest result."""
        where = f" AND topic IN {_in_list(topics)}" if topics else ""
        table = f"question_stats{_BY_TOPIC if topics else ''}"
        return {
            row[0]: question_record(*row)
            for row in self.db.execute(
                "SELECT question_id, topic, attempts, wrong, last_correct, last_at"
                f" FROM {table} WHERE profile = ? AND bank = ?{where}",
                (*_ids(self.db, profile, bank), *topics),
            )
        }

    @_guarded
    def topic_cards(
        self, profile: str, bank: str, questions: Mapping[str, Sequence[str]], now: float,
        curve: Curve,
    ) -> dict[str, TopicCards]:  # fmt: skip
        factor, decay = curve
        pid, bid = _ids(self.db, profile, bank)
        args = {"profile": pid, "bank": bid, "now": now, "factor": factor, "decay": decay}
        rows = []
        for topic, ids in questions.items():  # through the primary key, a topic at a time
            if not ids:
                continue
            asked = args | {"topic": topic, "ids": json.dumps(ids)}
            rows.append(self.db.execute(_TOPIC_CARDS, asked).fetchone())
        return topic_cards(rows)

    @_guarded
    def due_cards(
        self, profile: str, bank: str, topics: Sequence[str], now: float, limit: int, skip: int = 0
    ) -> list[tuple[str, str]]:
        where = f" AND topic IN {_in_list(topics)}" if topics else ""
        return self.db.execute(
            "SELECT question_id, card FROM cards WHERE profile = ? AND bank = ? AND due <= ?"
            f"{where} ORDER BY due, question_id LIMIT ? OFFSET ?",
            (*_ids(self.db, profile, bank), now, *topics, limit, skip),
        ).fetchall()

    @_guarded
    def carded(self, profile: str, bank: str, question_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        owner = _ids(self.db, profile, bank)
        for start in range(0, len(question_ids), _BATCH):
            batch = question_ids[start : start + _BATCH]
            found.update(
                qid
                for (qid,) in self.db.execute(
                    "SELECT question_id FROM cards WHERE profile = ? AND bank = ?"
                    f" AND question_id IN {_in_list(batch)}",
                    (*owner, *batch),
                )
            )
        return found

    @_guarded
    def missed(
        self, profile: str, bank: str, topics: Sequence[str], limit: int, skip: int = 0
    ) -> list[str]:
        where = f" AND topic IN {_in_list(topics)}" if topics else ""
        return [
            qid
            for (qid,) in self.db.execute(
                f"SELECT question_id FROM question_stats{_BY_TOPIC if topics else ''}"
                f" WHERE profile = ? AND bank = ? AND last_correct = 0{where}"
                " ORDER BY last_at DESC, question_id DESC LIMIT ? OFFSET ?",
                (*_ids(self.db, profile, bank), *topics, limit, skip),
            )
        ]

    @_guarded
    def sessions(self, profile: str, bank: str, limit: int = 50) -> list[SessionRecord]:
        """The most recent sessions with at least one answer, newest first."""
        owner = _ids(self.db, profile, bank)
        return [session_record(*row) for row in self.db.execute(_SESSIONS, (*owner, limit))]

    @_guarded
    def paces(self, profile: str, bank: str, limit: int = 50) -> list[tuple[str, float]]:
        """(question id, seconds) of the most recent right answers, for calibrating speed."""
        return self.db.execute(  # the latest sessions first, through their index
            "SELECT a.question_id, a.seconds FROM sessions s JOIN answers a"
            " ON a.session_id = s.id WHERE s.profile = ? AND s.bank = ? AND a.correct = 1"
            " ORDER BY s.started DESC, s.id DESC, a.id DESC LIMIT ?",
            (*_ids(self.db, profile, bank), limit),
        ).fetchall()

    @_guarded
    def count_answers(self, profile: str, bank: str, topic: str | None = None) -> int:
        """Each answer counts once in its topic's attempts."""
        query = "SELECT COALESCE(SUM(attempts), 0) FROM topic_stats WHERE profile = ? AND bank = ?"
        args: tuple[object, ...] = _ids(self.db, profile, bank)
        if topic is not None:
            query, args = query + " AND topic = ?", (*args, topic)
        return int(self.db.execute(query, args).fetchone()[0])

    @_guarded
    def reset(self, profile: str, bank: str, topic: str | None = None) -> int:
        """Remove a profile's answers in a bank (or one topic of it); return how many."""
        with self._write() as db:
            owner = _ids(db, profile, bank)
            where, args = "profile = ? AND bank = ?", list[object](owner)
            if topic is not None:
                where, args = where + " AND topic = ?", [*args, topic]
            removed = db.execute(
                "DELETE FROM answers WHERE session_id IN"
                " (SELECT id FROM sessions WHERE profile = ? AND bank = ?)"
                + (" AND topic = ?" if topic is not None else ""),
                args,
            ).rowcount
            db.execute(f"DELETE FROM topic_stats WHERE {where}", args)
            db.execute(f"DELETE FROM session_topics WHERE {where}", args)
            db.execute(f"DELETE FROM question_stats WHERE {where}", args)
            db.execute(f"DELETE FROM cards WHERE {where}", args)
            if topic is None:
                db.execute("DELETE FROM sessions WHERE profile = ? AND bank = ?", owner)
        return int(removed)


def _add_answer(db: sqlite3.Connection, session: Session, answer: Answer, clock: Clock) -> int:
    """Insert one answer and bring every summary up to date; 0 if it is there already."""
    key = _uuid_key(answer.id)
    if db.execute("SELECT 1 FROM answers WHERE uuid = ?", (key,)).fetchone():
        return 0
    when = clock() if answer.answered_at is None else answer.answered_at  # no needless tick
    found = db.execute("SELECT profile, bank FROM sessions WHERE id = ?", (session.id,))
    pid, bid = found.fetchone() or (0, 0)  # the session's own, whatever its names are now
    row = answer_values(session, answer, when) | {"profile": pid, "bank": bid, "uuid": key}
    db.execute(
        "INSERT INTO answers (session_id, question_id, topic, given, correct, seconds,"
        " answered_at, question_hash, score, unanswered, late, overridden, uuid, response)"
        " VALUES (:session, :qid, :topic, :given, :correct, :seconds, :at, :hash, :score,"
        " :unanswered, :late, :overridden, :uuid, :response)",
        row,
    )
    db.execute(_RECORD_TOPIC, row)
    db.execute(_RECORD_SESSION_TOPIC, row)
    db.execute(_RECORD_QUESTION, row)
    if answer.card is not None:
        db.execute(
            _SAVE_CARD, (pid, bid, answer.question_id, answer.topic, *card_columns(answer.card))
        )
    return 1


def _ids(db: sqlite3.Connection, profile: str, bank: str) -> tuple[int, int]:
    """The integer ids rows keep for this profile and bank; 0 (no row has it) for one that
    is not known yet."""
    pid, bid = db.execute(
        "SELECT (SELECT id FROM profiles WHERE name = ?), (SELECT id FROM banks WHERE key = ?)",
        (profile, bank),
    ).fetchone()
    return pid or 0, bid or 0


def _owner(db: sqlite3.Connection, profile: str, bank: str, now: float) -> tuple[int, int]:
    """The ids of this profile and bank, each recorded first if it is new."""
    db.execute(
        "INSERT OR IGNORE INTO profiles (name, display_name, created) VALUES (?, ?, ?)",
        (profile, profile, now),
    )
    db.execute(
        "INSERT OR IGNORE INTO banks (key, title, created) VALUES (?, ?, ?)", (bank, bank, now)
    )
    return _ids(db, profile, bank)


def _uuid_key(text: str) -> bytes | str:
    """An answer's UUID as it is kept: 16 bytes; as it came if it is not a UUID in its usual
    text (so two texts never become the same key, and each reads back as it was)."""
    try:
        key = uuid.UUID(text)
    except (ValueError, TypeError, AttributeError):
        return text
    return key.bytes if str(key) == text else text


def _uuid_text(value: bytes | str) -> str:
    """An answer's UUID as kept, read back as its usual text."""
    return str(uuid.UUID(bytes=value)) if isinstance(value, bytes) else value


def _has_progress(db: sqlite3.Connection, bank: str) -> bool:
    found = db.execute(
        "SELECT 1 FROM sessions WHERE bank = (SELECT id FROM banks WHERE key = ?) LIMIT 1", (bank,)
    )
    return found.fetchone() is not None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _connect_when_free(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """`_connect`, tried again while another program holds the file for up to `busy_timeout`:
    some steps of opening (switching a new file to WAL while another process migrates it)
    are refused at once rather than waited for."""
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            return _connect(path, busy_timeout)
        except sqlite3.OperationalError as exc:
            if not _is_busy(str(exc)) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _connect(path: Path, busy_timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """Connect, check the file is a healthy database, and bring its schema up to date."""
    connection = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        if not _checked_lately(path):
            check = connection.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise sqlite3.DatabaseError(f"quick_check: {check[0] if check else 'no answer'}")
            with contextlib.suppress(OSError):
                _check_mark(path).touch()
        connection.execute("PRAGMA journal_mode = WAL")
        # In WAL mode, NORMAL loses nothing when the process dies; only a power cut can
        # roll back the last commits. Each answer stays one cheap commit.
        connection.execute("PRAGMA synchronous = NORMAL")
        _add_math(connection)
        connection.execute("PRAGMA foreign_keys = OFF")  # a table rebuilt is dropped, not
        _migrate(connection)  # emptied by a cascade (and off is not every build's default)
        connection.execute("PRAGMA foreign_keys = ON")
        _check_schema(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _add_math(connection: sqlite3.Connection) -> None:
    """pow() and floor() for a recall, where SQLite was built without its math functions."""
    try:
        connection.execute("SELECT pow(2, 0.5), floor(1.5)")
    except sqlite3.OperationalError:
        connection.create_function("pow", 2, math.pow, deterministic=True)
        connection.create_function("floor", 1, math.floor, deterministic=True)


def _check_mark(path: Path) -> Path:
    """A file beside the database whose time is that of its last good integrity check."""
    return path.with_name(path.name + ".checked")


def _checked_lately(path: Path) -> bool:
    """Whether the whole file was read and found sound in the last day, and no fault since
    said it is damaged: `PRAGMA quick_check` reads every page (about 1 ms per MiB), so it
    runs at most once a day, and at the next open after such a fault."""
    try:
        checked = _check_mark(path).stat().st_mtime
    except OSError:
        return False
    return 0 <= time.time() - checked < CHECK_EVERY_S


@functools.cache
def _schema() -> dict[str, tuple[str, ...]]:
    """Each table's columns, as the migrations make them."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    _migrate(connection)
    return _columns(connection)


def _columns(connection: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {
        table: tuple(row[1] for row in connection.execute(f"PRAGMA table_info('{table}')"))
        for (table,) in tables
    }


def _check_schema(connection: sqlite3.Connection) -> None:
    """A file whose version promises tables and columns it lacks is damaged, not current."""
    found = _columns(connection)
    for table, columns in _schema().items():
        missing = set(columns) - set(found.get(table, ()))
        if missing:
            raise sqlite3.DatabaseError(f"table {table} lacks {', '.join(sorted(missing))}")


def _migrate(connection: sqlite3.Connection, target: int = len(MIGRATIONS)) -> None:
    """Apply the migrations this database has not had yet, each in its own transaction."""
    connection.create_function("uuid_blob", 1, _uuid_key, deterministic=True)
    connection.create_function("uuid_text", 1, _uuid_text, deterministic=True)
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise newer_schema(version)
        for number in range(version, target):
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    connection.execute(statement)
            if number in _BACKFILLS:
                _backfill(connection, _BACKFILLS[number])
            if number == _CARD_COLUMNS:
                _fill_card_columns(connection)
            connection.execute(f"PRAGMA user_version = {number + 1}")
    except sqlite3.IntegrityError as exc:  # the file is sound: it must not be moved aside
        connection.execute("ROLLBACK")
        raise sqlite3.OperationalError(f"cannot upgrade the progress database: {exc}") from exc
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


_BACKFILLS = {1: (_RECORD_TOPIC, _RECORD_SESSION_TOPIC), 2: (_RECORD_QUESTION,)}
_CARD_COLUMNS = 6  # the migration that took the state, stability and last review out of JSON
_BATCH = 500  # values per `IN` list


def _in_list(values: Sequence[object]) -> str:
    """`(?, ?, ?)` for an SQL `IN` over these values."""
    return "(" + ", ".join("?" * len(values)) + ")"


# A few topics' rows: without statistics the planner would walk the profile's whole primary key.
_BY_TOPIC = " INDEXED BY question_stats_by_topic"


def _fill_card_columns(connection: sqlite3.Connection) -> None:
    """Read each stored card's state, stability and last review out of its JSON."""
    rows = connection.execute("SELECT profile, bank, question_id, card, due FROM cards")
    connection.executemany(
        "UPDATE cards SET state = ?, stability = ?, reviewed = ?"
        " WHERE profile = ? AND bank = ? AND question_id = ?",
        [(*card_columns((card, due))[2:], *key) for *key, card, due in rows.fetchall()],
    )


def _backfill(connection: sqlite3.Connection, statements: tuple[str, ...]) -> None:
    """Build a new summary from the answers that earlier versions recorded."""
    rows = connection.execute(
        "SELECT session_id AS session, profile, bank, question_id AS qid, topic, correct,"
        " answered_at AS at FROM answers ORDER BY answered_at, id"
    )
    columns = [d[0] for d in rows.description]
    for values in rows.fetchall():
        row = dict(zip(columns, values, strict=True))
        for statement in statements:
            connection.execute(statement, row)


def _move_aside(path: Path, clock: Clock) -> Path:
    """Rename a damaged database (and its WAL files) to a timestamped backup; never delete."""
    stamp = datetime.fromtimestamp(clock()).strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 1
    while backup.exists():
        counter += 1
        backup = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
    try:
        path.rename(backup)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.rename(backup.with_name(backup.name + suffix))
    except OSError as exc:
        raise StoreError(f"{path} is damaged and cannot be moved aside: {exc.strerror}") from None
    return backup
