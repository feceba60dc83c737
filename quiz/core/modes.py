"""Which questions each way of studying asks, and in what order.

- practice: a shuffled draw from the chosen topics.
- review: spaced repetition; only the cards that are due (new cards count as due).
- drill: mostly the weakest topics, and within them the questions missed most often.
- exam: a fixed set of questions in an order fixed by the seed, so a class can sit the same
  one; flashcards are left out.
- mistakes: the questions last answered wrong, most recent first.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

from quiz.core.bank import Bank, Question
from quiz.core.scheduling import Cards, TopicRecall
from quiz.store.api import QuestionStats, TopicStats

MODES = ("practice", "review", "drill", "exam", "mistakes")
DEFAULT_COUNT = {"practice": 10, "review": 20, "drill": 10, "exam": 20, "mistakes": 20}
UNKNOWN_MASTERY = 0.5  # a topic never studied is neither weak nor strong


def pool(bank: Bank, topics: Iterable[str]) -> list[Question]:
    chosen = set(topics) or set(bank.topics)
    return [q for q in bank.questions if q.topic in chosen]


def practice(bank: Bank, topics: Iterable[str], rng: random.Random, count: int) -> list[Question]:
    questions = pool(bank, topics)
    rng.shuffle(questions)
    return questions[:count]


def exam_pool(bank: Bank, topics: Iterable[str]) -> tuple[list[Question], int]:
    """The questions an exam may ask, and how many flashcards it leaves out: they are graded
    by the learner, and flipping one shows its answer."""
    chosen = pool(bank, topics)
    asked = [q for q in chosen if q.type != "card"]
    return asked, len(chosen) - len(asked)


def exam(bank: Bank, topics: Iterable[str], seed: int, count: int) -> list[Question]:
    """The same seed gives the same questions in the same order, whoever sits the exam."""
    questions, _ = exam_pool(bank, topics)
    return random.Random(seed).sample(questions, min(count, len(questions)))


def cards_left_out(cards: int) -> str:
    return f"{cards} flashcard{'s are' if cards != 1 else ' is'} not asked in exams"


def exam_notice(bank: Bank, topics: Iterable[str], asked: int, given: int) -> str | None:
    """What to tell the learner when an exam has fewer questions than asked for, or leaves
    flashcards out: "8 questions (20 asked for): 2 flashcards are not asked in exams"."""
    _, cards = exam_pool(bank, topics)
    if given >= asked and not cards:
        return None
    text = f"{given} question{'s' * (given != 1)}"
    if given < asked:
        text += f" ({asked} asked for)"
    if cards:
        text += f": {cards_left_out(cards)}"
    return text


def review(
    bank: Bank, topics: Iterable[str], cards: Cards, now: float, count: int
) -> list[Question]:
    return cards.due_questions(pool(bank, topics), now)[:count]


def mistakes(
    bank: Bank, topics: Iterable[str], stats: Mapping[str, QuestionStats], count: int
) -> list[Question]:
    """Answered wrong at some point and not right since: the latest answer was wrong."""
    missed = [q for q in pool(bank, topics) if q.id in stats and not stats[q.id].last_correct]
    missed.sort(key=lambda q: stats[q.id].last_at, reverse=True)
    return missed[:count]


def mastery(summary: Iterable[TopicStats], recall: Mapping[str, TopicRecall]) -> dict[str, float]:
    """Per topic, 0 to 1: the mean of recent accuracy and predicted recall, where known."""
    result = {}
    for stats in summary:
        signals = [
            value
            for value in (
                stats.recent_accuracy,
                recall[stats.topic].recall if stats.topic in recall else None,
            )
            if value is not None
        ]
        result[stats.topic] = sum(signals) / len(signals) if signals else UNKNOWN_MASTERY
    return result


def weakest(
    summary: Iterable[TopicStats], mastery_by_topic: Mapping[str, float], limit: int = 2
) -> list[str]:
    """The studied topics with the lowest mastery, weakest first."""
    studied = [s.topic for s in summary if s.attempts]
    return sorted(studied, key=lambda t: mastery_by_topic[t])[:limit]


def drill(
    bank: Bank,
    topics: Iterable[str],
    rng: random.Random,
    count: int,
    mastery_by_topic: Mapping[str, float],
    stats: Mapping[str, QuestionStats],
) -> list[Question]:
    """Draw topics in proportion to their weakness squared, then each topic's most-missed
    questions first (ties broken at random)."""
    remaining: dict[str, list[Question]] = {}
    for q in pool(bank, topics):
        remaining.setdefault(q.topic, []).append(q)
    for questions in remaining.values():
        rng.shuffle(questions)
        questions.sort(key=lambda q: stats[q.id].wrong if q.id in stats else 0)  # most missed last
    chosen: list[Question] = []
    while len(chosen) < count and remaining:
        names = list(remaining)
        weights = [0.02 + (1 - mastery_by_topic.get(t, UNKNOWN_MASTERY)) ** 2 for t in names]
        topic = rng.choices(names, weights)[0]
        chosen.append(remaining[topic].pop())
        if not remaining[topic]:
            del remaining[topic]
    return chosen
