"""`quiz convert IN -o OUT`: a bank from one format to another (YAML, Moodle's GIFT, Anki)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from quiz.cli.common import UsageError, bank_file, stdout_or_fail
from quiz.core.bank import printable
from quiz.formats.readers import CARRIES, READERS, WRITERS, UnknownFormat, format_of


def convert(argv: Sequence[str]) -> int:
    formats = "\n".join(f"  {name:<6} {what}" for name, what in CARRIES.items())
    parser = argparse.ArgumentParser(
        prog="quiz convert",
        description="Convert a question bank between formats, chosen by the files' suffixes "
        f"(read: {', '.join(sorted(READERS))}; write: {', '.join(sorted(WRITERS))}). Every "
        "warning about what the target cannot carry is printed; errors exit 1.",
        epilog=f"formats and what each carries:\n{formats}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", metavar="IN", help="the bank to read")
    parser.add_argument("-o", "--output", required=True, metavar="OUT", help="the file to write")
    parser.add_argument(
        "--from",
        dest="source_format",
        choices=("anki", "gift", "yaml"),
        help="read IN as this format, whatever its suffix",
    )
    parser.add_argument(
        "--to",
        dest="target_format",
        choices=sorted(CARRIES),
        help="write OUT as this format, whatever its suffix",
    )
    args = parser.parse_args(argv)
    source, target = bank_file(args.source), Path(args.output)
    try:
        reading = format_of(source, args.source_format)
        writing = format_of(target, args.target_format, WRITERS)
    except UnknownFormat as exc:
        raise UsageError(str(exc)) from None
    if target.is_dir():
        raise UsageError(f"{args.output} is a folder; give a file name")
    from quiz.formats.readers import read_any, write_any

    try:
        bank, warnings = read_any(source, reading)
    except UnknownFormat as exc:
        raise UsageError(str(exc)) from None
    for warning in warnings:
        print(warning, file=sys.stderr)
    notes = write_any(bank, writing, target)
    for note in notes:
        print(printable(f"{target}: note: {note}"), file=sys.stderr)
    done = (
        f"Converted {len(bank.questions)} questions from {source} ({reading}) to {target} "
        f"({writing}); {len(warnings)} warning{'s' * (len(warnings) != 1)}."
    )
    stdout_or_fail().write(printable(done) + "\n")
    return 0
