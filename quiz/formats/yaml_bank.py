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
    DraftBank,
    DraftQuestion,
    Located,
    Null,
    Pairs,
    Value,
    build_bank,
    kind_of,
    read_fields,
)

MAX_NESTING = 500  # far deeper than any bank; the rules that read a bank recurse per level

_Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

# A bank's and a question's keys in YAML are the names of the draft's fields.
BANK_FIELDS = tuple(field.name for field in dataclasses.fields(DraftBank))
QUESTION_FIELDS = tuple(field.name for field in dataclasses.fields(DraftQuestion))

_NULLS = {"", "~", "null", "Null", "NULL"}


def load_bank(path: Path) -> Bank:
    """Load and validate the bank at `path`; raise `BankErrors` listing every problem."""
    return parse_bank(path, read_bank_bytes(path))


def parse_bank(path: Path, data: bytes) -> Bank:
    with paused_gc():
        return _parse_bank(path, data)


def _parse_bank(path: Path, data: bytes) -> Bank:
    text = _decode(path, data)
    try:
        document = _document(path, text)
    except yaml.MarkedYAMLError as exc:
        raise BankErrors([_yaml_error(path, text, exc)]) from None
    except yaml.YAMLError as exc:  # reader errors: characters YAML does not allow
        raise BankErrors([_reader_error(path, text, exc)]) from None
    if document is None:
        raise BankErrors([_at(path, 1, 1, "the file is empty; a bank needs a title and questions")])
    if not isinstance(document.value, Pairs):
        kind = kind_of(document.value)
        message = f"a bank must be a mapping with 'title' and 'questions', not {kind}"
        raise BankErrors([_at(path, document.line, document.column, message)])
    problems: list[Located[str]] = []  # found in the keys, reported with the broken rules
    draft = _draft(read_fields(document.value, BANK_FIELDS, "the bank", problems), problems)
    return build_bank(path, Located(draft, document.line, document.column), problems)


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


_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAPPING, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_DOCUMENT = yaml.DocumentStartEvent


def _document(path: Path, text: str) -> Located[Value] | None:
    """The file's one document as the author wrote it (every scalar as its text, each value
    with where it starts), built from the parser's events with a stack of the collections
    still open; None for a file with no document."""
    # One loop, no call per event and the event classes compared by identity: it is hot.
    stack: list[tuple[bool, list[Located[Value]], int, int]] = []  # mapping?, items, where
    root: Located[Value] | None = None
    documents = 0
    try:
        events: Iterator[Any] = yaml.parse(text, Loader=_Loader)  # told apart by class, below
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
            elif kind is _MAPPING or kind is _SEQUENCE:
                if event.anchor is not None:
                    raise BankErrors([_anchor_error(path, event)])
                if len(stack) >= MAX_NESTING:
                    too_deep = f"nested more than {MAX_NESTING} levels deep"
                    raise BankErrors([_event_error(path, event, too_deep)])
                mark = event.start_mark
                stack.append((kind is _MAPPING, [], mark.line + 1, mark.column + 1))
                continue
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                mapping, items, line, column = stack.pop()
                if mapping:
                    pairs = iter(items)
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
            if stack:
                stack[-1][1].append(item)
            else:
                root = item
    except yaml.MarkedYAMLError as exc:
        # libyaml 0.2.5 (PyYAML 6.0.4's wheels) scans flow brackets ahead of the events and
        # stops at 1,000 levels itself: the same refusal, where it stopped.
        if "nesting depth" not in str(exc.problem) or exc.problem_mark is None:
            raise
        mark = exc.problem_mark
        too_deep = f"nested more than {MAX_NESTING} levels deep"
        raise BankErrors([_at(path, mark.line + 1, mark.column + 1, too_deep)]) from None
    return root


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
    fields = read_fields(item.value, QUESTION_FIELDS, "a question", problems)
    return Located(DraftQuestion(**fields), item.line, item.column)
