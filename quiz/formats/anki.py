"""Anki: its "Notes in Plain Text" export read into the bank rules and written from a bank,
and a bank written as an `.apkg` package (with genanki) that Anki opens.

Text files follow Anki's manual ("Importing: text files"): header lines `#separator:`,
`#html:`, `#columns:`, `#notetype:` / `#notetype column:`, `#deck:` / `#deck column:`,
`#tags column:` and `#guid column:`; fields quoted with `"` (and `""` inside). A Basic note
becomes a card (its front the prompt, its back the answer), a Cloze note a cloze (each
`{{cN::answer::hint}}` a blank, the hint's `|`-separated words its other accepted answers),
a deck a topic, tags tags and the GUID the question's id. HTML becomes plain text; media
(`[sound:…]`, images) gets a warning, as does anything else quiz cannot carry.

Exported notes keep a GUID made from the bank's identity and the question's id, and the
package a fixed timestamp, so importing an edited bank again updates its notes in Anki
without resetting their scheduling. Topics become subdecks of the bank's deck.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from pathlib import Path
from typing import Any

from quiz.core.bank import BLANK, Bank, Question
from quiz.formats.rules import (
    DraftBank,
    DraftQuestion,
    FormatWarning,
    Located,
    Pairs,
    Value,
    build_bank,
    decode_text,
    html_to_text,
    looks_like_html,
)

SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " ", "colon": ":"}
_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_MARKUP = re.compile(r"<(?!br\s*/?>)[a-zA-Z/]", re.IGNORECASE)
_MEDIA = re.compile(r"\[sound:[^\]]*\]|<img\b[^>]*>", re.IGNORECASE)
EXPORT_TIMESTAMP = 1_700_000_000.0  # fixed: the same bank makes the same package


def parse_anki_text(path: Path, data: bytes) -> tuple[Bank, list[FormatWarning]]:
    """The bank an Anki plain-text export holds, and what it could not carry."""
    text = decode_text(path, data)
    warnings: list[FormatWarning] = []
    problems: list[Located[str]] = []

    def warn(line: int, message: str) -> None:
        warnings.append(FormatWarning(str(path), line, 1, message))

    header: dict[str, str] = {}
    lines = text.split("\n")
    body_start = 0
    for number, raw in enumerate(lines):
        if not raw.startswith("#") or ":" not in raw:
            break
        key, _, value = raw[1:].partition(":")
        header[key.strip().lower()] = value.strip()
        body_start = number + 1
    separator = header.get("separator", "tab")
    delimiter = SEPARATORS.get(separator.lower(), separator[:1] or "\t")
    is_html = header.get("html", "false").lower() == "true"

    def column(name: str) -> int | None:
        raw = header.get(f"{name} column")
        return int(raw) - 1 if raw and raw.isdigit() else None

    guid_at, type_at, deck_at, tags_at = (column(n) for n in ("guid", "notetype", "deck", "tags"))
    special = {c for c in (guid_at, type_at, deck_at, tags_at) if c is not None}
    default_type, default_deck = header.get("notetype", "Basic"), header.get("deck", path.stem)
    reader = csv.reader(io.StringIO("\n".join(lines[body_start:])), delimiter=delimiter)
    questions: list[Located[DraftQuestion | Value]] = []
    topics: dict[str, str] = {}
    seen: set[str] = set()
    for row in reader:
        number = body_start + reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        cells = [c for i, c in enumerate(row) if i not in special]
        fields = [_field(c, is_html, number, warn) for c in cells]
        note_type = row[type_at] if type_at is not None and type_at < len(row) else default_type
        deck = row[deck_at] if deck_at is not None and deck_at < len(row) else default_deck
        tags = row[tags_at].split() if tags_at is not None and tags_at < len(row) else []
        guid = row[guid_at] if guid_at is not None and guid_at < len(row) else ""
        topic = deck.strip().replace(",", " ") or path.stem  # a topic id has no comma
        topics.setdefault(topic, topic.split("::")[-1])
        qid = guid.strip() or f"note-{number}"
        while qid in seen:
            qid += "-2"
        seen.add(qid)
        where = (number, 1)
        draft: dict[str, Located[Value]] = {"id": _at(qid, where), "topic": _at(topic, where)}
        if tags:
            draft["tags"] = Located(tuple(_at(t, where) for t in tags), *where)
        if "cloze" in note_type.lower():
            prompt = fields[0] if fields else ""
            draft |= {"type": _at("cloze", where), "prompt": _at(_cloze(prompt), where)}
            if len(fields) > 1 and fields[1]:
                draft["explanation"] = _at(fields[1], where)
        else:
            if "basic" not in note_type.lower():
                warn(number, f"note type '{note_type}' is read as Basic (front, back)")
            if len(fields) < 2:
                problems.append(Located("a Basic note needs a front and a back", *where))
                continue
            if len(fields) > 2 and any(fields[2:]):
                warn(number, "fields after the front and back are not carried")
            draft |= {
                "type": _at("card", where),
                "prompt": _at(fields[0], where),
                "answer": _at(fields[1], where),
            }
        questions.append(Located(DraftQuestion(**draft), *where))
    bank_draft = DraftBank(
        title=_at(path.stem, (1, 1)),
        topics=Located(
            Pairs(tuple((_at(k, (1, 1)), _at(v, (1, 1))) for k, v in topics.items())), 1, 1
        ),
        questions=Located(tuple(questions), 1, 1),
    )
    bank = build_bank(path, Located(bank_draft, 1, 1), problems)
    return bank, sorted(set(warnings), key=lambda w: (w.line, w.message))


def _at(value: str, where: tuple[int, int]) -> Located[Value]:
    return Located(value, *where)


def _field(cell: str, is_html: bool, line: int, warn: Any) -> str:
    if _MEDIA.search(cell):
        warn(line, "media (a sound or an image) is not shown by quiz; left out")
        cell = _MEDIA.sub("", cell)
    if is_html or looks_like_html(cell):
        if _MARKUP.search(cell):  # more than line breaks and entities: say so
            warn(line, "HTML is shown as plain text: tags removed, entities decoded")
        return html_to_text(cell)
    return cell.strip()


def _cloze(text: str) -> str:
    """Anki's cloze deletions as quiz's blanks: the hint's words are other answers."""

    def blank(match: re.Match[str]) -> str:
        answers = [match.group(1), *(match.group(2) or "").split("|")]
        return "{{" + "|".join(a.strip() for a in answers if a.strip()) + "}}"

    return _CLOZE.sub(blank, text)


# ── Writing ────────────────────────────────────────────────────────────────────────────────


def _front_back(q: Question) -> tuple[str, str]:
    """A question as a Basic note's front and back, in plain text."""
    front = q.prompt
    if q.type in ("choice", "multi"):
        front += "\n\n" + "\n".join(f"{n}. {c}" for n, c in enumerate(q.choices, 1))
    elif q.type == "truefalse":
        front += "\n\n(true or false)"
    elif q.type == "match":
        rights = sorted(right for _, right in q.pairs)
        front += "\n\n" + "\n".join(f"{left} → ?" for left, _ in q.pairs)
        front += "\n\n" + " · ".join(rights)
    back = q.answer_text
    if q.type == "numeric" and len(q.answers) > 1:
        back = " or ".join(q.answers)
    if q.type == "short" and len(q.answers) > 1:
        back += "\n(also: " + ", ".join(q.answers[1:]) + ")"
    return front, back


def _cloze_text(q: Question) -> str:
    counter = iter(range(1, len(q.blanks) + 1))

    def deletion(match: re.Match[str]) -> str:
        first, *others = (a.strip() for a in match.group(1).split("|"))
        hint = "::" + "|".join(others) if others else ""
        return f"{{{{c{next(counter)}::{first}{hint}}}}}"

    return BLANK.sub(deletion, q.prompt)


def _html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _tags(q: Question) -> list[str]:
    return [tag.replace(" ", "_") for tag in q.tags]


def anki_notes(bank: Bank) -> list[dict[str, Any]]:
    """Each question as an Anki note: its type, deck, fields (HTML), tags and GUID."""
    import genanki

    notes = []
    for q in bank.questions:
        guid = genanki.guid_for(bank.key, q.id)
        deck = f"{bank.title}::{bank.topic_name(q.topic)}"
        if q.type == "cloze":
            kind, fields = "Cloze", [_html(_cloze_text(q)), _html(q.explanation)]
        else:
            front, back = _front_back(q)
            if q.explanation:
                back += "\n\n" + q.explanation
            kind = "Basic (type in the answer)" if q.type == "short" else "Basic"
            fields = [_html(front), _html(back)]
        notes.append({"type": kind, "deck": deck, "fields": fields, "tags": _tags(q), "guid": guid})
    return notes


def write_apkg(bank: Bank, path: Path) -> None:
    """The bank as a package Anki opens: a deck per topic under the bank's deck."""
    import genanki

    models = {
        "Basic": genanki.BASIC_MODEL,
        "Basic (type in the answer)": genanki.BASIC_TYPE_IN_THE_ANSWER_MODEL,
        "Cloze": genanki.CLOZE_MODEL,
    }
    decks: dict[str, Any] = {}
    for note in anki_notes(bank):
        name = note["deck"]
        if name not in decks:
            deck_id = int(hashlib.sha256(f"{bank.key}\x1f{name}".encode()).hexdigest()[:12], 16)
            decks[name] = genanki.Deck(deck_id % (1 << 62), name)
        decks[name].add_note(
            genanki.Note(
                model=models[note["type"]], fields=note["fields"], tags=note["tags"],
                guid=note["guid"],
            )
        )  # fmt: skip
    genanki.Package(list(decks.values())).write_to_file(str(path), timestamp=EXPORT_TIMESTAMP)


def write_anki_text(bank: Bank) -> str:
    """The bank as Anki's "Notes in Plain Text", with its header."""
    out = io.StringIO()
    out.write(
        "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n"
        "#tags column:6\n"
    )
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    for note in anki_notes(bank):
        kind = "Cloze" if note["type"] == "Cloze" else "Basic"
        writer.writerow([note["guid"], kind, note["deck"], *note["fields"], " ".join(note["tags"])])
    return out.getvalue()
