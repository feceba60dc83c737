"""`quiz validate`: check bank files and summarise each good one."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from quiz.cli.common import UsageError, bank_file, error
from quiz.core.bank import Bank, BankErrors, printable


def _summary(bank: Bank) -> str:
    types = " · ".join(f"{kind} {n}" for kind, n in bank.count_by_type().items() if n)
    per_topic = bank.count_by_topic()
    lines = [
        printable(f"{bank.path}: OK"),
        f"  title      {bank.title}",
        f"  questions  {len(bank.questions)}",
        f"  types      {types}",
        f"  topics     {len(bank.topics)}",
        *(f"    {tid:<24} {per_topic[tid]:>5}  {name}" for tid, name in bank.topics.items()),
    ]
    return "\n".join(lines)


def validate(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="quiz validate",
        description="Check question banks: print a summary of each good one and every "
        "located error (PATH:LINE:COLUMN: message) of each bad one.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="bank files to check")
    args = parser.parse_args(argv)
    from quiz.formats.readers import UnknownFormat, read_any

    status = 0
    for raw in args.paths:
        try:
            bank, warnings = read_any(bank_file(raw))
        except (UsageError, UnknownFormat) as exc:
            error(str(exc))
            status = 2
        except BankErrors as exc:
            print(exc, file=sys.stderr)
            count = len(exc.errors)
            print(printable(f"{raw}: {count} error{'s' * (count != 1)}"), file=sys.stderr)
            status = max(status, 1)
        except OSError as exc:
            error(f"cannot read {raw}: {exc.strerror}")
            status = 2
        else:
            print(_summary(bank))
            for warning in warnings:
                print(warning, file=sys.stderr)
    return status
