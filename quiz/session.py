"""A study session: which questions, in what order, each answer graded and saved at once."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from quiz.bank import Bank, Question
from quiz.grading import Grade, Response, grade
from quiz.review import Cards, rating
from quiz.store import ProgressStore


@dataclass(frozen=True, slots=True)
class Result:
    question: Question
    grade: Grade
    seconds: float


@dataclass(frozen=True, slots=True)
class TopicResult:
    topic: str
    right: int
    total: int
    before: float | None  # the topic's accuracy over recent sessions before this one

    @property
    def accuracy(self) -> float:
        return self.right / self.total

    @property
    def change(self) -> str:
        """'better', 'worse', 'same' or 'first' compared with earlier sessions."""
        if self.before is None:
            return "first"
        if abs(self.accuracy - self.before) < 0.005:
            return "same"
        return "better" if self.accuracy > self.before else "worse"


class StudySession:
    """One sitting: the questions, the learner's progress through them, and their results."""

    def __init__(
        self,
        bank: Bank,
        store: ProgressStore,
        profile: str,
        questions: Sequence[Question],
        *,
        mode: str = "practice",
        seed: int | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], float] | None = None,
        cards: Cards | None = None,
        pace: float = 1.0,
        time_limit: float | None = None,
    ) -> None:
        """`cards` (review mode) are moved on by each answer; `time_limit` is in seconds."""
        self.bank = bank
        self.store = store
        self.profile = profile
        self.questions = list(questions)
        self.mode = mode
        self.seed = seed
        self.clock = clock or store.clock
        self.cards = cards
        self.pace = pace
        rng = rng or random.Random(seed)
        self.choice_order = {
            q.id: tuple(rng.sample(q.choices, len(q.choices))) if q.shuffle else q.choices
            for q in self.questions
        }
        self.before = {
            t.topic: t.recent_accuracy
            for t in store.topic_summary(profile, bank.title, bank.topics)
        }
        self.record = store.start_session(profile, bank.title, mode, seed)
        self.index = 0
        self.results: list[Result] = []
        self.started = self.shown_at = self.clock()
        self.deadline = None if time_limit is None else self.started + time_limit
        self.save_error: str | None = None
        self.ended = False

    @property
    def feedback(self) -> bool:
        """Whether each answer is judged at once; an exam keeps its verdicts for the end."""
        return self.mode != "exam"

    def time_left(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - self.clock())

    @property
    def current(self) -> Question:
        return self.questions[self.index]

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def answered_current(self) -> bool:
        return len(self.results) > self.index

    @property
    def is_last(self) -> bool:
        return self.index >= self.total - 1

    def choices(self, question: Question) -> tuple[str, ...]:
        """The question's choices in the order this session shows them."""
        return self.choice_order[question.id]

    def show(self) -> None:
        """The current question is on screen: its answer time starts now."""
        self.shown_at = self.clock()

    def answer(self, response: Response) -> Grade:
        """Grade the current question and save the answer before returning."""
        question = self.current
        result = grade(question, response)
        now = self.clock()
        seconds = max(0.0, now - self.shown_at)
        self.results.append(Result(question, result, seconds))
        card = None
        if self.cards is not None:  # review: the answer also moves the card on
            own_grade = response if question.type == "card" and isinstance(response, int) else None
            card = self.cards.review(
                question, rating(question, result.correct, seconds, self.pace, own_grade), now
            )
        try:
            self.store.record(self.record, question, result.given, result.correct, seconds, card)
        except sqlite3.Error as exc:
            self.save_error = f"this answer could not be saved: {exc}"
        return result

    def advance(self) -> bool:
        """Move to the next question; False when there is none."""
        if self.is_last:
            return False
        self.index += 1
        self.show()
        return True

    def end(self) -> None:
        if not self.ended:
            self.ended = True
            try:
                self.store.end_session(self.record)
            except sqlite3.Error as exc:
                self.save_error = f"the session's end could not be saved: {exc}"

    # --- the summary ----------------------------------------------------------------------

    @property
    def score(self) -> tuple[int, int]:
        return sum(r.grade.correct for r in self.results), len(self.results)

    def topic_results(self) -> list[TopicResult]:
        per_topic: dict[str, list[bool]] = {}
        for r in self.results:
            per_topic.setdefault(r.question.topic, []).append(r.grade.correct)
        return [
            TopicResult(topic, sum(marks), len(marks), self.before.get(topic))
            for topic in self.bank.topics
            if (marks := per_topic.get(topic))
        ]

    def missed(self) -> list[Result]:
        return [r for r in self.results if not r.grade.correct]
