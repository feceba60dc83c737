"""A profile's progress in a bank, per topic: read from the store a few topics at a time (the
ones on screen first), and kept until a session changes it.

Each read costs what its topics hold, never the whole bank or the whole history: the scores
come from the store's per-topic summary, the cards are counted and their recall predicted by
the store, through an index on the topic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fsrs import Scheduler

from quiz.core.scheduling import TopicRecall, curve
from quiz.core.study import Study
from quiz.store.api import TopicCards, TopicStats


@dataclass(frozen=True, slots=True)
class Reading:
    """What the store said about some topics, at one moment."""

    stats: list[TopicStats]
    cards: dict[str, TopicCards]


class Progress:
    """The scores, known questions and cards of each topic read so far."""

    def __init__(self, study: Study, scheduler: Scheduler) -> None:
        self.study = study
        self.curve = curve(scheduler)
        self.stats: dict[str, TopicStats] = {}
        self.known: dict[str, int] = {}
        self.recall: dict[str, TopicRecall] = {}

    def missing(self, topics: Iterable[str]) -> list[str]:
        """Those of `topics` not read yet (all of the bank's when `topics` is empty)."""
        return [t for t in (topics or self.study.bank.topics) if t not in self.stats]

    @property
    def complete(self) -> bool:
        return len(self.stats) == len(self.study.bank.topics)

    def read(self, topics: Sequence[str]) -> Reading:
        """Ask the store about these topics. Reads only, so it may run in a worker thread;
        `keep` then takes the reading in. A store that fails raises StoreError."""
        study = self.study
        store, now = study.store, study.store.clock()
        stats = store.topic_summary(study.profile, study.key, topics)
        ids = study.bank.ids_by_topic()
        asked = {topic: ids[topic] for topic in topics}
        return Reading(stats, store.topic_cards(study.profile, study.key, asked, now, self.curve))

    def keep(self, reading: Reading) -> None:
        sizes = self.study.bank.count_by_topic()
        for stats in reading.stats:
            cards = reading.cards.get(stats.topic, TopicCards())
            self.stats[stats.topic] = stats
            self.known[stats.topic] = cards.known
            self.recall[stats.topic] = TopicRecall.counted(sizes[stats.topic], cards)

    def load(self, topics: Iterable[str] = ()) -> None:
        """Read the topics not read yet (all of them when `topics` is empty)."""
        missing = self.missing(topics)
        if missing:
            self.keep(self.read(missing))

    def blank(self, topics: Iterable[str]) -> None:
        """Those of `topics` not read yet, as if never studied (their scores cannot be read)."""
        self.keep(Reading([TopicStats(t) for t in self.missing(topics)], {}))
