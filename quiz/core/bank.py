"""The question bank: what a bank is once loaded, independent of YAML and of the UI."""

from __future__ import annotations

import gc
import hashlib
import os
import re
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, overload

MAX_FILE_BYTES = 64 * 1024 * 1024

QuestionType = Literal["choice", "multi", "truefalse", "short", "cloze", "card", "numeric", "match"]
QUESTION_TYPES: tuple[QuestionType, ...] = (
    "choice",
    "multi",
    "truefalse",
    "short",
    "cloze",
    "card",
    "numeric",
    "match",
)

# A cloze blank: {{answer}} or {{answer|alternative|...}}.
BLANK = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Question:
    """One question. `answers` holds what counts as right, by type:

    choice: the one right choice; multi: every right choice; truefalse: "true" or "false";
    short: the expected text, then the other accepted answers; card: the back of the card;
    cloze: nothing (see `blanks`, one tuple of accepted answers per blank); numeric: each
    accepted value as written ("1822 ± 2", "3.141 to 3.142"), whose bounds are `ranges`;
    match: nothing (see `pairs`, each left item with its right one, in the bank's order).
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
    line: int = 0  # where the question starts in its file (1-based; 0: unknown)
    column: int = 0
    lint_ignore: tuple[str, ...] = ()  # lint rules switched off for this question
    ranges: tuple[tuple[float, float], ...] = ()  # numeric: accepted (lowest, highest) values
    pairs: tuple[tuple[str, str], ...] = ()  # match: (left, right) items

    @property
    def answer_text(self) -> str:
        """The right answer as a learner should read it."""
        if self.type == "truefalse":
            return self.answers[0].capitalize()
        if self.type == "cloze":
            return " / ".join(alternatives[0] for alternatives in self.blanks)
        if self.type == "multi":
            return ", ".join(self.answers)
        if self.type == "match":
            return "; ".join(f"{left} → {right}" for left, right in self.pairs)
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
        parts += [item for pair in self.pairs for item in pair]  # nothing for other types
        return hashlib.sha256("\x1e".join(parts).encode()).hexdigest()[:16]


class Questions(Sequence[Question]):
    """A bank's questions, read a part at a time when first needed (a large bank's parse
    cache is read this way: the home screen needs only how many each topic has).

    `parts` are functions that each give the next questions in bank order; `ids` gives each
    topic's question ids, in bank order, so `len` and what each topic holds are known before
    any part is read.
    """

    def __init__(
        self, parts: Iterable[Callable[[], Sequence[Question]]], ids: dict[str, tuple[str, ...]]
    ) -> None:
        self.pending = list(parts)
        self.ids = ids
        self.loaded: list[Question] = []
        self.total = sum(map(len, ids.values()))
        # The app reads parts between frames while a worker thread may need them all.
        self.lock = threading.Lock()

    def load_next(self) -> bool:
        """Read the next part; False when every part has been read."""
        with self.lock:
            if not self.pending:
                return False
            self.loaded.extend(self.pending[0]())
            del self.pending[0]
            return True

    def _all(self) -> list[Question]:
        while self.load_next():
            pass
        return self.loaded

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> Question: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Question]: ...
    def __getitem__(self, index: int | slice) -> Question | Sequence[Question]:
        return self._all()[index]

    def __iter__(self) -> Iterator[Question]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Bank:
    """A loaded, validated question bank."""

    path: Path
    title: str
    questions: Sequence[Question]
    topics: dict[str, str] = field(default_factory=dict)  # topic id -> display name, in order
    description: str = ""
    source: str = ""
    lint_ignore: tuple[str, ...] = ()  # lint rules switched off for the whole bank
    id: str | None = None  # the bank's stable identity, if its author gave one
    # Lookups built on first use: a bank never changes once loaded.
    _lookups: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def key(self) -> str:
        """What the bank's progress is kept under: its id, or else its title."""
        return self.id or self.title

    def topic_name(self, topic: str) -> str:
        return self.topics.get(topic, topic)

    def by_id(self) -> Mapping[str, Question]:
        found: Mapping[str, Question] | None = self._lookups.get("by_id")
        if found is None:
            found = self._lookups["by_id"] = {q.id: q for q in self.questions}
        return found

    def by_topic(self) -> Mapping[str, tuple[Question, ...]]:
        """Each topic's questions, in bank order."""
        found: Mapping[str, tuple[Question, ...]] | None = self._lookups.get("by_topic")
        if found is None:
            groups: dict[str, list[Question]] = {topic: [] for topic in self.topics}
            for q in self.questions:
                groups[q.topic].append(q)
            found = self._lookups["by_topic"] = {t: tuple(qs) for t, qs in groups.items()}
        return found

    def count_by_type(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(QUESTION_TYPES, 0)
        for q in self.questions:
            counts[q.type] += 1
        return counts

    def ids_by_topic(self) -> Mapping[str, tuple[str, ...]]:
        """Each topic's question ids, in bank order (known without reading a lazy bank's
        questions)."""
        found: Mapping[str, tuple[str, ...]] | None = self._lookups.get("ids")
        if found is None:
            if isinstance(self.questions, Questions):
                found = dict.fromkeys(self.topics, ()) | self.questions.ids
            else:
                found = {t: tuple(q.id for q in qs) for t, qs in self.by_topic().items()}
            self._lookups["ids"] = found
        return found

    def count_by_topic(self) -> Mapping[str, int]:
        """How many questions each topic has."""
        return {topic: len(ids) for topic, ids in self.ids_by_topic().items()}


@dataclass(frozen=True, slots=True)
class BankError:
    """One problem in a bank file, with where it is."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        # A file name is text from outside too: it must not reach the terminal as a command.
        return printable(f"{self.path}:{self.line}:{self.column}: {self.message}")


class BankErrors(Exception):
    """A bank file that cannot be used, with every problem found in it, sorted by position."""

    def __init__(self, errors: Iterable[BankError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.line, e.column))
        super().__init__("\n".join(map(str, self.errors)))


def read_bank_bytes(path: Path) -> bytes:
    """The raw bytes of a bank file, refusing what is not a regular file (a FIFO would hang,
    /dev/zero never ends) and files too large to be a bank; never reads past the limit."""
    # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise BankErrors([BankError(str(path), 1, 1, "not a regular file; give a bank file")])
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        limit = (
            f"{MAX_FILE_BYTES // 2**20} MiB"
            if MAX_FILE_BYTES >= 2**20
            else f"{MAX_FILE_BYTES} bytes"
        )
        message = f"the file is too large: a bank may be at most {limit}"
        raise BankErrors([BankError(str(path), 1, 1, message)])
    return data


# Control characters (C0 but tab and newline, DEL, C1) and bidirectional overrides: text from
# outside (a bank, a file name, a profile name) must never move the cursor, recolour or retitle
# the terminal, or reorder what is read.
_UNSAFE: dict[int, str | None] = {
    c: None for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if c not in (0x09, 0x0A)
}
_UNSAFE |= {
    c: None for c in [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
}
_UNSAFE[0x09] = " "
_UNSAFE_LINE = _UNSAFE | {0x0A: " "}
# Finding none is done in C, where translating looks up every character: most text has none.
_ANY_UNSAFE = re.compile("[" + "".join(map(chr, _UNSAFE)) + "]")
_ANY_UNSAFE_LINE = re.compile("[" + "".join(map(chr, _UNSAFE_LINE)) + "]")


def safe_text(text: str) -> str:
    """Text with terminal control codes and bidi overrides removed (newlines kept)."""
    return text.translate(_UNSAFE) if _ANY_UNSAFE.search(text) else text


def printable(text: str) -> str:
    """`safe_text` for a one-line message: a newline in a name cannot forge a second line."""
    return text.translate(_UNSAFE_LINE) if _ANY_UNSAFE_LINE.search(text) else text


@contextmanager
def paused_gc() -> Iterator[None]:
    """Building a large bank makes many objects and no cycles: the collector only slows it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    return Path(__file__).resolve().parents[2] / "questions.yaml"  # a source checkout
