"""Every format quiz reads and writes banks in, chosen by a file's suffix (or named)."""

from __future__ import annotations

from pathlib import Path

from quiz.core.bank import Bank, read_bank_bytes
from quiz.formats.rules import FormatWarning

READERS = {".yaml": "yaml", ".yml": "yaml", ".gift": "gift"}
WRITERS = {".yaml": "yaml", ".yml": "yaml", ".gift": "gift"}
# What each format carries, for `quiz convert --help`.
CARRIES = {
    "yaml": "every question type and field (quiz's own format)",
    "gift": "Moodle: multiple choice (one or several answers), true/false, short answer, "
    "numerical, matching, missing word; a card or a cloze of several blanks is written as "
    "an essay for Moodle and kept whole for quiz in // quiz: comments",
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
    fmt = named or READERS.get(path.suffix.lower(), "yaml")
    if fmt == "gift":
        from quiz.formats.gift import parse_gift

        return parse_gift(path, data)
    from quiz.formats.yaml_bank import parse_bank

    return parse_bank(path, data), []


def read_any(path: Path, named: str | None = None) -> tuple[Bank, list[FormatWarning]]:
    return parse_any(path, read_bank_bytes(path), named)


def write_any(bank: Bank, fmt: str) -> tuple[str, list[str]]:
    """The bank as text in `fmt`, and notes on what the other side will see differently."""
    if fmt == "gift":
        from quiz.formats.gift import write_gift

        return write_gift(bank)
    from quiz.formats.yaml_writer import write_yaml

    return write_yaml(bank), []
