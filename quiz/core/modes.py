"""Which questions each way of studying asks, and in what order.

- practice: a shuffled draw from the chosen topics.
- review: spaced repetition; only the cards that are due (new cards count as due).
- drill: mostly the weakest topics, and within them the questions missed most often.
- exam: a fixed set of questions in an order fixed by the seed, so a class can sit the same
  one; flashcards are left out.
- mistakes: the questions last answered wrong, most recent first.

Each mode is described once, in `MODES`; the command line, the app, its help and the session
take from its record what they need.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from fsrs import Scheduler

from quiz.core.bank import Bank, Question
from quiz.core.progress import Progress
from quiz.core.scheduling import Cards, TopicRecall, personal_pace
from quiz.core.study import Study
from quiz.store.api import QuestionStats, TopicStats

UNKNOWN_MASTERY = 0.5  # a topic never studied is neither weak nor strong
NEW_BATCH = 500  # questions asked about at once when review looks for new ones


def pool(bank: Bank, topics: Iterable[str]) -> list[Question]:
    """The questions of these topics (none: all), in bank order."""
    chosen = set(topics)
    if not chosen or chosen >= bank.topics.keys():
        return list(bank.questions)
    return [q for q in bank.questions if q.topic in chosen]


def practice(bank: Bank, topics: Iterable[str], rng: random.Random, count: int) -> list[Question]:
    questions = pool(bank, topics)
    return rng.sample(questions, min(count, len(questions)))  # not a shuffle of them all


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


def in_bank(
    bank: Bank, topics: Sequence[str], page: Callable[[int, int], Sequence[str]], count: int
) -> list[Question]:
    """The first `count` questions that `page(limit, skip)` lists, in its order, leaving out
    those no longer in the bank or in another topic now. Reads a page at a time."""
    questions, chosen = bank.by_id(), set(topics)
    found: list[Question] = []
    skip = 0
    while len(found) < count:
        ids = page(count, skip)
        for qid in ids:
            q = questions.get(qid)
            if q is not None and (not chosen or q.topic in chosen) and len(found) < count:
                found.append(q)
        if len(ids) < count:
            break
        skip += len(ids)
    return found


def review(draw: Draw) -> list[Question]:
    """The due cards, most overdue first, then new questions (no card yet) in bank order.
    Only those cards are read."""
    study, topics, count = draw.study, draw.topics, draw.count
    store, profile, key = study.store, study.profile, study.key
    stored: dict[str, str] = {}

    def due(limit: int, skip: int) -> list[str]:
        page = store.due_cards(profile, key, topics, draw.now, limit, skip)
        stored.update(page)
        return [qid for qid, _ in page]

    chosen = in_bank(draw.bank, topics, due, count)
    questions = pool(draw.bank, topics)
    for start in range(0, len(questions), NEW_BATCH):
        if len(chosen) >= count:
            break
        batch = questions[start : start + NEW_BATCH]
        carded = store.carded(profile, key, [q.id for q in batch])
        chosen += [q for q in batch if q.id not in carded][: count - len(chosen)]
    draw.loaded_cards = Cards(
        {q.id: stored[q.id] for q in chosen if q.id in stored}, draw.scheduler
    )
    return chosen


def mistakes(draw: Draw) -> list[Question]:
    """Answered wrong at some point and not right since (the latest answer was wrong), the
    most recent first."""
    study = draw.study

    def missed(limit: int, skip: int) -> list[str]:
        return study.store.missed(study.profile, study.key, draw.topics, limit, skip)

    return in_bank(draw.bank, draw.topics, missed, draw.count)


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
    stats: Callable[[str], Mapping[str, QuestionStats]],
) -> list[Question]:
    """Draw topics in proportion to their weakness squared, then each topic's most-missed
    questions first (ties broken at random). `stats(topic)` gives a topic's question stats;
    it is asked only for the topics drawn."""
    groups = bank.by_topic()
    names = [t for t in (topics or bank.topics) if groups[t]]
    weights = [0.02 + (1 - mastery_by_topic.get(t, UNKNOWN_MASTERY)) ** 2 for t in names]
    remaining: dict[str, list[Question]] = {}  # the topics drawn so far, most missed last
    chosen: list[Question] = []
    while len(chosen) < count and names:
        i = rng.choices(range(len(names)), weights)[0]
        topic = names[i]
        if topic not in remaining:
            seen = stats(topic)
            questions = remaining[topic] = list(groups[topic])
            rng.shuffle(questions)
            questions.sort(key=lambda q: seen[q.id].wrong if q.id in seen else 0)
        chosen.append(remaining[topic].pop())
        if not remaining[topic]:
            del names[i], weights[i]
    return chosen


# --- the modes, one record each -------------------------------------------------------------


class Draw:
    """What a mode draws a session's questions from: the study, the topics (none: all), how
    many, and the session's seed and random numbers. The learner's progress is read from the
    store only when a mode asks for it, once; a read that fails raises StoreError."""

    def __init__(
        self,
        study: Study,
        topics: tuple[str, ...],
        count: int,
        seed: int,
        rng: random.Random,
        scheduler: Scheduler,
        progress: Progress | None = None,
    ) -> None:
        """`progress`: the topics' scores read already (the home screen's), if any."""
        self.study = study
        self.bank = study.bank
        self.topics = topics
        self.count = count
        self.seed = seed
        self.rng = rng
        self.scheduler = scheduler
        self.progress = progress or Progress(study, scheduler)
        self.loaded_cards: Cards | None = None  # the review cards, once a mode has read them

    @property
    def cards(self) -> Cards:
        """The review cards of the questions drawn (review reads them as it draws)."""
        if self.loaded_cards is None:
            self.loaded_cards = Cards({}, self.scheduler)
        return self.loaded_cards

    @cached_property
    def now(self) -> float:
        return self.study.store.clock()

    def stats(self, topic: str) -> dict[str, QuestionStats]:
        """Per question of the topic answered at least once: attempts, misses, the latest."""
        return self.study.store.question_stats(self.study.profile, self.study.key, (topic,))

    def pace(self) -> float:
        """The learner's usual speed, which a review's ratings take into account."""
        study = self.study
        return personal_pace(study.store.paces(study.profile, study.key), self.bank)


@dataclass(frozen=True, slots=True)
class Unfinished:
    """What Escape asks before it ends a session of a mode with questions left:
    "End the exam? 3 questions unanswered — y/N", then `detail`."""

    thing: str  # what is left, one of them: "question"
    state: str  # what they are then: "unanswered"
    detail: str  # what becomes of them

    def question(self, mode: str, left: int) -> str:
        return f"End the {mode}? {left} {self.thing}{'s' * (left != 1)} {self.state} — y/N"


@dataclass(frozen=True, slots=True)
class Mode:
    """One way of studying: how it is started, what it says, how it picks its questions and
    how its sessions behave."""

    name: str  # typed after --mode, and kept in the store with each session
    key: str  # the home screen's key for it
    count: int  # questions per session unless told otherwise
    help: str  # one line: the command palette
    key_help: str  # the help screen's line for its key, after "name: "
    cli_help: str  # `quiz --help`; may run over lines; {count} is the default count
    empty: str  # said when it has nothing to ask
    pick: Callable[[Draw], list[Question]]  # the session's questions, in order
    feedback: bool = True  # each answer judged at once; False: the verdicts at the end
    moves_cards: bool = False  # each answer moves the question's review card on
    setup: bool = False  # a dialog asks for its settings before it starts (the exam's)
    timed: bool = False  # the time limit applies to it
    in_header: bool = True  # the question screen names it (not practice, the plain default)
    unfinished: Unfinished | None = None  # Escape asks first, saying this; None: it does not
    notice: Callable[[Draw, list[Question]], str | None] | None = None  # said as it starts

    @property
    def title(self) -> str:
        return self.name.capitalize()

    @property
    def key_display(self) -> str:
        """The key as help texts name it: "Enter", "r"."""
        return self.key.capitalize() if len(self.key) > 1 else self.key


def _drill(draw: Draw) -> list[Question]:
    progress = draw.progress
    progress.load(draw.topics)
    summary = [progress.stats[t] for t in (draw.topics or draw.bank.topics)]
    mastery_by_topic = mastery(summary, progress.recall)
    return drill(draw.bank, draw.topics, draw.rng, draw.count, mastery_by_topic, draw.stats)


def _exam_notice(draw: Draw, questions: list[Question]) -> str | None:
    return exam_notice(draw.bank, draw.topics, draw.count, len(questions))


NOTHING_IN_TOPICS = "No questions in the chosen topics."

MODES: dict[str, Mode] = {
    mode.name: mode
    for mode in (
        Mode(
            "practice",
            key="enter",
            count=10,
            help="Shuffled questions from the chosen topics, with feedback after each",
            key_help="shuffled questions, feedback after each",
            cli_help="shuffled questions from the chosen topics, feedback after each",
            empty=NOTHING_IN_TOPICS,
            pick=lambda d: practice(d.bank, d.topics, d.rng, d.count),
            in_header=False,
        ),
        Mode(
            "review",
            key="r",
            count=20,
            help="Spaced repetition: the cards that are due today",
            key_help="spaced repetition, the cards due now",
            cli_help="spaced repetition (FSRS): only the cards that are due",
            empty="Nothing is due for review. Come back later, or practise.",
            pick=review,
            moves_cards=True,
            unfinished=Unfinished(
                "card", "not reviewed", "They stay due; your answers so far are saved."
            ),
        ),
        Mode(
            "drill",
            key="d",
            count=10,
            help="Mostly your weakest topics and most-missed questions",
            key_help="mostly weak topics, most-missed questions first",
            cli_help="mostly your weakest topics and most-missed questions",
            empty=NOTHING_IN_TOPICS,
            pick=_drill,
        ),
        Mode(
            "exam",
            key="e",
            count=20,
            help="A fixed set in an order fixed by the seed; verdicts at the end",
            key_help="choose questions, time limit and seed, then start",
            cli_help="N questions (default {count}) in an order fixed by --seed; optional "
            "--time;\nverdicts and a full report at the end; schedules are left alone",
            empty=NOTHING_IN_TOPICS,
            pick=lambda d: exam(d.bank, d.topics, d.seed, d.count),
            feedback=False,
            setup=True,
            timed=True,
            unfinished=Unfinished("question", "unanswered", "Unanswered questions count as wrong."),
            notice=_exam_notice,
        ),
        Mode(
            "mistakes",
            key="m",
            count=20,
            help="The questions you last got wrong, most recent first",
            key_help="the questions you last got wrong",
            cli_help="the questions you last got wrong, most recent first",
            empty="No mistakes to review: every question you missed, you have since got right.",
            pick=mistakes,
        ),
    )
}
