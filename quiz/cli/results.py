"""`quiz results export` and `quiz results import`: answers as JSON Lines or CSV files, so
that a class's results studied on many machines can be brought into one store."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from quiz.cli.common import (
    UsageError,
    add_store_options,
    bank_file,
    known_profile,
    open_store,
    stdout_or_fail,
)
from quiz.core.bank import printable
from quiz.formats.cache import load_bank_cached
from quiz.formats.results import (
    Rejected,
    lines_of,
    read_results,
    record,
    write_csv,
    write_jsonl,
)
from quiz.paths import cache_dir, write_atomically
from quiz.store.api import ProgressStore, SittingConflict


def results(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="quiz results",
        description="Move answers between machines as JSON Lines (.jsonl) or CSV (.csv) files "
        "(the fields: see the README).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    export = commands.add_parser(
        "export",
        help="write every answer to a file",
        description="Write every answer (of a bank, of some profiles, since a date) as JSON "
        "Lines, or CSV if the output file's name ends in .csv. Without -o, JSON Lines go to "
        "standard output.",
    )
    export.add_argument("--bank", metavar="PATH", help="only the answers to this bank")
    export.add_argument(
        "--profile",
        action="append",
        dest="profiles",
        metavar="NAME",
        help="only this profile (repeatable)",
    )
    export.add_argument(
        "--since",
        type=_since,
        metavar="DATE",
        help="only sittings begun on or after DATE (YYYY-MM-DD, or an ISO 8601 time)",
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE")
    add_store_options(export, profile=False)
    imports = commands.add_parser(
        "import",
        help="merge files of answers into the store",
        description="Merge answers from files written by `quiz results export` (or by hand: "
        "see the README). An answer already in the store (by its id) is not added again; a "
        "record that is not valid is reported as FILE:LINE and skipped, and the rest are "
        "imported. Exit status 1 if any record was rejected.",
    )
    imports.add_argument("files", nargs="+", metavar="FILE", help=".jsonl or .csv; - for stdin")
    imports.add_argument(
        "--format",
        choices=("jsonl", "csv"),
        help="read every file as this (default: by its suffix; JSON Lines for stdin)",
    )
    add_store_options(imports, profile=False)
    args = parser.parse_args(argv)
    store = open_store(args)
    try:
        if args.command == "export":
            return _export(args, store)
        return _import(args, store)
    finally:
        store.close()


def _since(raw: str) -> float:
    """A date (local midnight) or an ISO 8601 time (local if it names no zone)."""
    try:
        return datetime.fromisoformat(raw).timestamp()
    except (OverflowError, OSError):
        raise argparse.ArgumentTypeError(f"'{raw}' is out of range") from None
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{raw}' is not a date (YYYY-MM-DD) or an ISO 8601 time"
        ) from None


def _export(args: argparse.Namespace, store: ProgressStore) -> int:
    bank = load_bank_cached(bank_file(args.bank), cache_dir()).key if args.bank else None
    profiles = list(dict.fromkeys(args.profiles or ()))  # each once, in the order given
    for name in profiles:
        known_profile(store, name)

    def records() -> Iterator[dict[str, Any]]:
        for profile in profiles or [None]:
            for sitting, answers in store.export(profile):
                if bank is not None and sitting.bank != bank:
                    continue
                if args.since is not None and sitting.started < args.since:
                    continue  # whole sittings only: an exam is never cut in two
                for answer in answers:
                    yield record(sitting, answer)

    if args.output is None or args.output == "-":
        write_jsonl(records(), stdout_or_fail("the results"))
        return 0
    target = Path(args.output)
    write = write_csv if target.suffix.lower() == ".csv" else write_jsonl
    if target.is_dir():
        raise UsageError(f"{args.output} is a folder; give a file name (.jsonl or .csv)")
    if not target.parent.is_dir():
        raise UsageError(f"no such folder: {target.parent}")
    if target.is_symlink() or (target.exists() and not target.is_file()):
        with target.open("w", encoding="utf-8", newline="") as out:  # a link, a pipe, a device
            count = write(records(), out)
    else:
        count = write_atomically(target, lambda out: write(records(), out))
    print(f"Exported {count} answers to {printable(str(target))}.", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace, store: ProgressStore) -> int:
    for name in args.files:  # every file checked before any is read
        _check_file(name)
    totals = [0, 0, 0]  # added, already present, rejected
    for name in args.files:
        csv_format = args.format == "csv" or (args.format is None and name.lower().endswith(".csv"))
        with _opened(name) as file:
            read = read_results(lines_of(file), csv_format=csv_format)
        added = refused = 0
        conflicts = []
        for uuid, sitting in read.sittings.items():
            try:
                added += store.merge(sitting, read.answers[uuid])
            except SittingConflict as exc:
                answers = len(read.answers[uuid])
                message = f"{exc}; its {answers} answers are not imported"
                conflicts.append(Rejected(read.first_line(uuid), message))
                refused += answers
        for problem in sorted([*read.rejected, *conflicts], key=lambda r: r.line):
            print(f"{printable(name)}:{problem.line}: {problem.message}", file=sys.stderr)
        counts = (added, read.count - added - refused, len(read.rejected) + refused)
        totals = [total + n for total, n in zip(totals, counts, strict=True)]
        stdout_or_fail().write(f"{printable(name)}: {_summary(*counts)}\n")
    if len(args.files) > 1:
        stdout_or_fail().write(f"In all: {_summary(*totals)}\n")
    return 1 if totals[2] else 0


def _summary(added: int, present: int, rejected: int) -> str:
    return f"{added} answers added, {present} already present, {rejected} rejected."


def _check_file(name: str) -> None:
    """Refuse what cannot be a results file before anything is imported."""
    if name == "-":
        if sys.stdin is None:
            raise UsageError("standard input is closed; nothing to import")
        return
    path = Path(name)
    if path.is_dir():
        raise UsageError(f"{name} is a folder; give a .jsonl or .csv file")
    if path.exists() and not path.is_file():
        raise UsageError(f"{name} is not a regular file; give a .jsonl or .csv file")
    if not path.exists():
        raise UsageError(f"no such file: {name}")


@contextlib.contextmanager
def _opened(name: str) -> Iterator[BinaryIO]:
    if name == "-":
        yield sys.stdin.buffer
        return
    with Path(name).open("rb") as file:
        yield file
