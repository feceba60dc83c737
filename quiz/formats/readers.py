"""Every format quiz reads and writes banks in, chosen by a file's suffix (or named)."""

from __future__ import annotations

import re
from pathlib import Path

from quiz.core.bank import Bank, BankError, BankErrors, read_bank_bytes
from quiz.formats.rules import FormatWarning

READERS = {".yaml": "yaml", ".yml": "yaml", ".gift": "gift"}  # .txt: --from gift or anki
WRITERS = {".yaml": "yaml", ".yml": "yaml", ".gift": "gift", ".apkg": "apkg"}
# What each format carries, for `quiz convert --help`.
CARRIES = {
    "yaml": "every question type and field (quiz's own format)",
    "gift": "Moodle: multiple choice (one or several answers), true/false, short answer, "
    "numerical, matching, missing word; a card or a cloze of several blanks is written as "
    "an essay for Moodle and kept whole for quiz in // quiz: comments",
    "anki": "Anki's Notes in Plain Text: Basic notes (cards) and Cloze notes in, every "
    "question out (choices, true/false, numbers and pairs on the card's front)",
    "apkg": "an Anki package (write only): Basic, Basic (type in the answer) for short "
    "answers and Cloze notes, a subdeck per topic, stable GUIDs",
}


class UnknownFormat(ValueError):
    """A file whose format its suffix does not say."""


def format_of(path: Path, named: str | None = None, table: dict[str, str] = READERS) -> str:
    if named:
        return named
    found = table.get(path.suffix.lower())
    if found is None:
        known = ", ".join(sorted(table))
        raise UnknownFormat(
            f"{path}: which format? Its suffix is not one of {known}; name it with --from/--to"
        )
    return found


def parse_any(
    path: Path, data: bytes, named: str | None = None
) -> tuple[Bank, list[FormatWarning]]:
    """The bank in `data`, and what its format could not carry; YAML unless the file's
    suffix (or `named`) says otherwise."""
    if path.suffix.lower() == ".apkg" and not named:
        message = (
            "quiz writes Anki packages but does not read them; export the notes from Anki as "
            "plain text (Notes in Plain Text) and read that"
        )
        raise BankErrors([BankError(str(path), 1, 1, message)])
    fmt = named or READERS.get(path.suffix.lower()) or _sniff(path, data)
    if fmt == "gift":
        from quiz.formats.gift import parse_gift

        return parse_gift(path, data)
    if fmt == "anki":
        from quiz.formats.anki import parse_anki_text

        return parse_anki_text(path, data)

    from quiz.formats.yaml_bank import parse_bank

    return parse_bank(path, data), []


def read_any(path: Path, named: str | None = None) -> tuple[Bank, list[FormatWarning]]:
    return parse_any(path, read_bank_bytes(path), named)


def write_any(bank: Bank, fmt: str, path: Path) -> list[str]:
    """Write the bank to `path` in `fmt`; notes on what the other side will see otherwise."""
    notes: list[str] = []
    if fmt == "apkg":
        from quiz.formats.anki import write_apkg

        write_apkg(bank, path)
        return notes
    if fmt == "gift":
        from quiz.formats.gift import write_gift

        text, notes = write_gift(bank)
    elif fmt == "anki":
        from quiz.formats.anki import write_anki_text

        text = write_anki_text(bank)
    else:
        from quiz.formats.yaml_writer import write_yaml

        text = write_yaml(bank)
    path.write_text(text, encoding="utf-8")
    return notes


_ANKI_CLOZE = re.compile(rb"\{\{c\d+::")
_ANKI_HEADER = re.compile(rb"#(separator|html|columns|notetype|deck|tags|guid)\b", re.IGNORECASE)


def _sniff(path: Path, data: bytes) -> str:
    """A `.txt` (or unknown) file's format from its start: Anki's header lines, or GIFT's
    answer blocks; YAML otherwise."""
    if path.suffix.lower() != ".txt":
        return "yaml"
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    if _ANKI_HEADER.match(head) or _ANKI_CLOZE.search(head):
        return "anki"
    if b"{" in head and b"}" in head:  # GIFT's answer blocks
        return "gift"
    return "anki"
