"""Turn a YAML file into a validated `Bank`, or into every located error it has.

The YAML is composed into nodes by PyYAML's base loader (its C version where available), so
no object is ever constructed and no scalar is ever coerced: `no`, `3.10` and `2024-04-18`
stay the text the author wrote. Here the file must be well-formed YAML, a mapping, and each
record's keys must be fields; the nodes become a draft bank, which `quiz.formats.rules`
checks against the bank format. Every problem is reported as `PATH:LINE:COLUMN: message`.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml
from yaml.nodes import Node, ScalarNode, SequenceNode

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

MAX_NESTING = 500  # PyYAML's C composer recurses per level and overflows its stack near 100k

_Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

# A bank's and a question's keys in YAML are the names of the draft's fields.
BANK_FIELDS = tuple(field.name for field in dataclasses.fields(DraftBank))
QUESTION_FIELDS = tuple(field.name for field in dataclasses.fields(DraftQuestion))

_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,])[&*][^\s\[\]{},]")
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
        _check_structure(path, text)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise BankErrors([_yaml_error(path, text, exc)]) from None
    except yaml.YAMLError as exc:  # reader errors: characters YAML does not allow
        raise BankErrors([_reader_error(path, text, exc)]) from None
    if root is None:
        raise BankErrors([_at(path, 1, 1, "the file is empty; a bank needs a title and questions")])
    document = _located(root)
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
    try:
        for event in yaml.parse(text, Loader=_Loader):  # one loop, no call per event: it is hot
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
    except yaml.MarkedYAMLError as exc:
        # libyaml 0.2.5 (PyYAML 6.0.4's wheels) scans flow brackets ahead of the events and
        # stops at 1,000 levels itself: the same refusal, where it stopped.
        if "nesting depth" not in str(exc.problem) or exc.problem_mark is None:
            raise
        mark = exc.problem_mark
        too_deep = f"nested more than {MAX_NESTING} levels deep"
        raise BankErrors([_at(path, mark.line + 1, mark.column + 1, too_deep)]) from None


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


def _located(node: Node) -> Located[Value]:
    """The node's value as the author wrote it (every scalar as its text), and where."""
    value: Value
    if isinstance(node, ScalarNode):
        value = node.value
        if value in _NULLS and node.style in (None, ""):  # plain: style None in Python, "" in C
            value = Null(value)
    elif isinstance(node, SequenceNode):
        value = tuple([_located(item) for item in node.value])
    else:  # a mapping
        value = Pairs(tuple([(_located(key), _located(item)) for key, item in node.value]))
    mark = node.start_mark
    return Located(value, mark.line + 1, mark.column + 1)


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
