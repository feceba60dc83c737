"""The progress store's contract: what every engine (SQLite, PostgreSQL) does, the records it
reads back, and the one kind of error it raises. Driver errors never cross this line.

Progress is keyed on a profile's name and a bank's key (its `id:`, else its title). Every
answer and every session carries a UUID, so results merged from several machines or copied
between engines are never counted twice.
"""

from __future__ import annotations

import functools
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar

Clock = Callable[[], float]
Card = tuple[str, float]  # a spaced-repetition card as its JSON and its due time
# The forgetting curve as (factor, decay): recall after d whole days since the last review of a
# card of stability s is (1 + factor * d / s) ** decay (FSRS's power curve).
Curve = tuple[float, float]
TREND_SESSIONS = 5


class StoreError(Exception):
    """The progress store cannot be used (for example, its folder is read-only)."""


class StoreUnavailable(StoreError):
    """The database server cannot be reached right now; it may be back later."""


class SittingConflict(StoreError):
    """A sitting to merge has the UUID of a stored one of someone else, another bank, mode
    or seed: its answers are not added."""


def check_same_sitting(sitting: Sitting, stored: Sequence[object]) -> None:
    """Refuse to merge `sitting` into the stored one (profile, bank, mode, seed) unless
    they agree."""
    for name, value in zip(("profile", "bank", "mode", "seed"), stored, strict=True):
        if getattr(sitting, name) != value:
            raise SittingConflict(f"session {sitting.uuid} is stored already with another {name}")


def new_id() -> str:
    """A new UUID, version 7 (RFC 9562, section 5.7): the time in milliseconds, then 74
    random bits. Ids made later sort later, so each new answer goes at the end of its
    table's index instead of splitting a page anywhere in it (denser, on both engines);
    the random part keeps ids from different machines apart as version 4's does."""
    millis = time.time_ns() // 1_000_000
    value = (millis & (2**48 - 1)) << 80 | int.from_bytes(os.urandom(10)) & (2**80 - 1)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # the RFC's variant
    return str(uuid.UUID(int=value))


@dataclass(frozen=True, slots=True)
class Session:
    id: int
    profile: str
    bank: str
    mode: str
    seed: int | None
    uuid: str = ""


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer to record: the verdict, the structured response and what it was about."""

    question_id: str
    topic: str
    question_hash: str
    given: str  # the response as shown to people
    correct: bool
    seconds: float
    score: float | None = None  # 0 to 1, partial credit; None: 1 if correct, else 0
    response: Mapping[str, Any] | None = None  # what was answered, see `response_json`
    unanswered: bool = False  # an exam question the time or the learner left unanswered
    late: bool = False  # taken as it stood when the time limit ran out, not submitted
    overridden: bool = False  # marked wrong, then declared right by the learner (correct)
    card: Card | None = None  # review: the question's new card, saved with the answer
    id: str = field(default_factory=new_id)
    answered_at: float | None = None  # None: now, by the store's clock

    @property
    def points(self) -> float:
        return float(self.correct) if self.score is None else self.score

    def response_json(self) -> str | None:
        return None if self.response is None else json.dumps(self.response, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Sitting:
    """A session as it travels between stores: its answers follow it."""

    uuid: str
    profile: str
    bank: str
    mode: str
    seed: int | None
    started: float
    ended: float | None


@dataclass(frozen=True, slots=True)
class Attempt:
    """One recorded answer to one question."""

    session_id: int
    question_id: str
    topic: str
    given: str
    correct: bool
    seconds: float
    answered_at: float
    question_hash: str
    mode: str
    score: float = 0.0
    unanswered: bool = False
    overridden: bool = False  # marked wrong, then declared right by the learner
    late: bool = False
    id: str = ""
    response: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class QuestionStats:
    question_id: str
    topic: str
    attempts: int
    wrong: int
    last_correct: bool
    last_at: float


@dataclass(frozen=True, slots=True)
class TopicCards:
    """A topic's review cards and known questions, as the store counts them at one moment."""

    cards: int = 0  # questions with a card
    learning: int = 0  # cards in (re)learning that are due
    review: int = 0  # cards in review that are due
    recall: float = 0.0  # the predicted recall of the reviewed cards, summed; a question
    recalled: int = 0  # whose latest answer was wrong counts 0. `recalled`: how many cards
    known: int = 0  # questions whose latest answer was right


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    mode: str
    seed: int | None
    started: float
    ended: float | None
    answered: int
    correct: int


@dataclass(frozen=True, slots=True)
class Profile:
    """Someone whose progress the store keeps."""

    name: str
    display_name: str
    created: float
    answers: int = 0


@dataclass(frozen=True, slots=True)
class TopicStats:
    """A profile's record in one topic of one bank, across all sessions."""

    topic: str
    attempts: int = 0
    correct: int = 0
    last_studied: float | None = None
    best_streak: int = 0
    trend: tuple[float, ...] = field(default=())  # accuracy per recent session, oldest first

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None

    @property
    def last_session_accuracy(self) -> float | None:
        return self.trend[-1] if self.trend else None

    @property
    def recent_accuracy(self) -> float | None:
        """Mean accuracy over the recent sessions in `trend`."""
        return sum(self.trend) / len(self.trend) if self.trend else None


class ProgressStore(Protocol):
    """Every answer of every profile, per topic, across sessions.

    Each write is committed before the method returns. Every method raises only
    `StoreError` (`StoreUnavailable` when a server cannot be reached).
    """

    clock: Clock
    backup: Path | None  # where a damaged database was moved aside when it was opened

    @property
    def location(self) -> str:
        """Where the progress is kept, fit to show (a password is never part of it)."""

    @property
    def remote(self) -> bool:
        """Whether a call may wait on a network round trip: the app then makes it off its
        event loop, so a slow server never freezes the screen."""

    @property
    def pending(self) -> int:
        """How many writes wait in a local outbox for a server that cannot be reached; the
        app says "saved locally, will sync" while there are any. Always 0 for a file."""

    def close(self) -> None: ...

    # --- writing --------------------------------------------------------------------------

    def use_bank(self, key: str, title: str) -> None:
        """Make the bank known. The first time a bank with an `id:` is used, progress kept
        under its title (before banks had ids) becomes its own."""

    def start_session(self, profile: str, bank: str, mode: str, seed: int | None) -> Session:
        """Begin a sitting; the profile is created if it is new."""

    def end_session(self, session: Session) -> None: ...

    def record(self, session: Session, answer: Answer) -> str:
        """Record one answer (and its card), committed before this returns; return its id.
        Recording an answer whose id is already stored changes nothing."""

    def override(self, answer_id: str, card: Card | None = None) -> bool:
        """Count a wrong answer as right, marked overridden, every summary corrected in the
        same transaction; `card` replaces the question's card. False: no such wrong answer."""

    def reset(self, profile: str, bank: str, topic: str | None = None) -> int:
        """Remove a profile's answers in a bank (or one topic of it); return how many."""

    def merge(self, sitting: Sitting, answers: Iterable[Answer]) -> int:
        """Add a sitting's answers recorded elsewhere (the sitting is created if it is new);
        answers already here, by id, are skipped. Return how many were added."""

    def merge_cards(self, profile: str, bank: str, cards: Mapping[str, tuple[str, Card]]) -> int:
        """Add spaced-repetition cards ({question id: (topic, card)}) for questions that have
        none here. Return how many were added."""

    # --- reading --------------------------------------------------------------------------

    def export(self, profile: str | None = None) -> Iterator[tuple[Sitting, list[Answer]]]:
        """Every sitting with its answers (of one profile, or of everyone), oldest first."""

    def card_sets(
        self, profile: str | None = None
    ) -> Iterator[tuple[str, str, dict[str, tuple[str, Card]]]]:
        """(profile, bank, {question id: (topic, card)}) for every profile's cards."""

    def profile_count(self) -> int:
        """How many profiles the store keeps: one read of a small table."""

    def profiles(self) -> list[Profile]:
        """Every profile, by name, with its number of answers."""

    def topic_summary(
        self, profile: str, bank: str, topics: Iterable[str], last_sessions: int = TREND_SESSIONS
    ) -> list[TopicStats]:
        """Per topic, in the order given: attempts, accuracy, trend, last studied, streak."""

    def history(self, profile: str, bank: str, question_id: str) -> list[Attempt]:
        """Every answer this profile gave to one question, oldest first."""

    def session_topic_history(
        self, profile: str, bank: str, topics: Sequence[str], limit: int
    ) -> dict[str, list[tuple[float, float]]]:
        """For each of these topics that was studied, (session start, accuracy) of the last
        `limit` sessions that studied it, oldest first."""

    def question_stats(
        self, profile: str, bank: str, topics: Sequence[str] = ()
    ) -> dict[str, QuestionStats]:
        """Per question answered at least once (in these topics; none: all): attempts,
        misses and the latest result."""

    def sessions(self, profile: str, bank: str, limit: int = 50) -> list[SessionRecord]:
        """The most recent sessions with at least one answer, newest first."""

    def topic_cards(
        self, profile: str, bank: str, questions: Mapping[str, Sequence[str]], now: float,
        curve: Curve,
    ) -> dict[str, TopicCards]:  # fmt: skip
        """For each topic given with its questions' ids ({topic: ids}) that has cards or
        answers: its cards due at `now`, their predicted recall on `curve`, and its known
        questions. Reads only those questions' rows: a card of a question the bank no longer
        has, or has moved to another topic, counts where the bank says."""

    def due_cards(
        self, profile: str, bank: str, topics: Sequence[str], now: float, limit: int, skip: int = 0
    ) -> list[tuple[str, str]]:
        """(question id, card JSON) of the cards due at `now` in these topics (none: all),
        most overdue first: `limit` of them after the first `skip`."""

    def carded(self, profile: str, bank: str, question_ids: Sequence[str]) -> set[str]:
        """Which of these questions have a card."""

    def missed(
        self, profile: str, bank: str, topics: Sequence[str], limit: int, skip: int = 0
    ) -> list[str]:
        """The questions of these topics (none: all) whose latest answer was wrong, the most
        recently missed first: `limit` of them after the first `skip`."""

    def paces(self, profile: str, bank: str, limit: int = 50) -> list[tuple[str, float]]:
        """(question id, seconds) of the most recent right answers, for calibrating speed."""

    def count_answers(self, profile: str, bank: str, topic: str | None = None) -> int: ...


# A row edited by hand, or damaged, must not reach the screen as a crash: each value read back
# is checked, and a wrong one is a ValueError, which the engines report as a StoreError.


def count(value: object) -> int:
    if type(value) is not int or value < 0:
        raise ValueError(f"a damaged row: {value!r} is not a count")
    return value


def moment(value: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value < 1e11:
        raise ValueError(f"a damaged row: {value!r} is not a time")  # past the year 5138
    return float(value)


def share(right: object, out_of: object) -> float:
    """right / out_of for a row of counts: 0 to 1, else the row is damaged."""
    numerator, denominator = count(right), count(out_of)
    if denominator == 0 or numerator > denominator:
        raise ValueError(f"a damaged row: {right!r} right of {out_of!r}")
    return numerator / denominator


def response(value: object) -> Mapping[str, Any] | None:
    """A stored structured response (JSON text), or None for answers recorded before quiz
    kept them."""
    if value is None:
        return None
    loaded = json.loads(str(value))
    if not isinstance(loaded, dict):
        raise ValueError("a damaged row: a response is not a JSON object")
    return loaded


# --- what every engine shares -------------------------------------------------------------

P = ParamSpec("P")
R = TypeVar("R")
Y = TypeVar("Y")


# The move to integer ids of profile and bank (SQLite 7 -> 8, PostgreSQL 2 -> 3): every table
# that names a profile or a bank, the names any of them holds (`{column}`: profile or bank),
# and the join from a table's names (`{table}`) to the new ids.
OWNED_TABLES = (
    "profiles", "banks", "sessions", "answers", "topic_stats", "session_topics",
    "question_stats", "cards",
)  # fmt: skip
NAMES_KEPT = " UNION ".join(
    f"SELECT {{column}} FROM {table}"
    for table in ("sessions", "topic_stats", "session_topics", "question_stats", "cards")
)
NAMES_TO_IDS = (
    "JOIN profiles_new p ON p.name = {table}.profile JOIN banks_new b ON b.key = {table}.bank"
)


def newer_schema(version: int) -> StoreError:
    return StoreError(
        f"the progress database is from a newer quiz (schema {version}); upgrade quiz"
    )


@dataclass(frozen=True, slots=True)
class Guard:
    """A decorator for an engine's methods: each fault in `faults` arrives as one StoreError
    whose message is `reason(fault)`; `seen(engine, fault)`, if given, hears of each first."""

    faults: tuple[type[BaseException], ...]
    reason: Callable[[BaseException], str]
    seen: Callable[[Any, BaseException], None] | None = None

    def __call__(self, method: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(method)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return method(*args, **kwargs)
            except StoreError:
                raise
            except self.faults as exc:
                if self.seen is not None and args:
                    self.seen(args[0], exc)
                raise StoreError(self.reason(exc)) from exc

        return guarded

    def rows(self, method: Callable[P, Iterator[Y]]) -> Callable[P, Iterator[Y]]:
        """The same for a method that yields: faults met while iterating, too."""

        @functools.wraps(method)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> Iterator[Y]:
            try:
                yield from method(*args, **kwargs)
            except StoreError:
                raise
            except self.faults as exc:
                raise StoreError(self.reason(exc)) from exc

        return guarded


def answer_values(session: Session, answer: Answer, now: float) -> dict[str, Any]:
    """One answer as the values an engine stores: flags as booleans, the response as JSON
    text, the time it was answered (`now` when the answer does not say)."""
    return {
        "session": session.id,
        "session_uuid": session.uuid,
        "profile": session.profile,
        "bank": session.bank,
        "qid": answer.question_id,
        "topic": answer.topic,
        "given": answer.given,
        "correct": answer.correct,
        "score": answer.points,
        "unanswered": answer.unanswered,
        "late": answer.late,
        "overridden": answer.overridden,
        "seconds": answer.seconds,
        "at": now if answer.answered_at is None else answer.answered_at,
        "hash": answer.question_hash,
        "uuid": answer.id,
        "response": answer.response_json(),
    }


# What the engines read back, in the order of these columns, built into records. Each
# engine selects them under these names (casting its own types to these where it must).
ANSWER_COLUMNS = (
    "question_id, topic, question_hash, given, correct, seconds, score, response, unanswered,"
    " late, overridden, uuid, answered_at"
)


def stored_answer(
    qid: str, topic: str, qhash: str, given: str, right: object, seconds: float, score: float,
    raw: object, unanswered: object, late: object, overridden: object, uuid: str, at: object,
) -> Answer:  # fmt: skip
    """An answer as `ANSWER_COLUMNS` reads it back, each value checked."""
    return Answer(
        qid, topic, qhash, given, bool(right), float(seconds), float(score), response(raw),
        bool(unanswered), bool(late), bool(overridden), id=uuid, answered_at=moment(at),
    )  # fmt: skip


ATTEMPT_COLUMNS = (
    "a.session_id, a.question_id, a.topic, a.given, a.correct, a.seconds, a.answered_at,"
    " a.question_hash, s.mode, a.score, a.unanswered, a.overridden, a.late, a.uuid, a.response"
)


def stored_attempt(row: Sequence[Any]) -> Attempt:
    """An answer with its session's mode, as `ATTEMPT_COLUMNS` reads it back."""
    return Attempt(
        session_id=row[0],
        question_id=row[1],
        topic=row[2],
        given=row[3],
        correct=bool(row[4]),
        seconds=row[5],
        answered_at=row[6],
        question_hash=row[7],
        mode=row[8],
        score=row[9],
        unanswered=bool(row[10]),
        overridden=bool(row[11]),
        late=bool(row[12]),
        id=row[13],
        response=response(row[14]),
    )


def topic_stats(
    topics: Iterable[str],
    totals: Mapping[str, Sequence[Any]],
    recent: Callable[[str], Iterable[Sequence[Any]]],
) -> list[TopicStats]:
    """Per topic, in the order given: `totals` maps a topic to its (topic, attempts, correct,
    last_at, best_streak) row; `recent(topic)` gives its latest sessions' (attempts, correct),
    newest first."""
    result = []
    for topic in topics:
        if topic not in totals:
            result.append(TopicStats(topic))
            continue
        _, attempts, correct, last_at, best = totals[topic]
        trend = tuple(share(c, a) for a, c in reversed(list(recent(topic))))
        result.append(
            TopicStats(topic, count(attempts), count(correct), moment(last_at), count(best), trend)
        )
    return result


def topic_history(rows: Iterable[Sequence[Any]]) -> dict[str, list[tuple[float, float]]]:
    """Rows of (topic, session start, attempts, correct), oldest session first, as each
    topic's list of (session start, accuracy)."""
    history: dict[str, list[tuple[float, float]]] = {}
    for topic, started, attempts, correct in rows:
        history.setdefault(topic, []).append((moment(started), share(correct, attempts)))
    return history


def question_record(
    qid: str, topic: str, attempts: object, wrong: object, last: object, at: object
) -> QuestionStats:
    return QuestionStats(qid, topic, count(attempts), count(wrong), bool(last), moment(at))


def session_record(
    sid: int, mode: str, seed: int | None, started: object, ended: object, answered: object,
    right: object,
) -> SessionRecord:  # fmt: skip
    share(right, answered)  # a listed session has answers, and no more right than answered
    return SessionRecord(
        sid, mode, seed, moment(started), None if ended is None else moment(ended),
        count(answered), count(right),
    )  # fmt: skip


def profile_record(name: str, display: str, created: object, answers: object) -> Profile:
    return Profile(name, display, moment(created), count(answers))


def card_sets(
    rows: Iterable[Sequence[Any]],
) -> Iterator[tuple[str, str, dict[str, tuple[str, Card]]]]:
    """Rows of (profile, bank, question id, topic, card, due) as one set per profile and bank."""
    sets: dict[tuple[str, str], dict[str, tuple[str, Card]]] = {}
    for who, bank, qid, topic, card, due in rows:
        sets.setdefault((who, bank), {})[qid] = (topic, (card, moment(due)))
    for (who, bank), cards in sets.items():
        yield who, bank, cards


def card_columns(card: Card) -> tuple[str, float, int | None, float | None, float | None]:
    """A card as the engines keep it: its JSON and due time, then the state, stability and
    last review (a timestamp) read from the JSON, so counting and recall need no JSON. A card
    that does not read has None there: it counts as due, with no prediction."""
    text, due = card
    try:
        fields = json.loads(text)
        state, stability, last = fields["state"], fields["stability"], fields["last_review"]
        reviewed = None if last is None else datetime.fromisoformat(last).timestamp()
        state, stability = int(state), None if stability is None else float(stability)
    except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError):
        return text, due, None, None, None
    if state not in (1, 2, 3):  # learning, review, relearning
        state = None
    if stability is None or not 0 < stability < 1e9 or reviewed is None:
        stability = reviewed = None  # no prediction: counted as never reviewed
    return text, due, state, stability, reviewed


def in_list(values: Sequence[object], mark: str) -> str:
    """`(?, ?, ?)` for an SQL `IN` over these values, in the driver's parameter mark."""
    return "(" + ", ".join([mark] * len(values)) + ")"


def topic_cards(rows: Iterable[Sequence[Any]]) -> dict[str, TopicCards]:
    """Rows of (topic, cards, learning, review, recall, recalled, known) as one record per
    topic with a card or a known question, each value checked."""
    found: dict[str, TopicCards] = {}
    for topic, cards, learning, review, recall, recalled, known in rows:
        summed = float(recall or 0.0)
        if not 0 <= summed <= count(recalled):
            raise ValueError(f"a damaged row: recall {recall!r} of {recalled!r} cards")
        if count(cards) or count(known):
            found[topic] = TopicCards(
                count(cards), count(learning), count(review), summed, count(recalled),
                count(known),
            )  # fmt: skip
    return found


def streak(latest_first: Iterable[Sequence[Any]]) -> int:
    """The run of right answers, counted back from the latest: rows of (correct,)."""
    run = 0
    for (right,) in latest_first:
        if not right:
            break
        run += 1
    return run
