"""The rules of a question bank, whatever format it is written in.

A format's reader turns its file into a draft: a `DraftBank` of `DraftQuestion`s whose
field values are still as the author wrote them (text, a list, a mapping) and `Located` where
they were written. `build_bank` checks a draft against every rule and returns the `Bank`, or
raises `BankErrors` with every problem as `PATH:LINE:COLUMN: message`. Plain Python: no YAML.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, fields
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Generic, TypeAlias, TypeVar

from quiz.core.bank import (
    BLANK,
    QUESTION_TYPES,
    Bank,
    BankError,
    BankErrors,
    Question,
    QuestionType,
    parse_blanks,
    safe_text,
)
from quiz.core.grading import parse_number

MAX_TEXT_CHARS = 20_000
MIN_CHOICES, MAX_CHOICES = 2, 9
MAX_BLANKS = 20  # one box per blank: a screen of them is the most a learner can fill
MAX_BANK_ID_CHARS = 64
BANK_ID = re.compile(r"[A-Za-z0-9._-]+")

_COMMA_IN_TOPIC = "a topic id cannot contain ',' (commas separate the topics of --topics)"
_CHOICE_TYPES: tuple[QuestionType, ...] = ("choice", "multi")
_TYPES: dict[str, QuestionType] = {kind: kind for kind in QUESTION_TYPES}

T_co = TypeVar("T_co", covariant=True)


@dataclass(slots=True)  # not frozen: a bank has one per value, and frozen ones are made slower
class Located(Generic[T_co]):
    """A value with where it starts in its file (1-based), for errors that point at it."""

    value: T_co
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Null:
    """A value written as nothing (YAML's `~`, `null` or an empty value): empty text to the
    rules, kept as `written` for messages that quote a name."""

    written: str = ""


@dataclass(frozen=True, slots=True)
class Pairs:
    """A mapping as written: its (key, value) entries in order, repeated keys included."""

    entries: tuple[tuple[Located[Value], Located[Value]], ...] = ()


# A field's value as written: text, nothing, a list, or a mapping.
Value: TypeAlias = str | Null | tuple["Located[Value]", ...] | Pairs
Field: TypeAlias = "Located[Value] | None"  # None: the field is not given


@dataclass(frozen=True, slots=True)
class DraftQuestion:
    """A question's fields as written; what each must hold is in the README's bank format.

    `lint` is a mapping such as {ignore: [rule-id]}. The order of the fields is the order
    in which "did you mean" hints prefer them.
    """

    id: Field = None
    topic: Field = None
    type: Field = None
    prompt: Field = None
    choices: Field = None
    answer: Field = None
    accept: Field = None
    tolerance: Field = None  # numeric: how far from `answer` still counts
    range: Field = None  # numeric: [lowest, highest], instead of `answer`
    pairs: Field = None  # match: a list of `left: right`
    explanation: Field = None
    ref: Field = None
    tags: Field = None
    shuffle: Field = None
    lint: Field = None


QUESTION_FIELDS = tuple(field.name for field in fields(DraftQuestion))


@dataclass(frozen=True, slots=True)
class DraftBank:
    """A bank's fields as written. Each question is a `DraftQuestion`, or a value that should
    have been one (the rules say what is wrong with it)."""

    title: Field = None
    id: Field = None
    description: Field = None
    source: Field = None
    topics: Field = None  # a mapping: topic id -> display name
    questions: Located[tuple[Located[DraftQuestion | Value], ...]] | None = None
    lint: Field = None


@dataclass(frozen=True, slots=True)
class FormatWarning:
    """Something in a file that quiz cannot carry (an essay, per-answer feedback, HTML),
    and where it is: said, never dropped silently."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return safe_text(f"{self.path}:{self.line}:{self.column}: warning: {self.message}")


PLUS_MINUS, UP_TO = " ± ", " to "  # how a numeric question's accepted values are written


def accepted_fields(written: str) -> dict[str, str] | list[str]:
    """An accepted value as `BankChecker.numeric` writes it ("1822 ± 2", "3.141 to 3.142",
    "7") back as bank fields: {answer, tolerance}, [lowest, highest] or {answer}."""
    if UP_TO in written:
        low, high = written.split(UP_TO, 1)
        return [low, high]
    if PLUS_MINUS in written:
        value, tolerance = written.split(PLUS_MINUS, 1)
        return {"answer": value, "tolerance": tolerance}
    return {"answer": written}


def decode_text(path: Path, data: bytes) -> str:
    """A text file's bytes as text (a byte order mark dropped), or `BankErrors` saying on
    which line it stops being UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BankErrors([BankError(str(path), line, 1, "the file is not UTF-8 text")]) from None


def looks_like_html(text: str) -> bool:
    """Whether text holds a tag or an entity (and so is HTML to make plain)."""
    return bool(re.search(r"<[a-zA-Z/][^>]*>|&[a-zA-Z]+;|&#\d+;", text))


class _Text(HTMLParser):
    """The text HTML shows: what is inside a script or a style is not shown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities decoded here, once
        self.parts: list[str] = []
        self.hidden = 0

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("p", "div", "li"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1


def html_to_text(text: str) -> str:
    """HTML as the plain text it shows: tags removed, entities decoded, spaces collapsed,
    line breaks (<br>) kept."""
    parser = _Text()
    parser.feed(text)
    parser.close()
    lines = "".join(parser.parts).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines).strip()


def build_bank(
    path: Path, draft: Located[DraftBank], problems: Iterable[Located[str]] = ()
) -> Bank:
    """The bank `draft` describes, if it keeps every rule; otherwise raise `BankErrors` with
    every broken rule and every problem the format's reader already found (`problems`)."""
    return BankChecker(list(problems)).bank(path, draft)


def read_fields(
    entries: Iterable[tuple[Located[Value], Located[Value]]],
    known: Collection[str],
    what: str,
    problems: list[Located[str]],
) -> dict[str, Located[Value]]:
    """The values of a mapping's (key, value) entries by name, for a reader that finds its
    records as mappings; keys that are not names, repeated or unknown go to `problems`."""
    found: dict[str, Located[Value]] = {}
    keys: dict[str, Located[Value]] = {}
    for key, value in entries:
        name = key.value.written if isinstance(key.value, Null) else key.value
        if not isinstance(name, str):
            problems.append(_at(key, f"the keys of {what} must be plain names"))
        elif name in keys:
            first = keys[name].line
            problems.append(
                _at(key, f"duplicate key '{safe_text(name)}' (first given on line {first})")
            )
        elif name not in known:
            problems.append(
                _at(key, f"unknown field '{safe_text(name)}' in {what}{_hint(name, [*known])}")
            )
        else:
            keys[name] = key
            found[name] = value
    return found


def kind_of(value: Value) -> str:
    """What a value is, as messages name it: "text", "a list" or "a mapping"."""
    if isinstance(value, Pairs):
        return "a mapping"
    return "a list" if isinstance(value, tuple) else "text"


def _at(where: Located[object], message: str) -> Located[str]:
    return Located(message, where.line, where.column)


def _hint(word: str, options: Sequence[str]) -> str:
    """ "; did you mean 'x'?" for the closest option, if one is close (60% alike or more).

    rapidfuzz compares in C: 5,000 misspelt topics against 5,000 topics take about a second,
    where difflib took minutes, so no bank under the size limit makes validation slow.
    """
    from rapidfuzz import fuzz, process

    close = process.extractOne(word, options, scorer=fuzz.ratio, score_cutoff=60)
    return f"; did you mean '{safe_text(close[0])}'?" if close else ""


class BankChecker:
    """Checks a draft once, building the bank and collecting every broken rule in `problems`.

    A reader that streams may hand over each question as soon as it is read (`question`), so
    that its draft can be dropped; `bank` then checks the rest, and the questions it is given.
    """

    def __init__(self, problems: list[Located[str]]) -> None:
        self.problems = problems
        self.id_lines: dict[str, int] = {}  # question id -> line it was first used on
        self.built: list[Question] = []
        self.given = 0  # questions given, built or not
        # Each question's topic, checked against the bank's topics once they are known.
        self.topic_fields: list[Located[str]] = []
        # Topics and tags repeat from question to question: each text is kept once.
        self.shared: dict[str, str] = {}

    def error(self, where: Located[object], message: str) -> None:
        self.problems.append(_at(where, message))

    def text(self, field: Field, name: str, *, required: bool = False) -> str:
        """The field's text, filtered and stripped; "" if it is not given or not usable."""
        if field is None:
            return ""
        value = field.value
        if not isinstance(value, str):
            if isinstance(value, Null):
                if required:
                    self.error(field, f"'{name}' is empty")
            else:
                self.error(field, f"'{name}' must be text, not {kind_of(value)}")
            return ""
        value = safe_text(value).strip()
        if len(value) > MAX_TEXT_CHARS:
            self.error(
                field,
                f"'{name}' is {len(value):,} characters; at most {MAX_TEXT_CHARS:,} are allowed",
            )
            return ""
        if required and not value:
            self.error(field, f"'{name}' is empty")
        return value

    def texts(self, field: Field, name: str) -> tuple[str, ...]:
        """A list of text, or a single text standing for a list of one."""
        if field is None:
            return ()
        if isinstance(field.value, Pairs):
            self.error(field, f"'{name}' must be a list of text, not a mapping")
            return ()
        if not isinstance(field.value, tuple):
            single = self.text(field, name)
            return (single,) if single else ()
        items = []
        for item in field.value:
            if isinstance(item.value, tuple | Pairs):
                self.error(item, f"each of '{name}' must be text, not {kind_of(item.value)}")
                continue
            value = self.text(item, name)
            if not value:
                self.error(item, f"an item of '{name}' is empty")
            else:
                items.append(value)
        return tuple(items)

    def flag(self, field: Field, name: str, *, default: bool) -> bool:
        """`true` or `false` in any case, exactly as written; `default` if not given."""
        if field is None:
            return default
        value = field.value.lower() if isinstance(field.value, str) else None
        if value not in ("true", "false"):
            self.error(field, f"'{name}' is true or false")
            return default
        return value == "true"

    def bank(self, path: Path, draft: Located[DraftBank]) -> Bank:
        """The bank, or `BankErrors` with every problem found in the draft and before it."""
        fields = draft.value
        title = self.text(fields.title, "title", required=True)
        if fields.title is None:
            self.error(draft, "missing required field 'title'")
        bank_id = self.bank_id(fields.id)
        description = self.text(fields.description, "description")
        source = self.text(fields.source, "source")
        topics = self.topics(fields.topics)
        questions = self.questions(fields.questions, draft, topics)
        lint_ignore = self.lint(fields.lint)
        if self.problems:
            raise BankErrors(BankError(str(path), p.line, p.column, p.value) for p in self.problems)
        return Bank(
            path=path,
            title=title,
            questions=tuple(questions),
            topics=topics or {q.topic: q.topic for q in questions},
            description=description,
            source=source,
            lint_ignore=lint_ignore,
            id=bank_id,
        )

    def bank_id(self, field: Field) -> str | None:
        """The bank's stable identity, if it has one: progress is kept under it."""
        if field is None:
            return None
        bank_id = self.text(field, "id", required=True)
        if len(bank_id) > MAX_BANK_ID_CHARS:
            self.error(
                field,
                f"the bank's 'id' is {len(bank_id):,} characters; "
                f"at most {MAX_BANK_ID_CHARS} are allowed",
            )
        elif bank_id and not BANK_ID.fullmatch(bank_id):
            self.error(
                field,
                f"the bank's 'id' '{bank_id}' may hold only letters A-Z and a-z, digits, "
                "'-', '_' and '.'",
            )
        return bank_id or None

    def topics(self, field: Field) -> dict[str, str]:
        """The listed topics: display name by topic id, in the order written."""
        if field is None:
            return {}
        if not isinstance(field.value, Pairs):
            self.error(
                field, f"'topics' must map topic ids to display names, not {kind_of(field.value)}"
            )
            return {}
        topics: dict[str, str] = {}
        for key, value in field.value.entries:
            topic = self.text(key, "topic id", required=True)
            if "," in topic:
                self.error(key, _COMMA_IN_TOPIC)
            if topic in topics:
                self.error(key, f"topic '{topic}' is listed twice")
            elif topic:
                topics[topic] = self.text(value, f"topics.{topic}", required=True) or topic
        return topics

    def questions(
        self,
        field: Located[tuple[Located[DraftQuestion | Value], ...]] | None,
        bank: Located[DraftBank],
        topics: dict[str, str],
    ) -> list[Question]:
        """The questions that could be built, those given before included; at least one
        must be given."""
        if field is None:
            self.error(bank, "missing required field 'questions'")
            return []
        for item in field.value:
            self.question(item)
        if not self.given:
            self.error(field, "'questions' must be a list of at least one question")
        topic_ids = tuple(topics)  # for hints, made once
        for topic in self.topic_fields:
            self.topic(topic, topics, topic_ids)
        return self.built

    def question(self, item: Located[DraftQuestion | Value]) -> None:
        """Build the question into `built`, unless it cannot be (its type is unknown, or it
        is not a question at all); every broken rule is recorded either way."""
        self.given += 1
        fields = item.value
        if not isinstance(fields, DraftQuestion):
            self.error(item, f"a question must be a mapping of fields, not {kind_of(fields)}")
            return
        for name in ("id", "topic", "type", "prompt"):
            if getattr(fields, name) is None:
                self.error(item, f"missing required field '{name}'")
        qid = self.question_id(fields.id, item)
        topic = self.text(fields.topic, "topic", required=True)
        if topic:
            assert fields.topic is not None
            topic = self.shared.setdefault(topic, topic)
            self.topic_fields.append(Located(topic, fields.topic.line, fields.topic.column))
        qtype = self.question_type(fields.type)
        prompt = self.text(fields.prompt, "prompt", required=True)
        explanation = self.text(fields.explanation, "explanation")
        ref = self.text(fields.ref, "ref")
        tags = tuple(self.shared.setdefault(tag, tag) for tag in self.texts(fields.tags, "tags"))
        if qtype is None:
            return
        for name, field, allowed in (
            ("choices", fields.choices, _CHOICE_TYPES),
            ("shuffle", fields.shuffle, _CHOICE_TYPES),
            ("accept", fields.accept, ("short", "numeric")),
            ("tolerance", fields.tolerance, ("numeric",)),
            ("range", fields.range, ("numeric",)),
            ("pairs", fields.pairs, ("match",)),
        ):
            if field is not None and qtype not in allowed:
                self.error(field, f"'{name}' applies only to {' and '.join(allowed)} questions")
        choices = self.choices(fields.choices, item) if qtype in _CHOICE_TYPES else ()
        ranges: tuple[tuple[float, float], ...] = ()
        pairs: tuple[tuple[str, str], ...] = ()
        blanks: tuple[tuple[str, ...], ...] = ()
        if qtype == "numeric":
            answers, ranges = self.numeric(fields, item)
        elif qtype == "match":
            answers, pairs = (), self.match_pairs(fields, item)
        else:
            answers, blanks = self.answers(qtype, fields, item, choices, prompt)
        shuffle = self.flag(fields.shuffle, "shuffle", default=True)
        lint_ignore = self.lint(fields.lint)
        question = Question(
            id=qid,
            topic=topic,
            type=qtype,
            prompt=prompt,
            answers=answers,
            choices=choices,
            blanks=blanks,
            explanation=explanation,
            ref=ref,
            tags=tags,
            shuffle=shuffle,
            line=item.line,
            column=item.column,
            lint_ignore=lint_ignore,
            ranges=ranges,
            pairs=pairs,
        )
        self.built.append(question)

    def question_id(self, field: Field, question: Located[object]) -> str:
        """The question's id, unique in the bank."""
        qid = self.text(field, "id", required=True)
        if qid in self.id_lines:
            self.error(question, f"duplicate id '{qid}' (first used on line {self.id_lines[qid]})")
        elif qid:
            self.id_lines[qid] = question.line
        return qid

    def topic(self, topic: Located[str], topics: dict[str, str], ids: Sequence[str]) -> None:
        """A question's topic (as its text) must be one of `topics` if the bank lists them."""
        if topics:
            if topic.value not in topics:
                hint = _hint(topic.value, ids)
                self.error(topic, f"topic '{topic.value}' is not listed under 'topics'{hint}")
        elif "," in topic.value:
            self.error(topic, _COMMA_IN_TOPIC)

    def question_type(self, field: Field) -> QuestionType | None:
        """The question's type, or None if it is missing or unknown."""
        kind = self.text(field, "type", required=True)
        if field is None or not kind:
            return None
        if kind not in _TYPES:
            self.error(
                field,
                f"unknown type '{kind}'; use one of "
                f"{', '.join(QUESTION_TYPES)}{_hint(kind, QUESTION_TYPES)}",
            )
            return None
        return _TYPES[kind]  # the one copy of its name

    def choices(self, field: Field, question: Located[object]) -> tuple[str, ...]:
        """A choice or multi question's options: 2 to 9, each once."""
        if field is None:
            self.error(question, "missing 'choices' (a list of 2 to 9 options)")
            return ()
        choices = self.texts(field, "choices")
        if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
            self.error(field, f"'choices' has {len(choices)}; give {MIN_CHOICES} to {MAX_CHOICES}")
        seen: set[str] = set()
        for choice in choices:
            if choice in seen:
                self.error(field, f"choice '{choice}' is given twice")
            seen.add(choice)
        return choices

    def answers(
        self,
        qtype: QuestionType,
        fields: DraftQuestion,
        question: Located[object],
        choices: tuple[str, ...],
        prompt: str,
    ) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """What counts as right (see `Question.answers`), and a cloze's blanks."""
        field = fields.answer
        if qtype == "cloze":
            if field is not None:
                self.error(
                    field,
                    "a cloze question has no 'answer'; mark blanks in the prompt "
                    "as {{answer}} or {{answer|alternative}}",
                )
            return (), self.blanks(fields.prompt, prompt)
        if field is None:
            self.error(question, "missing required field 'answer'")
            return (), ()
        if qtype == "multi":
            return self.right_choices(field, choices), ()
        answer = self.text(field, "answer", required=True)
        if qtype == "choice":
            self.in_choices(field, answer, choices)
        elif qtype == "truefalse":
            answer = answer.lower()
            if answer not in ("true", "false"):
                self.error(field, f"a truefalse answer is true or false, not '{answer}'")
        elif qtype == "short":
            return (answer, *self.texts(fields.accept, "accept")), ()
        return (answer,), ()

    def numeric(
        self, fields: DraftQuestion, question: Located[object]
    ) -> tuple[tuple[str, ...], tuple[tuple[float, float], ...]]:
        """A numeric question's accepted values as written, and the range each covers: its
        `answer` (with `tolerance`) or its `range`, then each of `accept`."""
        answer, window = fields.answer, fields.range
        if answer is None and window is None:
            self.error(question, "missing 'answer' (a number) or 'range' ([lowest, highest])")
            return (), ()
        if answer is not None and window is not None:
            self.error(window, "give 'answer' or 'range', not both")
            return (), ()
        if fields.tolerance is not None and answer is None:
            self.error(fields.tolerance, "'tolerance' goes with 'answer', not with 'range'")
        if answer is not None:
            accepted = [self.value(answer, fields.tolerance, "answer")]
        else:
            assert window is not None
            accepted = [self.window(window, "range")]
        extra = fields.accept
        items = () if extra is None else extra.value if isinstance(extra.value, tuple) else (extra,)
        for item in items:
            if isinstance(item.value, Pairs):
                known = ("answer", "tolerance")
                found = read_fields(item.value.entries, known, "an accepted value", self.problems)
                if "answer" not in found:
                    self.error(item, "an accepted value needs its 'answer'")
                    continue
                accepted.append(self.value(found["answer"], found.get("tolerance"), "accept"))
            elif isinstance(item.value, tuple):
                accepted.append(self.window(item, "accept"))
            else:
                accepted.append(self.value(item, None, "accept"))
        kept = [a for a in accepted if a is not None]
        return tuple(text for text, _ in kept), tuple(bounds for _, bounds in kept)

    def number(self, field: Located[Value], name: str) -> tuple[str, float] | None:
        """A number as written and its value (a comma is refused, never misread)."""
        if isinstance(field.value, tuple | Pairs):
            self.error(field, f"'{name}' must be a number, not {kind_of(field.value)}")
            return None
        text = self.text(field, name, required=True)
        if not text:
            return None
        try:
            return text, parse_number(text)
        except ValueError as exc:
            self.error(field, f"'{name}': {exc}")
            return None

    def value(
        self, field: Located[Value], tolerance: Field, name: str
    ) -> tuple[str, tuple[float, float]] | None:
        """A value, give or take its tolerance: ("1822 ± 2", (1820.0, 1824.0))."""
        found = self.number(field, name)
        spread = self.number(tolerance, "tolerance") if tolerance is not None else ("", 0.0)
        if found is None or spread is None:
            return None
        (text, number), (written, width) = found, spread
        if width < 0:
            assert tolerance is not None
            self.error(tolerance, "'tolerance' is how far off still counts: 0 or more")
            return None
        return (f"{text}{PLUS_MINUS}{written}" if width else text), (number - width, number + width)

    def window(self, field: Located[Value], name: str) -> tuple[str, tuple[float, float]] | None:
        """[lowest, highest]: ("3.141 to 3.142", (3.141, 3.142))."""
        bounds = field.value if isinstance(field.value, tuple) else ()
        if len(bounds) != 2:
            self.error(field, f"'{name}' as a range is a list of two numbers: [lowest, highest]")
            return None
        low, high = self.number(bounds[0], name), self.number(bounds[1], name)
        if low is None or high is None:
            return None
        if low[1] > high[1]:
            self.error(field, f"the range [{low[0]}, {high[0]}] goes down: write [lowest, highest]")
            return None
        return f"{low[0]}{UP_TO}{high[0]}", (low[1], high[1])

    def match_pairs(
        self, fields: DraftQuestion, question: Located[object]
    ) -> tuple[tuple[str, str], ...]:
        """A match question's pairs: 2 to 9 `left: right` items, each side once."""
        if fields.answer is not None:
            self.error(
                fields.answer, "a match question has no 'answer': its 'pairs' say what matches"
            )
        field = fields.pairs
        if field is None:
            self.error(
                question,
                f"missing 'pairs' (a list of {MIN_CHOICES} to {MAX_CHOICES} 'left: right' items)",
            )
            return ()
        if not isinstance(field.value, tuple):
            self.error(
                field, f"'pairs' must be a list of 'left: right' items, not {kind_of(field.value)}"
            )
            return ()
        pairs: list[tuple[str, str]] = []
        for item in field.value:
            if not isinstance(item.value, Pairs) or len(item.value.entries) != 1:
                self.error(item, "each pair is one 'left: right' item")
                continue
            key, value = item.value.entries[0]
            left = self.text(key, "a pair's left item", required=True)
            right = self.text(value, f"the right item of '{left}'", required=True)
            if left and right:
                pairs.append((left, right))
        if not MIN_CHOICES <= len(pairs) <= MAX_CHOICES:
            self.error(field, f"'pairs' has {len(pairs)}; give {MIN_CHOICES} to {MAX_CHOICES}")
        for side, name in ((0, "left"), (1, "right")):
            items = [pair[side] for pair in pairs]
            for repeated in sorted({i for i in items if items.count(i) > 1}):
                self.error(field, f"the {name} item '{repeated}' is given twice")
        return tuple(pairs)

    def right_choices(self, field: Located[Value], choices: tuple[str, ...]) -> tuple[str, ...]:
        """A multi question's answer: one or more of its choices, each once."""
        answers = self.texts(field, "answer")
        if not answers:
            self.error(field, "a multi question needs at least one right choice")
        for answer in answers:
            self.in_choices(field, answer, choices)
        if len(set(answers)) != len(answers):
            self.error(field, "a right choice is listed twice")
        return answers

    def in_choices(self, field: Located[Value], answer: str, choices: tuple[str, ...]) -> None:
        if choices and answer and answer not in choices:
            self.error(
                field, f"answer '{answer}' is not one of the choices{_hint(answer, choices)}"
            )

    def blanks(self, field: Field, prompt: str) -> tuple[tuple[str, ...], ...]:
        """The accepted answers of each blank of a cloze prompt."""
        if field is None:
            return ()
        blanks = parse_blanks(prompt)
        if prompt and not blanks:
            self.error(field, "a cloze prompt needs at least one {{blank}}")
        if len(blanks) > MAX_BLANKS:
            self.error(field, f"a cloze has {len(blanks)} blanks; at most {MAX_BLANKS} are allowed")
        if any(not alt for alternatives in blanks for alt in alternatives):
            self.error(field, "a cloze blank or one of its alternatives is empty")
        outside = BLANK.sub("", prompt)
        if any("{" in alt or "}" in alt for alternatives in blanks for alt in alternatives) or (
            "{{" in outside or "}}" in outside
        ):
            self.error(
                field,
                "a cloze blank is {{answer}}: braces inside a blank, or an unmatched "
                "{{ or }}, are not allowed",
            )
        return blanks

    def lint(self, field: Field) -> tuple[str, ...]:
        """`lint: {ignore: [rule-id, ...]}`: lint rules switched off here."""
        if field is None:
            return ()
        if not isinstance(field.value, Pairs):
            kind = kind_of(field.value)
            self.error(field, f"'lint' must be a mapping such as {{ignore: [rule-id]}}, not {kind}")
            return ()
        ignore = read_fields(field.value.entries, ("ignore",), "'lint'", self.problems).get(
            "ignore"
        )
        if ignore is None:
            return ()
        ignored = self.texts(ignore, "ignore")
        from quiz.formats.lint import (
            RULES,  # the rules' ids; plain Python, loaded with the first `ignore:`
        )

        for rule in ignored:
            if rule not in RULES:
                self.error(ignore, f"unknown lint rule '{rule}'{_hint(rule, tuple(RULES))}")
        return ignored
