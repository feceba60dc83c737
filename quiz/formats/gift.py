"""Moodle's GIFT format, read into the bank rules and written from a bank.

Written from Moodle's documentation of GIFT (docs.moodle.org, "GIFT format"), not from its
code. Questions are separated by blank lines; a line starting `//` is a comment;
`$CATEGORY: a/b` sets the topic of the questions that follow; `::name::` names a question
(its id, made unique) and `[html]`, `[markdown]`, `[plain]` or `[moodle]` its text's format.
The answer block `{…}` decides the type, in Moodle's order: none → description, `{}` →
essay, `{#…}` → numerical, a `~` → multiple choice (one answer if a `=` is present, else
several with `%weight%`), `=a -> b` → matching, T/TRUE/F/FALSE → true/false, else short
answer. Text after the block makes a missing-word question (→ cloze). Feedback follows `#`,
general feedback `####` (→ the explanation). `\\~ \\= \\# \\{ \\} \\:` escape, `\\n` is a
line break, `\\\\` a backslash.

What quiz cannot carry is never dropped silently: each gets a located warning. HTML becomes
plain text (tags removed, entities decoded), never markup. quiz writes what GIFT cannot say
(a card, a cloze of several blanks, a ref, tags, the bank's title and topics) in `// quiz:`
comment lines that Moodle ignores and quiz reads back.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quiz.core.bank import BLANK, Bank, BankError, BankErrors, Question, read_bank_bytes
from quiz.formats.rules import (
    QUESTION_FIELDS,
    DraftBank,
    DraftQuestion,
    FormatWarning,
    Located,
    Pairs,
    Value,
    accepted_fields,
    build_bank,
    decode_text,
    html_to_text,
    looks_like_html,
)

ESCAPABLE = "~=#{}:"
_META = "// quiz:"
_CATEGORY = re.compile(r"\$CATEGORY:\s*(.*)", re.IGNORECASE)
_FORMAT = re.compile(r"\[(html|markdown|plain|moodle)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")


@dataclass(slots=True)
class _Block:
    """One question's text (its lines joined by newlines), and where each line is."""

    text: str
    starts: list[int]  # where each line starts in `text`
    numbers: list[int]  # each line's number in the file
    meta: dict[str, Any] = field(default_factory=dict)

    def at(self, index: int) -> tuple[int, int]:
        """The (line, column) in the file of `text[index]`."""
        row = max(0, bisect.bisect_right(self.starts, index) - 1)
        return self.numbers[row], index - self.starts[row] + 1


def load_gift(path: Path) -> tuple[Bank, list[FormatWarning]]:
    """The bank a GIFT file holds, and the warnings of what it could not carry; raise
    `BankErrors` with every located error."""
    return parse_gift(path, read_bank_bytes(path))


def parse_gift(path: Path, data: bytes) -> tuple[Bank, list[FormatWarning]]:
    text = decode_text(path, data)
    return _Reader(path).read(text)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.warnings: list[FormatWarning] = []
        self.problems: list[Located[str]] = []
        self.ids: dict[str, int] = {}
        self.topics: dict[str, str] = {}
        self.bank_meta: dict[str, Any] = {}

    def warn(self, where: tuple[int, int], message: str) -> None:
        self.warnings.append(FormatWarning(str(self.path), where[0], where[1], message))

    def error(self, where: tuple[int, int], message: str) -> None:
        self.problems.append(Located(message, where[0], where[1]))

    def read(self, text: str) -> tuple[Bank, list[FormatWarning]]:
        questions: list[Located[DraftQuestion | Value]] = []
        topic = self.path.stem
        for block in self._blocks(text):
            category = _CATEGORY.fullmatch(block.text.strip())
            if category:
                topic = self._category(category.group(1).strip())
                continue
            question = self._question(block, topic)
            if question is not None:
                questions.append(question)
                if topic == self.path.stem:  # before any $CATEGORY: the file's own topic
                    self.topics.setdefault(topic, topic)
        if not questions:  # nothing else to say
            if not self.problems:
                message = "no questions: a GIFT file holds questions separated by blank lines"
                self.error((1, 1), message)
            where = str(self.path)
            raise BankErrors(BankError(where, p.line, p.column, p.value) for p in self.problems)
        meta = self.bank_meta
        title = str(meta.get("title") or self.path.stem)
        listed = meta.get("topics")
        topics = {str(k): str(v) for k, v in listed.items()} if isinstance(listed, dict) else {}
        topics = {**topics, **{k: v for k, v in self.topics.items() if k not in topics}}
        bank_draft = DraftBank(
            title=_at(title, 1, 1),
            id=_at(str(meta["id"]), 1, 1) if meta.get("id") else None,
            description=_at(str(meta["description"]), 1, 1) if meta.get("description") else None,
            source=_at(str(meta["source"]), 1, 1) if meta.get("source") else None,
            topics=Located(
                Pairs(tuple((_at(k, 1, 1), _at(v, 1, 1)) for k, v in topics.items())), 1, 1
            ),
            questions=Located(tuple(questions), 1, 1),
            lint=_located(meta["lint"], (1, 1)) if isinstance(meta.get("lint"), dict) else None,
        )
        bank = build_bank(self.path, Located(bank_draft, 1, 1), self.problems)
        return bank, sorted(set(self.warnings), key=lambda w: (w.line, w.column, w.message))

    def _category(self, raw: str) -> str:
        """A category path as a topic: its id the path (without Moodle's $course$/top), its
        name the last part."""
        parts = [p.strip() for p in raw.split("/") if p.strip()]
        while parts and parts[0].lower() in ("$course$", "$system$", "$module$", "top"):
            parts = parts[1:]
        topic = "/".join(parts).replace(",", " ") or self.path.stem
        self.topics.setdefault(topic, parts[-1] if parts else topic)
        return topic

    def _blocks(self, text: str) -> Iterator[_Block]:
        """The file's blocks of non-blank lines, comments left out (a `// quiz:` comment
        is read as what quiz wrote there), each character with its place."""
        lines: list[str] = []
        starts: list[int] = []
        numbers: list[int] = []
        meta: dict[str, Any] = {}
        size = 0
        for number, line in enumerate(text.split("\n"), start=1):
            line = line.rstrip("\r")
            stripped = line.strip()
            if stripped.startswith(_META):
                meta |= self._meta(stripped[len(_META) :], (number, line.index("/") + 1))
                continue
            if stripped.startswith("//"):
                continue
            if not stripped:
                if lines:
                    yield _Block("\n".join(lines), starts, numbers, meta)
                    lines, starts, numbers, meta, size = [], [], [], {}, 0
                continue
            starts.append(size)
            numbers.append(number)
            lines.append(line)
            size += len(line) + 1
        if lines:
            yield _Block("\n".join(lines), starts, numbers, meta)

    def _meta(self, raw: str, where: tuple[int, int]) -> dict[str, Any]:
        if not raw.strip().startswith("{"):
            return {}  # a comment that happens to start "quiz:"
        try:
            found = json.loads(raw)
        except ValueError:
            self.warn(where, "a '// quiz:' comment that is not JSON is ignored")
            return {}
        if not isinstance(found, dict):
            return {}
        if "bank" in found and isinstance(found["bank"], dict):
            self.bank_meta = found["bank"]
            return {}
        return found

    def _question(self, block: _Block, topic: str) -> Located[DraftQuestion | Value] | None:
        text, start = block.text, block.at(0)
        if isinstance(block.meta.get("question"), dict):  # written by quiz: the question whole
            return self._record(block.meta["question"], start)
        name = None
        index = len(text) - len(text.lstrip())
        if text.startswith("::", index):
            end = _find(text, "::", index + 2)
            if end < 0:
                self.error(block.at(index), "a question name '::name::' is not closed")
                return None
            name = _unescape(text[index + 2 : end]).strip()
            index = end + 2
        rest = text[index:]
        lead = len(rest) - len(rest.lstrip())
        form = _FORMAT.match(rest, lead)
        html_text: bool | None = False  # True: [html]; None: [plain], never read as HTML
        if form:
            html_text = {"html": True, "plain": None}.get(form.group(1).lower(), False)
            index += form.end()
        open_at = _find(text, "{", index)
        if open_at < 0:
            self.warn(start, "description (no answer block): not a question quiz asks; skipped")
            return None
        close_at = _find(text, "}", open_at + 1)
        if close_at < 0:
            self.error(block.at(open_at), "the answer block '{' is not closed with '}'")
            return None
        head = self._text(text[index:open_at], html_text, block.at(index))
        tail = self._text(text[close_at + 1 :], html_text, block.at(close_at + 1))
        answer = text[open_at + 1 : close_at]
        where = block.at(open_at + 1)
        qid = self._id(name, start[0])
        fields: dict[str, Located[Value]] = {
            "id": _at(qid, *start),
            "topic": _at(topic, *start),
        }
        meta = block.meta
        kind = self._answers(answer, where, fields, html_text)
        if kind == "essay":
            self.warn(start, "essay questions are not asked; skipped")
            return None
        if tail.strip():
            before = _unescape(text[index:open_at]).lstrip()
            after = _unescape(text[close_at + 1 :]).rstrip()
            if html_text or (html_text is not None and looks_like_html(before + after)):
                before = html_to_text(before) + " " * before.endswith(" ")
                after = " " * after.startswith(" ") + html_to_text(after)
            prompt, kind = self._missing_word(before, after, fields, kind, block.at(open_at))
        else:
            prompt = head
        fields["type"] = _at(kind, *start)
        fields["prompt"] = _at(prompt.strip(), *start)
        if meta.get("ref"):
            fields["ref"] = _at(str(meta["ref"]), *start)
        if isinstance(meta.get("tags"), list):
            fields["tags"] = Located(tuple(_at(str(t), *start) for t in meta["tags"]), *start)
        return Located(DraftQuestion(**fields), *start)

    def _record(self, record: dict[str, Any], start: tuple[int, int]) -> Located[DraftQuestion]:
        """A question quiz wrote whole in a `// quiz:` comment, read as its bank fields."""
        known = {f: _located(v, start) for f, v in record.items() if f in QUESTION_FIELDS}
        known["id"] = _at(self._id(str(record.get("id") or ""), start[0]), *start)
        return Located(DraftQuestion(**known), *start)

    def _missing_word(
        self, head: str, tail: str, fields: dict[str, Located[Value]], kind: str,
        where: tuple[int, int],
    ) -> tuple[str, str]:  # fmt: skip
        """Text on both sides of the answer block: the block is a blank (→ cloze)."""
        if kind in ("choice", "short"):
            accepted = fields.pop("answer", None)
            extra = fields.pop("accept", None)
            fields.pop("choices", None)
            if kind == "choice":
                self.warn(where, "a missing-word choice becomes a typed blank; its wrong "
                          "choices are not kept")  # fmt: skip
            more = list(extra.value) if extra and isinstance(extra.value, tuple) else []
            words = [accepted, *more]
            alternatives = [w.value for w in words if w is not None and isinstance(w.value, str)]
            blank = "{{" + "|".join(a.replace("|", "/") for a in alternatives) + "}}"
            return head + blank + tail, "cloze"  # the spacing around the blank as written
        self.warn(where, f"text after a {kind} answer block is kept as part of the prompt")
        return f"{head} {tail}", kind

    def _id(self, name: str | None, line: int) -> str:
        """The question's id: its name (else its number), made unique in the file."""
        wanted = re.sub(r"\s+", "-", (name or "").strip()) or f"q{len(self.ids) + 1}"
        unique, n = wanted, 1
        while unique in self.ids:
            n += 1
            unique = f"{wanted}-{n}"
        self.ids[unique] = line
        return unique

    def _text(self, raw: str, html_text: bool | None, where: tuple[int, int]) -> str:
        """Text as a learner should see it: escapes undone, HTML made plain, each line
        trimmed."""
        text = _unescape(raw)
        if html_text is not None and looks_like_html(text):
            self.warn(where, "HTML is shown as plain text: tags removed, entities decoded")
            text = html_to_text(text)
        elif html_text:
            text = html_to_text(text)
        return "\n".join(line.strip() for line in text.split("\n")).strip()

    def _answers(
        self, raw: str, where: tuple[int, int], fields: dict[str, Located[Value]],
        html_text: bool | None,
    ) -> str:  # fmt: skip
        """Read the answer block into `fields`; its kind (errors go to the problems)."""
        body, general = _split_general(raw)
        if general is not None:
            fields["explanation"] = _at(self._text(general, html_text, where), *where)
        stripped = body.strip()
        if not stripped:
            return "essay"
        if stripped.startswith("#"):
            return self._numeric(stripped[1:], where, fields)
        items = _answer_items(body)
        if any(mark == "~" for mark, _, _ in items):
            return self._choice(items, where, fields, html_text)
        if items and all(mark == "=" and _find(text, "->", 0) >= 0 for mark, text, _ in items):
            return self._matching(items, where, fields, html_text)
        word = stripped.split("#")[0].strip().upper()
        if word in ("T", "TRUE", "F", "FALSE"):
            fields["answer"] = _at("true" if word.startswith("T") else "false", *where)
            if "#" in stripped:
                self.warn(where, "per-answer feedback is not carried")
            return "truefalse"
        return self._short(items, where, fields, html_text)

    def _feedback(self, feedback: str | None, where: tuple[int, int]) -> None:
        if feedback is not None and feedback.strip():
            self.warn(where, "per-answer feedback is not carried")

    def _choice(
        self, items: list[tuple[str, str, str | None]], where: tuple[int, int],
        fields: dict[str, Located[Value]], html_text: bool | None,
    ) -> str:  # fmt: skip
        single = any(mark == "=" for mark, _, _ in items)
        weights = {_weight(text)[0] for mark, text, _ in items if (_weight(text)[0] or 0) > 0}
        if not single and len(weights) > 1:
            self.warn(where, "unequal weights on the right choices become equal shares")
        choices, right = [], []
        for mark, text, feedback in items:
            weight, option = _weight(text)
            option = self._text(option, html_text, where)
            self._feedback(feedback, where)
            choices.append(option)
            if single:
                if mark == "=":
                    right.append(option)
                elif weight not in (None, 0.0):
                    self.warn(where, f"partial credit ({weight:g}%) on '{option}' is not carried")
            elif weight is not None and weight > 0:
                right.append(option)
        fields["choices"] = Located(tuple(_at(c, *where) for c in choices), *where)
        if single:
            fields["answer"] = _at(right[0] if right else "", *where)
            if len(right) > 1:
                self.warn(where, "several '=' answers: the first is the key")
            return "choice"
        fields["answer"] = Located(tuple(_at(r, *where) for r in right), *where)
        return "multi"

    def _matching(
        self, items: list[tuple[str, str, str | None]], where: tuple[int, int],
        fields: dict[str, Located[Value]], html_text: bool | None,
    ) -> str:  # fmt: skip
        pairs = []
        for _, text, feedback in items:
            self._feedback(feedback, where)
            split = _find(text, "->", 0)
            left = self._text(text[:split], html_text, where)
            right = self._text(text[split + 2 :], html_text, where)
            pairs.append(Located(Pairs(((_at(left, *where), _at(right, *where)),)), *where))
        fields["pairs"] = Located(tuple(pairs), *where)
        return "match"

    def _short(
        self, items: list[tuple[str, str, str | None]], where: tuple[int, int],
        fields: dict[str, Located[Value]], html_text: bool | None,
    ) -> str:  # fmt: skip
        accepted = []
        for mark, text, feedback in items:
            weight, answer = _weight(text)
            self._feedback(feedback, where)
            if mark != "=":
                self.error(where, "a short answer's answers each start with '='")
                continue
            if weight is not None and weight < 100:
                left_out = f"partial credit ({weight:g}%) for '{answer.strip()}' is not carried"
                self.warn(where, left_out + "; left out")
                continue
            accepted.append(self._text(answer, html_text, where))
        if not accepted:
            self.error(where, "no answer with full credit")
            return "short"
        fields["answer"] = _at(accepted[0], *where)
        if len(accepted) > 1:
            fields["accept"] = Located(tuple(_at(a, *where) for a in accepted[1:]), *where)
        return "short"

    def _numeric(self, raw: str, where: tuple[int, int], fields: dict[str, Located[Value]]) -> str:
        """`N`, `N:tol`, `min..max`, or several `=%w%N:tol` lines."""
        if "=" in raw:
            entries = [(text, feedback) for _, text, feedback in _answer_items(raw)]
        else:
            hash_at = _find(raw, "#", 0)
            entries = [(raw, None) if hash_at < 0 else (raw[:hash_at], raw[hash_at + 1 :])]
        values: list[Located[Value]] = []
        for text, feedback in entries:
            self._feedback(feedback, where)
            weight, value = _weight(text)
            if weight is not None and weight < 100:
                left_out = f"partial credit ({weight:g}%) for '{value.strip()}' is not carried"
                self.warn(where, left_out + "; left out")
                continue
            value = value.strip()
            if ".." in value:
                low, _, high = value.partition("..")
                bounds = (_at(low.strip(), *where), _at(high.strip(), *where))
                values.append(Located(bounds, *where))
            elif ":" in value:
                number, _, tolerance = value.partition(":")
                entry = Pairs(
                    (
                        (_at("answer", *where), _at(number.strip(), *where)),
                        (_at("tolerance", *where), _at(tolerance.strip(), *where)),
                    )
                )
                values.append(Located(entry, *where))
            else:
                values.append(_at(value, *where))
        if not values:
            self.error(where, "a numerical question needs a value with full credit")
            return "numeric"
        first, *more = values
        if isinstance(first.value, tuple):
            fields["range"] = first
        elif isinstance(first.value, Pairs):
            (_, main), (_, spread) = first.value.entries
            fields["answer"], fields["tolerance"] = main, spread
        else:
            fields["answer"] = first
        if more:
            fields["accept"] = Located(tuple(more), *where)
        return "numeric"


def _at(value: str, line: int, column: int) -> Located[Value]:
    return Located(value, line, column)


def _located(value: object, where: tuple[int, int]) -> Located[Value]:
    """A value from JSON as a bank value written at `where`: text, a list or a mapping."""
    if isinstance(value, dict):
        entries = tuple((_at(str(k), *where), _located(v, where)) for k, v in value.items())
        return Located(Pairs(entries), *where)
    if isinstance(value, list):
        return Located(tuple(_located(v, where) for v in value), *where)
    if isinstance(value, bool):
        return _at("true" if value else "false", *where)
    return _at(str(value), *where)


def _find(text: str, target: str, start: int) -> int:
    """Where `target` first occurs at or after `start`, not escaped by a backslash."""
    index = start
    while True:
        found = text.find(target, index)
        if found < 0:
            return -1
        before = found
        while before > 0 and text[before - 1] == "\\":
            before -= 1
        if (found - before) % 2 == 0:
            return found
        index = found + 1


_ESCAPE = re.compile(r"\\([~=#{}:\\n])")


def _unescape(text: str) -> str:
    """GIFT's escapes undone: \\~ \\= \\# \\{ \\} \\: and \\\\, and \\n a line break."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def _split_general(raw: str) -> tuple[str, str | None]:
    """An answer block and its general feedback (after `####`)."""
    at = _find(raw, "####", 0)
    return (raw, None) if at < 0 else (raw[:at], raw[at + 4 :])


def _answer_items(body: str) -> list[tuple[str, str, str | None]]:
    """Each answer of a block: its mark (= or ~), text and feedback (after #)."""
    items: list[tuple[str, str, str | None]] = []
    starts, escaped = [], False
    for i, char in enumerate(body):  # one pass: an escaped mark never starts an answer
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "=~":
            starts.append(i)
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(body)
        chunk = body[start + 1 : end]
        hash_at = _find(chunk, "#", 0)
        text, feedback = (chunk, None) if hash_at < 0 else (chunk[:hash_at], chunk[hash_at + 1 :])
        items.append((body[start], text, feedback))
    return items


def _weight(text: str) -> tuple[float | None, str]:
    match = _WEIGHT.match(text.strip())
    if not match:
        return None, text
    return float(match.group(1)), text.strip()[match.end() :]


# ── Writing ────────────────────────────────────────────────────────────────────────────────


def write_gift(bank: Bank) -> tuple[str, list[str]]:
    """The bank as GIFT, and a note for each question Moodle will see otherwise than quiz
    (a card as an essay, a cloze of several blanks as an essay showing its blanks)."""
    notes: list[str] = []
    meta = {"bank": {"title": bank.title, "id": bank.id, "description": bank.description,
                     "source": bank.source, "topics": dict(bank.topics),
                     "lint": {"ignore": list(bank.lint_ignore)}}}  # fmt: skip
    lines = [f"{_META} {json.dumps(meta, ensure_ascii=False)}", ""]
    topic = None
    for q in bank.questions:
        if q.topic != topic:
            topic = q.topic
            lines += [f"$CATEGORY: {topic}", ""]
        extra: dict[str, Any] = {}
        if q.ref:
            extra["ref"] = q.ref
        if q.tags:
            extra["tags"] = list(q.tags)
        body = _gift_question(q, notes)
        if _needs_record(q):  # GIFT alone would not bring it back as it is
            extra = {"question": _question_record(q)}
        if extra:
            lines.append(f"{_META} {json.dumps(extra, ensure_ascii=False)}")
        lines += [body, ""]
    return "\n".join(lines), notes


def _escape(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for char in ESCAPABLE:
        out = out.replace(char, "\\" + char)
    return out.replace("\n", "\\n")


def _needs_record(q: Question) -> bool:
    """Whether quiz must keep the question whole in a comment: a type or a field GIFT has
    no place for, or text that GIFT would read otherwise (an arrow, markup, a weight)."""
    if q.type == "card" or not q.shuffle or q.lint_ignore:
        return True
    if q.type == "cloze" and (len(q.blanks) != 1 or not BLANK.split(q.prompt)[-1].strip()):
        return True
    texts = [q.prompt, q.explanation, *q.answers, *q.choices, *(i for p in q.pairs for i in p)]
    return any("->" in s or looks_like_html(s) or s.lstrip().startswith("%") for s in texts)


def _question_record(q: Question) -> dict[str, Any]:
    from quiz.formats.yaml_writer import question_fields

    return question_fields(q)


def _gift_question(q: Question, notes: list[str]) -> str:
    name = f"::{_escape(q.id)}::"
    general = f" ####{_escape(q.explanation)}" if q.explanation else ""
    prompt = _escape(q.prompt)
    if q.type == "choice":
        options = " ".join(("=" if c == q.answers[0] else "~") + _escape(c) for c in q.choices)
        return f"{name} {prompt} {{{options}{general}}}"
    if q.type == "multi":
        share = f"{100 / len(q.answers):.5g}"
        options = " ".join(
            f"~%{share if c in q.answers else '-100'}%{_escape(c)}" for c in q.choices
        )
        return f"{name} {prompt} {{{options}{general}}}"
    if q.type == "truefalse":
        return f"{name} {prompt} {{{'TRUE' if q.answers[0] == 'true' else 'FALSE'}{general}}}"
    if q.type == "short":
        return f"{name} {prompt} {{{' '.join('=' + _escape(a) for a in q.answers)}{general}}}"
    if q.type == "numeric":
        values = " ".join("=" + _numeric_value(written) for written in q.answers)
        return f"{name} {prompt} {{#{values}{general}}}"
    if q.type == "match":
        pairs = " ".join(f"={_escape(left)} -> {_escape(right)}" for left, right in q.pairs)
        return f"{name} {prompt} {{{pairs}{general}}}"
    if q.type == "cloze" and len(q.blanks) == 1 and BLANK.split(q.prompt)[-1].strip():
        before, _, after = BLANK.split(q.prompt, maxsplit=1)  # Moodle's missing word
        accepted = " ".join("=" + _escape(a) for a in q.blanks[0])
        return f"{name} {_escape(before)}{{{accepted}{general}}}{_escape(after)}"
    # A card, or a cloze Moodle's missing word cannot say: an essay to Moodle.
    notes.append(f"{q.id}: a {q.type} question; Moodle will show it as an essay")
    back = f" ####{_escape(q.answers[0])}" if q.type == "card" else general
    return f"{name} {prompt} {{{back}}}"


def _numeric_value(written: str) -> str:
    """An accepted value as GIFT writes it: N, N:tolerance or low..high."""
    fields = accepted_fields(written)
    if isinstance(fields, list):
        return "..".join(fields)
    return ":".join(fields.values())
