"""The question bank: what a bank is once loaded, independent of YAML and of the UI."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

QuestionType = Literal["choice", "multi", "truefalse", "short", "cloze", "card"]
QUESTION_TYPES: tuple[QuestionType, ...] = (
    "choice",
    "multi",
    "truefalse",
    "short",
    "cloze",
    "card",
)

# A cloze blank: {{answer}} or {{answer|alternative|...}}.
BLANK = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Question:
    """One question. `answers` holds what counts as right, by type:

    choice: the one right choice; multi: every right choice; truefalse: "true" or "false";
    short: the expected text, then the other accepted answers; card: the back of the card;
    cloze: nothing (see `blanks`, one tuple of accepted answers per blank).
    """

    id: str
    topic: str
    type: QuestionType
    prompt: str
    answers: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    blanks: tuple[tuple[str, ...], ...] = ()
    explanation: str = ""
    ref: str = ""
    tags: tuple[str, ...] = ()
    shuffle: bool = True

    @property
    def answer_text(self) -> str:
        """The right answer as a learner should read it."""
        if self.type == "truefalse":
            return self.answers[0].capitalize()
        if self.type == "cloze":
            return " / ".join(alternatives[0] for alternatives in self.blanks)
        if self.type == "multi":
            return ", ".join(self.answers)
        return self.answers[0]

    @property
    def display_prompt(self) -> str:
        """The prompt with each cloze blank shown as a numbered gap."""
        if self.type != "cloze":
            return self.prompt
        counter = iter(range(1, len(self.blanks) + 1))
        return BLANK.sub(lambda _: f"____({next(counter)})", self.prompt)

    @property
    def content_hash(self) -> str:
        """A short fingerprint of what the question asks and accepts, to notice later edits."""
        parts = [self.type, self.prompt, *self.choices, "\x1f", *self.answers]
        return hashlib.sha256("\x1e".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Bank:
    """A loaded, validated question bank."""

    path: Path
    title: str
    questions: tuple[Question, ...]
    topics: dict[str, str] = field(default_factory=dict)  # topic id -> display name, in order
    description: str = ""
    source: str = ""

    def topic_name(self, topic: str) -> str:
        return self.topics.get(topic, topic)

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def count_by_type(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(QUESTION_TYPES, 0)
        for q in self.questions:
            counts[q.type] += 1
        return counts

    def count_by_topic(self) -> dict[str, int]:
        counts = dict.fromkeys(self.topics, 0)
        for q in self.questions:
            counts[q.topic] += 1
        return counts


def parse_blanks(prompt: str) -> tuple[tuple[str, ...], ...]:
    """The accepted answers of each `{{...}}` blank in a cloze prompt."""
    return tuple(
        tuple(alt.strip() for alt in match.group(1).split("|")) for match in BLANK.finditer(prompt)
    )


def shipped_bank_path() -> Path:
    """The bank about generative AI and LLMs that ships with quiz."""
    packaged = Path(str(resources.files("quiz"))) / "data" / "questions.yaml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "questions.yaml"  # a source checkout
