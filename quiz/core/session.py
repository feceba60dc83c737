"""A study session: which questions, in what order, each answer graded and saved at once."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from fsrs import Card, Rating

from quiz.core.bank import Question
from quiz.core.grading import Grade, Response, Vocabulary, grade
from quiz.core.modes import MODES, Mode
from quiz.core.scheduling import Cards, rating
from quiz.core.study import Study
from quiz.store.api import Answer, Session, StoreError

T = TypeVar("T")


class SessionClosed(Exception):
    """An answer arrived after the session ended or after its deadline: it does not count."""


@dataclass(frozen=True, slots=True)
class Result:
    question: Question
    grade: Grade
    seconds: float
    answer_id: str | None = None  # the stored answer's id; None when it could not be saved
    unanswered: bool = False  # an exam question left unanswered
    overridden: bool = False  # marked wrong, then declared right by the learner
    rating: int | None = None  # review: the FSRS rating the answer gave, 1 (Again) to 4 (Easy)
    due: float | None = None  # review: when the card is due next


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


def _schedule(rated: Rating | None, card: tuple[str, float] | None) -> dict[str, Any]:
    """A review's rating and next due time, as `Result` keeps them (None outside review)."""
    return {
        "rating": None if rated is None else int(rated),
        "due": None if card is None else card[1],
    }


class StudySession:
    """One sitting: the questions, the learner's progress through them, and their results."""

    def __init__(
        self,
        study: Study,
        questions: Sequence[Question],
        *,
        mode: str = "practice",
        seed: int | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], float] | None = None,
        cards: Cards | None = None,
        pace: float = 1.0,
        time_limit: float | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        """`mode` is a name in `MODES`; `cards` (review mode) are moved on by each answer;
        `time_limit` is in seconds; `vocabulary` is the bank's words, which a typed answer may
        not be a typo of."""
        self.study = study
        self.questions = list(questions)
        self.mode = mode  # its name, as the store keeps it
        self.way: Mode = MODES[mode]
        self.seed = seed
        self.clock = clock or study.store.clock
        self.cards = cards
        self.pace = pace
        self.vocabulary = vocabulary or Vocabulary(study.bank.questions)
        rng = rng or random.Random(seed)
        self.choice_order = {q.id: _shown(q, rng) for q in self.questions}
        self.save_error: str | None = None
        store, profile, key = study.store, study.profile, study.key
        asked = list(dict.fromkeys(q.topic for q in self.questions))  # only these: at scale
        summary = self._save(
            lambda: store.topic_summary(profile, key, asked),
            "earlier scores could not be read",
        )
        self.before = {t.topic: t.recent_accuracy for t in summary or ()}
        # No session in the store: the questions can still be asked, each shown as not saved.
        self.record = self._save(
            lambda: store.start_session(profile, key, mode, seed),
            "this session could not be saved",
        )
        self.index = 0
        self.results: list[Result] = []
        self.started = self.shown_at = self.clock()
        self.deadline = None if time_limit is None else self.started + time_limit
        self.timed_out = False
        self.ended = False
        self._card_before: Card | None = None  # review: the current card before it was graded

    @property
    def feedback(self) -> bool:
        """Whether each answer is judged at once; an exam keeps its verdicts for the end."""
        return self.way.feedback

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

    def answer(self, response: Response) -> Result:
        """Grade the current question and save the answer before returning.

        Raises `SessionClosed` once the session has ended or its time has run out: the
        session itself, not only the screen, refuses answers after the deadline.
        """
        if self.ended or self.answered_current:
            raise SessionClosed("this question is already answered")
        now = self.clock()
        if self.deadline is not None and now > self.deadline:
            raise SessionClosed("time is up")
        return self._answer(response, now)

    def time_up(self, pending: Response | None) -> None:
        """The time has run out: grade and save what was typed but not submitted, as Moodle
        does, then end the session; the questions left count as unanswered."""
        self.timed_out = True
        if pending is not None and not self.ended and not self.answered_current:
            assert self.deadline is not None
            self._answer(pending, self.deadline, late=True)
        self.end()

    def _answer(self, response: Response, now: float, *, late: bool = False) -> Result:
        question = self.current
        verdict = grade(question, response, self.vocabulary)
        seconds = max(0.0, now - self.shown_at)
        card = rated = None
        if self.cards is not None:  # review: the answer also moves the card on
            own_grade = response if question.type == "card" and isinstance(response, int) else None
            rated = rating(question, verdict.correct, seconds, self.pace, own_grade)
            self._card_before = self.cards.cards.get(question.id)
            card = self.cards.review(question, rated, now)
        record = self.record
        answer = answer_for(
            question,
            verdict.given,
            verdict.correct,
            seconds,
            score=verdict.score,
            response=structured(question, response, self.choices(question)),
            late=late,
            card=card,
            answered_at=now,
        )
        answer_id = self._save(
            lambda: self.study.store.record(self._saved(record), answer),
            "this answer could not be saved",
        )
        result = Result(question, verdict, seconds, answer_id, **_schedule(rated, card))
        self.results.append(result)
        return result

    def _save(self, write: Callable[[], T], failure: str) -> T | None:
        """Run one store call; on failure keep going and say so in `save_error` (the next
        call that works clears it)."""
        try:
            value = write()
        except StoreError as exc:
            self.save_error = f"{failure}: {exc}"
            return None
        self.save_error = None
        return value

    def _saved(self, record: Session | None) -> Session:
        if record is None:
            raise StoreError("the session itself could not be saved")
        return record

    @property
    def can_override(self) -> bool:
        """Whether the learner may say "I was right" about the answer just given: a short or
        cloze answer marked wrong, in any mode that gives verdicts (never in an exam)."""
        if not self.feedback or not self.answered_current:
            return False
        result = self.results[self.index]
        return (
            result.question.type in ("short", "cloze")
            and not result.grade.correct
            and not result.overridden
        )

    def override(self) -> Result:
        """Count the answer just given as right, recorded as overridden; in review, the card
        is rescheduled as if it had been answered right."""
        if not self.can_override:
            raise SessionClosed("this answer cannot be overridden")
        old = self.results[self.index]
        question = old.question
        verdict = replace(old.grade, correct=True, score=1.0, typo=False)
        card = rated = None
        if self.cards is not None:
            rated = rating(question, True, old.seconds, self.pace)
            self.cards.put_back(question, self._card_before)
            card = self.cards.review(question, rated, self.clock())
        if old.answer_id is not None:
            answer_id = old.answer_id
            self._save(
                lambda: self.study.store.override(answer_id, card), "the override was not saved"
            )
        result = replace(old, grade=verdict, overridden=True, **_schedule(rated, card))
        self.results[self.index] = result
        return result

    def advance(self) -> bool:
        """Move to the next question; False when there is none."""
        if self.is_last:
            return False
        self.index += 1
        self.show()
        return True

    def end(self) -> None:
        """End the sitting. In an exam, every question not answered is recorded as
        unanswered, so the exam's score is right answers over all its questions."""
        if self.ended:
            return
        self.ended = True
        if not self.feedback:
            for question in self.questions[len(self.results) :]:
                self._record_unanswered(question)
        record = self.record
        if record is not None:
            self._save(
                lambda: self.study.store.end_session(record), "the session's end was not saved"
            )

    def _record_unanswered(self, question: Question) -> None:
        verdict = Grade(False, "", question.answer_text, score=0.0)
        record = self.record
        # Left because the time ran out: late too, so that the exam says it timed out.
        answer = answer_for(question, "", False, 0.0, unanswered=True, late=self.timed_out)
        answer_id = self._save(
            lambda: self.study.store.record(self._saved(record), answer),
            "an unanswered question could not be saved",
        )
        self.results.append(Result(question, verdict, 0.0, answer_id, unanswered=True))

    # --- the summary ----------------------------------------------------------------------

    @property
    def score(self) -> tuple[int, int]:
        """(right, counted): in an exam every question counts, answered or not."""
        return sum(r.grade.correct for r in self.results), len(self.results)

    @property
    def unanswered(self) -> int:
        return sum(r.unanswered for r in self.results)

    def topic_results(self) -> list[TopicResult]:
        per_topic: dict[str, list[bool]] = {}
        for r in self.results:
            per_topic.setdefault(r.question.topic, []).append(r.grade.correct)
        return [
            TopicResult(topic, sum(marks), len(marks), self.before.get(topic))
            for topic in self.study.bank.topics
            if (marks := per_topic.get(topic))
        ]

    def missed(self) -> list[Result]:
        return [r for r in self.results if not r.grade.correct]


def answer_for(
    question: Question, given: str, correct: bool, seconds: float, **more: Any
) -> Answer:
    """The store's record of one answer to `question`; `more` are Answer's optional fields."""
    return Answer(
        question.id, question.topic, question.content_hash, given, correct, seconds, **more
    )


def _shown(question: Question, rng: random.Random) -> tuple[str, ...]:
    """The options in the order shown: a match question's right items always shuffled
    (in the bank's order they would give the answer away), choices unless `shuffle: false`."""
    if question.type == "match":
        items = [right for _, right in question.pairs]
        return tuple(rng.sample(items, len(items)))
    if question.shuffle:
        return tuple(rng.sample(question.choices, len(question.choices)))
    return question.choices


def structured(question: Question, response: Response, shown: Sequence[str]) -> dict[str, Any]:
    """What was answered, as the store keeps it: choices by their text and their position as
    shown (1 is the first), each blank's text, a flashcard's self-grade, the typed text."""
    if isinstance(response, int):
        return {"grade": response}
    if question.type == "match":
        assert isinstance(response, tuple)
        chosen = zip(question.pairs, response, strict=True)
        return {"pairs": [{"left": left, "right": right} for (left, _), right in chosen]}
    if isinstance(response, tuple):
        return {"blanks": list(response)}
    if isinstance(response, frozenset) or question.type == "choice":
        picked = response if isinstance(response, frozenset) else {response}
        return {
            "picked": [
                {"text": text, "position": n} for n, text in enumerate(shown, 1) if text in picked
            ]
        }
    return {"text": response}
