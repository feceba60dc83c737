"""The `quiz` command line: study a bank, or validate, report on and reset progress."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from quiz import __version__
from quiz.bank import Bank, shipped_bank_path
from quiz.loader import BankErrors, load_bank


class UsageError(Exception):
    """A mistake in how quiz was called: exit status 2."""


def _bank_file(raw: str) -> Path:
    path = Path(raw).expanduser()
    if not path.exists():
        raise UsageError(f"no such file: {raw}")
    if path.is_dir():
        raise UsageError(f"{raw} is a folder; give the path of a bank file (.yaml)")
    return path


def _summary(bank: Bank) -> str:
    types = " · ".join(f"{kind} {n}" for kind, n in bank.count_by_type().items() if n)
    per_topic = bank.count_by_topic()
    lines = [
        f"{bank.path}: OK",
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
    status = 0
    for raw in args.paths:
        try:
            bank = load_bank(_bank_file(raw))
        except UsageError as exc:
            print(f"quiz: {exc}", file=sys.stderr)
            status = 2
        except BankErrors as exc:
            print(exc, file=sys.stderr)
            count = len(exc.errors)
            print(f"{raw}: {count} error{'s' * (count != 1)}", file=sys.stderr)
            status = max(status, 1)
        except OSError as exc:
            print(f"quiz: cannot read {raw}: {exc.strerror}", file=sys.stderr)
            status = 2
        else:
            print(_summary(bank))
    return status


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {"validate": validate}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            return COMMANDS[argv[0]](argv[1:])
        parser = argparse.ArgumentParser(prog="quiz")
        parser.add_argument("bank", nargs="?", help="a bank file (default: the shipped bank)")
        parser.add_argument("--version", action="version", version=f"quiz {__version__}")
        args = parser.parse_args(argv)
        path = _bank_file(args.bank) if args.bank else shipped_bank_path()
        print(_summary(load_bank(path)))
        return 0
    except UsageError as exc:
        print(f"quiz: {exc}", file=sys.stderr)
        return 2
    except BankErrors as exc:
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
