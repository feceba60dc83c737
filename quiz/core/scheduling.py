"""Spaced repetition through the `fsrs` package: each question is a card per profile.

quiz never schedules anything itself: it turns an answer into an FSRS rating, hands the card
to `fsrs.Scheduler`, and keeps the card the scheduler returns.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler

from quiz.core.bank import Bank, Question
from quiz.store.api import Curve, TopicCards

DEFAULT_RETENTION = 0.9
SLOW, FAST = 1.5, 0.6  # answer time over the expected time, beyond which right is Hard / Easy


def make_scheduler(retention: float = DEFAULT_RETENTION, *, fuzz: bool = True) -> Scheduler:
    return Scheduler(desired_retention=retention, enable_fuzzing=fuzz)


def when(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def expected_seconds(question: Question) -> float:
    """How long a typical reader takes: reading the question and choices, then answering."""
    reading = len(question.prompt) + sum(len(c) for c in question.choices)
    typing = len(question.answer_text) if question.type in ("short", "cloze") else 0
    return 3.0 + reading / 25 + typing / 4


def personal_pace(paces: Iterable[tuple[str, float]], bank: Bank) -> float:
    """This person's usual speed: the median of their time over the expected time (1 = typical).

    Calibrated on their own recent right answers; 1.0 until there are at least five.
    """
    questions = bank.by_id()
    ratios = [
        seconds / expected_seconds(questions[qid]) for qid, seconds in paces if qid in questions
    ]
    return statistics.median(ratios) if len(ratios) >= 5 else 1.0


def rating(
    question: Question, correct: bool, seconds: float, pace: float, card_grade: int | None = None
) -> Rating:
    """Wrong is Again; right is Good, or Hard when slow and Easy when fast for this person.

    A flashcard's rating is the learner's own grade.
    """
    if card_grade is not None:
        return Rating(card_grade)
    if not correct:
        return Rating.Again
    relative = seconds / (expected_seconds(question) * pace)
    if relative > SLOW:
        return Rating.Hard
    if relative < FAST:
        return Rating.Easy
    return Rating.Good


def curve(scheduler: Scheduler) -> Curve:
    """The scheduler's forgetting curve, as the store computes recall with it: FSRS-6's
    power curve, whose decay is the last of its parameters."""
    decay = -float(scheduler.parameters[20])
    return 0.9 ** (1 / decay) - 1, decay


@dataclass(frozen=True, slots=True)
class TopicRecall:
    """A topic's cards as Anki counts them, and how well they are likely remembered now."""

    new: int  # questions without a card yet
    learning: int  # cards in (re)learning that are due now
    review: int  # cards in review that are due now
    recall: float | None  # mean predicted recall, None until a question is reviewed or missed

    @property
    def due(self) -> int:
        """Everything a review session would ask now: new cards count as due."""
        return self.new + self.learning + self.review

    @classmethod
    def counted(cls, questions: int, cards: TopicCards) -> TopicRecall:
        """A topic of `questions` questions whose cards the store counted.

        A reviewed question last answered wrong counts as recall 0 (the store sees to it):
        right after a review the scheduler predicts 100% recall even when the answer was
        Again, and a practice answer does not touch the card at all. Questions never
        reviewed have no prediction and stay out of the mean, right or wrong alike
        (counting only the wrong ones would show 0% for a topic practised 9 times out of 10
        right).
        """
        recall = cards.recall / cards.recalled if cards.recalled else None
        return cls(max(0, questions - cards.cards), cards.learning, cards.review, recall)


class Cards:
    """A profile's cards for one bank, loaded from the store's JSON."""

    def __init__(self, stored: Mapping[str, str], scheduler: Scheduler) -> None:
        """`stored` is each card's JSON; one that does not read as a card is left out and
        counted in `damaged`, so one bad row never stops review."""
        self.scheduler = scheduler
        self.cards: dict[str, Card] = {}
        self.damaged = 0
        for qid, text in stored.items():
            try:
                self.cards[qid] = Card.from_json(text)
            except (ValueError, TypeError, KeyError, AttributeError):
                self.damaged += 1

    def card(self, question: Question) -> Card:
        return self.cards.get(question.id) or Card()

    def review(self, question: Question, grade: Rating, at: float) -> tuple[str, float]:
        """Review a card; return the new card as (JSON, due time) for the store."""
        card, _ = self.scheduler.review_card(self.card(question), grade, review_datetime=when(at))
        self.cards[question.id] = card
        return card.to_json(), card.due.timestamp()

    def put_back(self, question: Question, card: Card | None) -> None:
        """Restore a card as it was before a review (None: it had never been reviewed)."""
        if card is None:
            self.cards.pop(question.id, None)
        else:
            self.cards[question.id] = card
