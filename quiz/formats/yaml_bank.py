"""Turn a YAML file into a validated `Bank`, or into every located error it has.

The YAML is read as the event stream of PyYAML's base parser (libyaml's where available)
and each value is built as its events arrive, with where it starts, in one loop that does
not recurse: no object is ever constructed and no scalar is ever coerced (`no`, `3.10` and
`2024-04-18` stay the text the author wrote), no node tree is built first, and no nesting
can exhaust a stack. Here the file must be well-formed YAML, one document, a mapping, with
no anchors or aliases, nested at most MAX_NESTING levels, and each record's keys must be
fields; the values become a draft bank, which `quiz.formats.rules` checks against the bank
format. Every problem is reported as `PATH:LINE:COLUMN: message`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from quiz.core.bank import Bank, BankError, BankErrors, paused_gc, read_bank_bytes, safe_text
from quiz.formats.rules import (
    QUESTION_FIELDS,
    BankChecker,
    DraftBank,
    DraftQuestion,
    Located,
    Null,
    Pairs,
    Value,
    kind_of,
    read_fields,
)

MAX_NESTING = 500  # far deeper than any bank; the rules that read a bank recurse per level

_Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

# A bank's and a question's keys in YAML are the names of the draft's fields.
BANK_FIELDS = tuple(field.name for field in dataclasses.fields(DraftBank))
_QUESTION_FIELDS = dict.fromkeys(QUESTION_FIELDS)  # looked up once per key: a hash, not a scan
_A_QUESTION = "a question"

_NULLS = {"", "~", "null", "Null", "NULL"}


def load_bank(path: Path) -> Bank:
    """Load and validate the bank at `path`; raise `BankErrors` listing every problem."""
    return parse_bank(path, read_bank_bytes(path))


def parse_bank(path: Path, data: bytes) -> Bank:
    with paused_gc():
        return _parse_bank(path, data)


def _parse_bank(path: Path, data: bytes) -> Bank:
    source = _readable(path, data)
    problems: list[Located[str]] = []  # found in the keys, reported with the broken rules
    checker = BankChecker(problems)
    try:
        document = _document(path, source, checker)
    except yaml.MarkedYAMLError as exc:
        raise BankErrors([_yaml_error(path, source, exc)]) from None
    except yaml.YAMLError as exc:  # reader errors: characters YAML does not allow
        raise BankErrors([_reader_error(path, source, exc)]) from None
    if document is None:
        raise BankErrors([_at(path, 1, 1, "the file is empty; a bank needs a title and questions")])
    if not isinstance(document.value, Pairs):
        kind = kind_of(document.value)
        message = f"a bank must be a mapping with 'title' and 'questions', not {kind}"
        raise BankErrors([_at(path, document.line, document.column, message)])
    fields = read_fields(document.value.entries, BANK_FIELDS, "the bank", problems)
    return checker.bank(path, Located(_draft(fields, problems), document.line, document.column))


def _at(path: Path, line: int, column: int, message: str) -> BankError:
    return BankError(str(path), line, column, message)


def _readable(path: Path, data: bytes) -> bytes:
    """The bytes libyaml is to read: `data` itself once it is known to be UTF-8 with nothing
    that YAML would read otherwise than the author sees, or else its text made so."""
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
    if not _TO_FIX.search(text):
        return data  # the usual case: no second copy of the file is kept while it is read
    # YAML 1.1 breaks lines at U+2028, U+2029 and U+0085, where editors see none: as
    # spaces, a pasted paragraph stays valid and every line number stays the editor's.
    text = text.removeprefix("\ufeff").translate(_SEPARATORS)
    return (_untab(text) if "\t" in text else text).encode("utf-8")


_SEPARATORS = {0x2028: " ", 0x2029: " ", 0x85: " "}  # NEL is a YAML 1.1 line break too
_TO_FIX = re.compile("[\t\u2028\u2029\x85]")
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


_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAPPING, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_DOCUMENT = yaml.DocumentStartEvent


def _document(path: Path, source: bytes, checker: BankChecker) -> Located[Value] | None:
    """The file's one document as the author wrote it (every scalar as its text, each value
    with where it starts), built from the parser's events with a stack of the collections
    still open; None for a file with no document.

    The items of the bank's `questions` list go to `checker` as each is read, and the list is
    left empty: a question's draft lives only as long as its checking.
    """
    # One loop, no call per event and the event classes compared by identity: it is hot.
    stack: list[tuple[bool, list[Located[Value]], int, int]] = []  # mapping?, items, where
    top: list[Located[Value]] | None = None  # the items of the innermost open collection
    root: Located[Value] | None = None
    questions: list[Located[Value]] = []  # the items of the bank's questions list, once found
    streaming = False
    problems = checker.problems
    documents = 0
    try:
        events: Iterator[Any] = yaml.parse(source, Loader=_Loader)  # told apart by class
        for event in events:
            kind = event.__class__
            if kind is _SCALAR:
                if event.anchor is not None:
                    raise BankErrors([_anchor_error(path, event)])
                value: Value = event.value
                if value in _NULLS and not event.style:  # plain: style None, or "" from C
                    value = Null(value)
                mark = event.start_mark
                item = Located(value, mark.line + 1, mark.column + 1)
                if top is not None and top is not questions:
                    top.append(item)
                    continue
            elif kind is _MAPPING or kind is _SEQUENCE:
                if event.anchor is not None:
                    raise BankErrors([_anchor_error(path, event)])
                if len(stack) >= MAX_NESTING:
                    too_deep = f"nested more than {MAX_NESTING} levels deep"
                    raise BankErrors([_event_error(path, event, too_deep)])
                mark = event.start_mark
                top = []
                if not streaming and len(stack) == 1 and _is_questions(stack[0], kind):
                    questions, streaming = top, True
                stack.append((kind is _MAPPING, top, mark.line + 1, mark.column + 1))
                continue
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                mapping, items, line, column = stack.pop()
                top = stack[-1][1] if stack else None
                if mapping:
                    pairs = iter(items)
                    if top is questions:  # a question's mapping: its fields, checked now
                        fields = read_fields(
                            zip(pairs, pairs, strict=True), _QUESTION_FIELDS, _A_QUESTION, problems
                        )
                        checker.question(Located(DraftQuestion(**fields), line, column))
                        continue
                    item = Located(Pairs(tuple(zip(pairs, pairs, strict=True))), line, column)
                else:
                    item = Located(tuple(items), line, column)
            elif kind is _ALIAS:
                raise BankErrors([_anchor_error(path, event)])
            elif kind is _DOCUMENT:
                documents += 1
                if documents > 1:
                    message = "a second YAML document starts here; a bank is one document"
                    raise BankErrors([_event_error(path, event, message)])
                continue
            else:
                continue
            if top is None:
                root = item
            elif top is questions:
                checker.question(item)  # not a mapping: the rules say what is wrong with it
            else:
                top.append(item)
    except yaml.MarkedYAMLError as exc:
        # libyaml 0.2.5 (PyYAML 6.0.4's wheels) scans flow brackets ahead of the events and
        # stops at 1,000 levels itself: the same refusal, where it stopped.
        if "nesting depth" not in str(exc.problem) or exc.problem_mark is None:
            raise
        mark = exc.problem_mark
        too_deep = f"nested more than {MAX_NESTING} levels deep"
        raise BankErrors([_at(path, mark.line + 1, mark.column + 1, too_deep)]) from None
    return root


def _is_questions(
    parent: tuple[bool, list[Located[Value]], int, int], kind: type[yaml.Event]
) -> bool:
    """Whether a list opening in the document's mapping is the value of its `questions`."""
    mapping, items = parent[0], parent[1]
    return kind is _SEQUENCE and mapping and len(items) % 2 == 1 and items[-1].value == "questions"


def _anchor_error(path: Path, event: yaml.Event) -> BankError:
    """Anchors, and so aliases, are how alias bombs and self-references are made."""
    kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
    message = (
        f"YAML {kind} '{safe_text(getattr(event, 'anchor', ''))}': anchors (&name) and aliases "
        "(*name) are not supported in a bank; write each value out in full"
    )
    return _event_error(path, event, message)


def _event_error(path: Path, event: yaml.Event, message: str) -> BankError:
    mark = event.start_mark
    assert mark is not None
    return _at(path, mark.line + 1, mark.column + 1, message)


def _yaml_error(path: Path, source: bytes, exc: yaml.MarkedYAMLError) -> BankError:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    if mark and _line(source, mark.line)[mark.column : mark.column + 1] == "\t":
        message = "a tab here; YAML indents with spaces only"
    elif "expected a single document" in (exc.context or ""):
        message = "a second YAML document starts here; a bank is one document"
    else:
        context = f" ({exc.context})" if exc.context else ""
        message = f"invalid YAML: {problem}{context}"
    return _at(path, line, column, message)


def _reader_error(path: Path, source: bytes, exc: yaml.YAMLError) -> BankError:
    position = getattr(exc, "position", 0)  # in bytes, a byte order mark included
    character = getattr(exc, "character", "")
    line = source.count(b"\n", 0, position) + 1
    start = source.rfind(b"\n", 0, position) + 1
    before = source[start:position].decode("utf-8", errors="replace").removeprefix("\ufeff")
    column = len(before) + 1
    if isinstance(character, str):
        character = ord(character[:1] or "\0")
    code = f"U+{character:04X}" if isinstance(character, int) else "a character"
    return _at(path, line, column, f"control character {code} is not allowed in a bank")


def _line(source: bytes, index: int) -> str:
    lines = source.split(b"\n", index + 1)
    line = lines[index] if index < len(lines) else b""
    return line.decode("utf-8", errors="replace").removeprefix("\ufeff")


def _draft(fields: dict[str, Located[Value]], problems: list[Located[str]]) -> DraftBank:
    """The bank from its fields, each question's read from its mapping; problems with the
    questions' keys go to `problems`."""
    questions = fields.pop("questions", None)
    return DraftBank(**fields, questions=_questions(questions, problems))


def _questions(
    field: Located[Value] | None, problems: list[Located[str]]
) -> Located[tuple[Located[DraftQuestion | Value], ...]] | None:
    """The questions list, each mapping read as a question's fields. Anything but a list
    holds no questions, which the rules report."""
    if field is None:
        return None
    items = field.value if isinstance(field.value, tuple) else ()
    drafts = tuple(_question(item, problems) for item in items)
    return Located(drafts, field.line, field.column)


def _question(item: Located[Value], problems: list[Located[str]]) -> Located[DraftQuestion | Value]:
    """A question's fields from its mapping; anything else is left for the rules to refuse."""
    if not isinstance(item.value, Pairs):
        return item
    fields = read_fields(item.value.entries, _QUESTION_FIELDS, _A_QUESTION, problems)
    return Located(DraftQuestion(**fields), item.line, item.column)
