"""The progress store's contract: what every engine (SQLite, PostgreSQL) does, the records it
reads back, and the one kind of error it raises. Driver errors never cross this line.

Progress is keyed on a profile's name and a bank's key (its `id:`, else its title). Every
answer and every session carries a UUID, so results merged from several machines or copied
between engines are never counted twice.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

Clock = Callable[[], float]
Card = tuple[str, float]  # a spaced-repetition card as its JSON and its due time
TREND_SESSIONS = 5


class StoreError(Exception):
    """The progress store cannot be used (for example, its folder is read-only)."""


class StoreUnavailable(StoreError):
    """The database server cannot be reached right now; it may be back later."""


def new_id() -> str:
    return str(uuid.uuid4())


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

    def profiles(self) -> list[Profile]:
        """Every profile, by name, with its number of answers."""

    def topic_summary(
        self, profile: str, bank: str, topics: Iterable[str], last_sessions: int = TREND_SESSIONS
    ) -> list[TopicStats]:
        """Per topic, in the order given: attempts, accuracy, trend, last studied, streak."""

    def history(self, profile: str, bank: str, question_id: str) -> list[Attempt]:
        """Every answer this profile gave to one question, oldest first."""

    def session_topic_history(
        self, profile: str, bank: str
    ) -> dict[str, list[tuple[float, float]]]:
        """Per topic, (session start, accuracy) for every session that studied it."""

    def question_stats(self, profile: str, bank: str) -> dict[str, QuestionStats]:
        """Per question answered at least once: attempts, misses and the latest result."""

    def sessions(self, profile: str, bank: str, limit: int = 50) -> list[SessionRecord]:
        """The most recent sessions with at least one answer, newest first."""

    def cards(self, profile: str, bank: str) -> dict[str, str]:
        """Each reviewed question's spaced-repetition card, as the JSON the scheduler wrote."""

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
