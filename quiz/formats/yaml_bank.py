"""Turn a YAML file into a validated `Bank`, or into every located error it has.

The YAML is composed into nodes by PyYAML's base loader (its C version where available), so
no object is ever constructed and no scalar is ever coerced: `no`, `3.10` and `2024-04-18`
stay the text the author wrote. The nodes are then checked against the bank format, and
every problem is reported as `PATH:LINE:COLUMN: message`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quiz.core.bank import (
    BLANK,
    QUESTION_TYPES,
    Bank,
    BankError,
    BankErrors,
    Question,
    QuestionType,
    parse_blanks,
    paused_gc,
    read_bank_bytes,
    safe_text,
)

MAX_TEXT_CHARS = 20_000
MAX_NESTING = 500  # PyYAML's C composer recurses per level and overflows its stack near 100k
MIN_CHOICES, MAX_CHOICES = 2, 9
MAX_BLANKS = 20  # one box per blank: a screen of them is the most a learner can fill

_Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

BANK_FIELDS = ("title", "description", "source", "topics", "questions", "lint")
QUESTION_FIELDS = (
    "id",
    "topic",
    "type",
    "prompt",
    "choices",
    "answer",
    "accept",
    "explanation",
    "ref",
    "tags",
    "shuffle",
    "lint",
)

_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,])[&*][^\s\[\]{},]")
_NULLS = {"", "~", "null", "Null", "NULL"}
_COMMA_IN_TOPIC = "a topic id cannot contain ',' (commas separate the topics of --topics)"


def load_bank(path: Path) -> Bank:
    """Load and validate the bank at `path`; raise `BankErrors` listing every problem."""
    return parse_bank(path, read_bank_bytes(path))


def parse_bank(path: Path, data: bytes) -> Bank:
    with paused_gc():
        return _parse_bank(path, data)


def _parse_bank(path: Path, data: bytes) -> Bank:
    text = _decode(path, data)
    try:
        _check_structure(path, text)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise BankErrors([_yaml_error(path, text, exc)]) from None
    except yaml.YAMLError as exc:  # reader errors: characters YAML does not allow
        raise BankErrors([_reader_error(path, text, exc)]) from None
    if root is None:
        raise BankErrors([_at(path, 1, 1, "the file is empty; a bank needs a title and questions")])
    return _Checker(path).bank(root)


def _at(path: Path, line: int, column: int, message: str) -> BankError:
    return BankError(str(path), line, column, message)


def _decode(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise BankErrors(
            [
                _at(
                    path,
                    line,
                    column,
                    f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
                )
            ]
        ) from None
    # YAML 1.1 breaks lines at U+2028, U+2029 and U+0085, where editors see none: as
    # spaces, a pasted paragraph stays valid and every line number stays the editor's.
    text = text.removeprefix("\ufeff").translate(_SEPARATORS)
    return _untab(text) if "\t" in text else text


_SEPARATORS = {0x2028: " ", 0x2029: " ", 0x85: " "}  # NEL is a YAML 1.1 line break too
_BLOCK_HEADER = re.compile(r"^( *(?:- +)*)[^#\n]*?[:-] +([|>])([-+]?)([ \t]*(?:#.*)?)$")


def _untab(text: str) -> str:
    """Tabs that YAML allows but libyaml refuses, made acceptable to it: a line holding only
    blanks has its tabs made spaces, and a block scalar (`prompt: |`) whose first line starts
    with a tab after its indentation (pasted code) gets its indentation written in its header
    (`|2`), so the tab is read as text. Tabs used to indent structure stay errors, and every
    line keeps its number.
    """
    lines = text.split("\n")
    header: re.Match[str] | None = None  # the block scalar whose first line comes next
    for number, line in enumerate(lines):
        if not line.strip(" \t"):
            lines[number] = line.replace("\t", " ")
            continue
        if header is not None:
            parent = len(header.group(1))
            spaces = len(line) - len(line.lstrip(" "))
            if line[spaces : spaces + 1] == "\t" and 1 <= spaces - parent <= 9:
                head = lines[number - 1 - _blank_run(lines, number)]
                start, end = header.span(3)
                lines[number - 1 - _blank_run(lines, number)] = (
                    head[:start] + header.group(3) + str(spaces - parent) + head[end:]
                )
        header = _BLOCK_HEADER.match(line)
    return "\n".join(lines)


def _blank_run(lines: list[str], number: int) -> int:
    """How many blank lines stand right before line `number`."""
    count = 0
    while number - 1 - count >= 0 and not lines[number - 1 - count].strip(" \t"):
        count += 1
    return count


_LEADING = re.compile(r"^[ \t?:-]*", re.MULTILINE)  # indentation and block indicators
_OPENS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSES = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _check_structure(path: Path, text: str) -> None:
    """Refuse nesting deeper than MAX_NESTING, and anchors (so aliases: they are how alias
    bombs and self-references are made), before the composer sees the file.

    The composer recurses once per level (PyYAML's C composer overflows its stack near 100k
    levels), so depth is counted on the parser's event stream, which does not recurse and
    sees the YAML structure itself: brackets in comments or strings do not count. The events
    are read only when the file could hold an anchor or that many levels (block levels need
    indentation or indicators at the start of a line, flow levels an opening bracket).
    """
    deepest_block = max((len(m.group()) for m in _LEADING.finditer(text)), default=0)
    bound = deepest_block + text.count("[") + text.count("{")
    if bound < MAX_NESTING and not _MAYBE_ANCHOR.search(text):
        return
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _OPENS):
            depth += 1
            if depth > MAX_NESTING:
                raise BankErrors(
                    [_event_error(path, event, f"nested more than {MAX_NESTING} levels deep")]
                )
        elif isinstance(event, _CLOSES):
            depth -= 1
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            message = (
                f"YAML {kind} '{safe_text(anchor)}': anchors (&name) and aliases (*name) are "
                "not supported in a bank; write each value out in full"
            )
            raise BankErrors([_event_error(path, event, message)])


def _event_error(path: Path, event: yaml.Event, message: str) -> BankError:
    mark = event.start_mark
    assert mark is not None
    return _at(path, mark.line + 1, mark.column + 1, message)


def _yaml_error(path: Path, text: str, exc: yaml.MarkedYAMLError) -> BankError:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    if mark and _line(text, mark.line)[mark.column : mark.column + 1] == "\t":
        message = "a tab here; YAML indents with spaces only"
    elif "expected a single document" in (exc.context or ""):
        message = "a second YAML document starts here; a bank is one document"
    else:
        context = f" ({exc.context})" if exc.context else ""
        message = f"invalid YAML: {problem}{context}"
    return _at(path, line, column, message)


def _reader_error(path: Path, text: str, exc: yaml.YAMLError) -> BankError:
    position = getattr(exc, "position", 0)
    character = getattr(exc, "character", "")
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    if isinstance(character, str):
        character = ord(character[:1] or "\0")
    code = f"U+{character:04X}" if isinstance(character, int) else "a character"
    return _at(path, line, column, f"control character {code} is not allowed in a bank")


def _line(text: str, index: int) -> str:
    lines = text.split("\n", index + 1)
    return lines[index] if index < len(lines) else ""


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    return "a list" if isinstance(node, SequenceNode) else "text"


def _hint(word: str, options: Sequence[str]) -> str:
    """ "; did you mean 'x'?" for the closest option, if one is close (60% alike or more).

    rapidfuzz compares in C: 5,000 misspelt topics against 5,000 topics take about a second,
    where difflib took minutes, so no bank under the size limit makes validation slow.
    """
    from rapidfuzz import fuzz, process

    close = process.extractOne(word, options, scorer=fuzz.ratio, score_cutoff=60)
    return f"; did you mean '{safe_text(close[0])}'?" if close else ""


class _Checker:
    """Walks the composed nodes once, building the bank and collecting every error."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[BankError] = []
        self.id_lines: dict[str, int] = {}  # question id -> line it was first used on
        self.topic_ids: tuple[str, ...] = ()

    def error(self, node: Node, message: str) -> None:
        mark = node.start_mark
        self.errors.append(_at(self.path, mark.line + 1, mark.column + 1, message))

    def fields(self, node: MappingNode, known: tuple[str, ...], what: str) -> dict[str, Node]:
        """The mapping's values by key, reporting duplicate and unknown keys."""
        found: dict[str, Node] = {}
        keys: dict[str, Node] = {}
        for key_node, value in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(key_node, f"the keys of {what} must be plain names")
                continue
            key = key_node.value
            if key in keys:
                first = keys[key].start_mark.line + 1
                self.error(
                    key_node, f"duplicate key '{safe_text(key)}' (first given on line {first})"
                )
            elif key not in known:
                self.error(
                    key_node, f"unknown field '{safe_text(key)}' in {what}{_hint(key, known)}"
                )
            else:
                keys[key] = key_node
                found[key] = value
        return found

    def text(self, node: Node | None, name: str, *, required: bool = False) -> str:
        if node is None:
            return ""
        if not isinstance(node, ScalarNode):
            self.error(node, f"'{name}' must be text, not {_kind(node)}")
            return ""
        value: str = node.value
        if node.style in (None, "") and value in _NULLS:  # plain: None in Python, "" in C
            if required:
                self.error(node, f"'{name}' is empty")
            return ""
        value = safe_text(value).strip()
        if len(value) > MAX_TEXT_CHARS:
            self.error(
                node,
                f"'{name}' is {len(value):,} characters; at most {MAX_TEXT_CHARS:,} are allowed",
            )
            return ""
        if required and not value:
            self.error(node, f"'{name}' is empty")
        return value

    def texts(self, node: Node | None, name: str) -> tuple[str, ...]:
        """A list of text, or a single text standing for a list of one."""
        if node is None:
            return ()
        if isinstance(node, ScalarNode):
            single = self.text(node, name)
            return (single,) if single else ()
        if not isinstance(node, SequenceNode):
            self.error(node, f"'{name}' must be a list of text, not {_kind(node)}")
            return ()
        items = []
        for item in node.value:
            if not isinstance(item, ScalarNode):
                self.error(item, f"each of '{name}' must be text, not {_kind(item)}")
                continue
            value = self.text(item, name)
            if not value:
                self.error(item, f"an item of '{name}' is empty")
            else:
                items.append(value)
        return tuple(items)

    def bank(self, root: Node) -> Bank:
        if not isinstance(root, MappingNode):
            self.error(
                root, f"a bank must be a mapping with 'title' and 'questions', not {_kind(root)}"
            )
            raise BankErrors(self.errors)
        fields = self.fields(root, BANK_FIELDS, "the bank")
        title = self.text(fields.get("title"), "title", required=True)
        if "title" not in fields:
            self.error(root, "missing required field 'title'")
        topics = self.topics(fields.get("topics"))
        questions = self.questions(fields.get("questions"), root, topics)
        lint_ignore = self.lint(fields.get("lint"))
        if self.errors:
            raise BankErrors(self.errors)
        if not topics:
            topics = {q.topic: q.topic for q in questions}
        return Bank(
            path=self.path,
            title=title,
            questions=tuple(questions),
            topics=topics,
            description=self.text(fields.get("description"), "description"),
            source=self.text(fields.get("source"), "source"),
            lint_ignore=lint_ignore,
        )

    def topics(self, node: Node | None) -> dict[str, str]:
        if node is None:
            return {}
        if not isinstance(node, MappingNode):
            self.error(node, f"'topics' must map topic ids to display names, not {_kind(node)}")
            return {}
        topics: dict[str, str] = {}
        for key_node, value in node.value:
            key = self.text(key_node, "topic id", required=True)
            if "," in key:
                self.error(key_node, _COMMA_IN_TOPIC)
            if key in topics:
                self.error(key_node, f"topic '{key}' is listed twice")
            elif key:
                topics[key] = self.text(value, f"topics.{key}", required=True) or key
        return topics

    def questions(self, node: Node | None, root: Node, topics: dict[str, str]) -> list[Question]:
        if node is None:
            self.error(root, "missing required field 'questions'")
            return []
        if not isinstance(node, SequenceNode) or not node.value:
            self.error(node, "'questions' must be a list of at least one question")
            return []
        self.topic_ids = tuple(topics)  # for hints, made once
        questions = [self.question(item, topics) for item in node.value]
        return [q for q in questions if q is not None]

    def question(self, node: Node, topics: dict[str, str]) -> Question | None:
        if not isinstance(node, MappingNode):
            self.error(node, f"a question must be a mapping of fields, not {_kind(node)}")
            return None
        before = len(self.errors)
        f = self.fields(node, QUESTION_FIELDS, "a question")
        for name in ("id", "topic", "type", "prompt"):
            if name not in f:
                self.error(node, f"missing required field '{name}'")
        qid = self.text(f.get("id"), "id", required=True)
        if qid in self.id_lines:
            self.error(node, f"duplicate id '{qid}' (first used on line {self.id_lines[qid]})")
        elif qid:
            self.id_lines[qid] = node.start_mark.line + 1
        topic = self.text(f.get("topic"), "topic", required=True)
        if "," in topic and not topics:
            self.error(f["topic"], _COMMA_IN_TOPIC)
        if topic and topics and topic not in topics:
            self.error(
                f["topic"],
                f"topic '{topic}' is not listed under 'topics'{_hint(topic, self.topic_ids)}",
            )
        kind = self.text(f.get("type"), "type", required=True)
        if kind and kind not in QUESTION_TYPES:
            self.error(
                f["type"],
                f"unknown type '{kind}'; use one of "
                f"{', '.join(QUESTION_TYPES)}{_hint(kind, QUESTION_TYPES)}",
            )
        prompt = self.text(f.get("prompt"), "prompt", required=True)
        explanation = self.text(f.get("explanation"), "explanation")
        ref = self.text(f.get("ref"), "ref")
        tags = self.texts(f.get("tags"), "tags")
        if kind not in QUESTION_TYPES:
            return None
        qtype: QuestionType = kind
        for name, allowed in (
            ("choices", ("choice", "multi")),
            ("shuffle", ("choice", "multi")),
            ("accept", ("short",)),
        ):
            if name in f and qtype not in allowed:
                self.error(f[name], f"'{name}' applies only to {' and '.join(allowed)} questions")
        choices = self.choices(f.get("choices"), node) if qtype in ("choice", "multi") else ()
        answers, blanks = self.answers(qtype, f, node, choices, prompt)
        shuffle = self.flag(f.get("shuffle"), "shuffle", default=True)
        lint_ignore = self.lint(f.get("lint"))
        if len(self.errors) > before:
            return None
        return Question(
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
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
            lint_ignore=lint_ignore,
        )

    def choices(self, node: Node | None, question: Node) -> tuple[str, ...]:
        if node is None:
            self.error(question, "missing 'choices' (a list of 2 to 9 options)")
            return ()
        choices = self.texts(node, "choices")
        if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
            self.error(node, f"'choices' has {len(choices)}; give {MIN_CHOICES} to {MAX_CHOICES}")
        seen: set[str] = set()
        for choice in choices:
            if choice in seen:
                self.error(node, f"choice '{choice}' is given twice")
            seen.add(choice)
        return choices

    def answers(
        self,
        qtype: QuestionType,
        f: dict[str, Node],
        question: Node,
        choices: tuple[str, ...],
        prompt: str,
    ) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        node = f.get("answer")
        if qtype == "cloze":
            if node is not None:
                self.error(
                    node,
                    "a cloze question has no 'answer'; mark blanks in the prompt "
                    "as {{answer}} or {{answer|alternative}}",
                )
            blanks = parse_blanks(prompt)
            if prompt and not blanks:
                self.error(f["prompt"], "a cloze prompt needs at least one {{blank}}")
            if len(blanks) > MAX_BLANKS:
                self.error(
                    f["prompt"],
                    f"a cloze has {len(blanks)} blanks; at most {MAX_BLANKS} are allowed",
                )
            if any(not alt for alternatives in blanks for alt in alternatives):
                self.error(f["prompt"], "a cloze blank or one of its alternatives is empty")
            if any("{" in alt or "}" in alt for alternatives in blanks for alt in alternatives) or (
                "{{" in BLANK.sub("", prompt) or "}}" in BLANK.sub("", prompt)
            ):
                self.error(
                    f["prompt"],
                    "a cloze blank is {{answer}}: braces inside a blank, or an unmatched "
                    "{{ or }}, are not allowed",
                )
            return (), blanks
        if node is None:
            self.error(question, "missing required field 'answer'")
            return (), ()
        if qtype == "multi":
            answers = self.texts(node, "answer")
            if not answers:
                self.error(node, "a multi question needs at least one right choice")
            for answer in answers:
                self.in_choices(node, answer, choices)
            if len(set(answers)) != len(answers):
                self.error(node, "a right choice is listed twice")
            return answers, ()
        answer = self.text(node, "answer", required=True)
        if qtype == "choice":
            self.in_choices(node, answer, choices)
        elif qtype == "truefalse":
            answer = answer.lower()
            if answer not in ("true", "false"):
                self.error(node, f"a truefalse answer is true or false, not '{answer}'")
        elif qtype == "short":
            return (answer, *self.texts(f.get("accept"), "accept")), ()
        return (answer,), ()

    def in_choices(self, node: Node, answer: str, choices: tuple[str, ...]) -> None:
        if choices and answer and answer not in choices:
            self.error(node, f"answer '{answer}' is not one of the choices{_hint(answer, choices)}")

    def lint(self, node: Node | None) -> tuple[str, ...]:
        """`lint: {ignore: [rule-id, ...]}`: lint rules switched off here."""
        if node is None:
            return ()
        if not isinstance(node, MappingNode):
            self.error(
                node, f"'lint' must be a mapping such as {{ignore: [rule-id]}}, not {_kind(node)}"
            )
            return ()
        fields = self.fields(node, ("ignore",), "'lint'")
        ignored = self.texts(fields.get("ignore"), "ignore")
        from quiz.formats.lint import (
            RULES,  # the rules' ids; plain Python, loaded with the first `lint:`
        )

        for rule in ignored:
            if rule not in RULES:
                self.error(
                    fields["ignore"], f"unknown lint rule '{rule}'{_hint(rule, tuple(RULES))}"
                )
        return ignored

    def flag(self, node: Node | None, name: str, *, default: bool) -> bool:
        if node is None:
            return default
        value = str(node.value).lower() if isinstance(node, ScalarNode) else None
        if value not in ("true", "false"):
            self.error(node, f"'{name}' is true or false")
            return default
        return value == "true"
