"""`quiz results export` and `quiz results import`: answers as JSON Lines or CSV files, so
that a class's results studied on many machines can be brought into one store."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
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
from quiz.formats.results import read_results, record, write_csv, write_jsonl
from quiz.paths import cache_dir
from quiz.store.api import ProgressStore


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
        help="only answers given on or after DATE (YYYY-MM-DD, or an ISO 8601 time)",
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
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{raw}' is not a date (YYYY-MM-DD) or an ISO 8601 time"
        ) from None


def _export(args: argparse.Namespace, store: ProgressStore) -> int:
    bank = load_bank_cached(bank_file(args.bank), cache_dir()).key if args.bank else None
    for name in args.profiles or ():
        known_profile(store, name)

    def records() -> Iterator[dict[str, Any]]:
        for profile in args.profiles or [None]:
            for sitting, answers in store.export(profile):
                if bank is not None and sitting.bank != bank:
                    continue
                for answer in answers:
                    if args.since is None or (answer.answered_at or 0) >= args.since:
                        yield record(sitting, answer)

    if args.output is None or args.output == "-":
        write_jsonl(records(), stdout_or_fail("the results"))
        return 0
    target = Path(args.output)
    write = write_csv if target.suffix.lower() == ".csv" else write_jsonl
    # Written beside the target and renamed over it: an export cut short leaves no half file.
    handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            count = write(records(), out)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    print(f"Exported {count} answers to {printable(str(target))}.", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace, store: ProgressStore) -> int:
    totals = [0, 0, 0]  # added, already present, rejected
    for name in args.files:
        with _opened(name) as lines:
            read = read_results(lines, csv_format=name.lower().endswith(".csv"))
        for problem in read.rejected:
            print(f"{printable(name)}:{problem.line}: {problem.message}", file=sys.stderr)
        added = sum(
            store.merge(sitting, read.answers[uuid]) for uuid, sitting in read.sittings.items()
        )
        counts = (added, read.count - added, len(read.rejected))
        totals = [total + n for total, n in zip(totals, counts, strict=True)]
        stdout_or_fail().write(f"{printable(name)}: {_summary(*counts)}\n")
    if len(args.files) > 1:
        stdout_or_fail().write(f"In all: {_summary(*totals)}\n")
    return 1 if totals[2] else 0


def _summary(added: int, present: int, rejected: int) -> str:
    return f"{added} answers added, {present} already present, {rejected} rejected."


@contextlib.contextmanager
def _opened(name: str) -> Iterator[BinaryIO]:
    if name == "-":
        if sys.stdin is None:
            raise UsageError("standard input is closed; nothing to import")
        yield sys.stdin.buffer
        return
    path = Path(name)
    if path.is_dir():
        raise UsageError(f"{name} is a folder; give a .jsonl or .csv file")
    with path.open("rb") as file:
        yield file
