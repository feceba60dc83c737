"""The `quiz` command line: study a bank, or validate, report on and reset progress."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from quiz import __version__
from quiz.bank import Bank, BankErrors, printable, shipped_bank_path
from quiz.bankcache import load_bank_cached
from quiz.modes import MODES
from quiz.options import parse_count, parse_duration, parse_seed
from quiz.paths import cache_dir, data_dir, default_profile
from quiz.review import DEFAULT_RETENTION
from quiz.store import ProgressStore, StoreError

T = TypeVar("T")
APP_BUSY_TIMEOUT_S = 2.0


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
    from quiz.loader import load_bank

    status = 0
    for raw in args.paths:
        try:
            bank = load_bank(_bank_file(raw))
        except UsageError as exc:
            _error(str(exc))
            status = 2
        except BankErrors as exc:
            print(exc, file=sys.stderr)
            count = len(exc.errors)
            print(printable(f"{raw}: {count} error{'s' * (count != 1)}"), file=sys.stderr)
            status = max(status, 1)
        except OSError as exc:
            _error(f"cannot read {raw}: {exc.strerror}")
            status = 2
        else:
            print(_summary(bank))
    return status


def lint(argv: Sequence[str]) -> int:
    from quiz.lint import RULES
    from quiz.lint import lint as find_flaws

    rules = "\n".join(f"  {rule.id:<24} {rule.why}" for rule in RULES.values())
    parser = argparse.ArgumentParser(
        prog="quiz lint",
        description="Find item-writing flaws in question banks: answers one question gives "
        "away, cues a test-wise student reads, missing explanations. Prints each as "
        "PATH:LINE:COLUMN: warning: message [rule-id].",
        epilog=f"rules (switch one off with `lint: {{ignore: [rule-id]}}` at the top of a bank "
        f"or in a question):\n{rules}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="BANK", help="bank files to check")
    parser.add_argument("--strict", action="store_true", help="exit 1 when there are warnings")
    parser.add_argument("--rules", action="store_true", help="list the rules and exit")
    args = parser.parse_args(argv)
    if args.rules:
        print(rules)
        return 0
    if not args.paths:
        parser.error("give at least one bank file (or --rules)")
    status, total = 0, 0
    for raw in args.paths:
        try:
            bank = load_bank_cached(_bank_file(raw), cache_dir())
        except BankErrors as exc:
            print(exc, file=sys.stderr)
            status = max(status, 2)
            continue
        findings = find_flaws(bank)
        total += len(findings)
        if findings and sys.stdout is None:
            raise OSError(
                errno.EBADF, "standard output is closed; nothing to write the warnings to"
            )
        for finding in findings:
            print(finding)
        print(
            printable(f"{raw}: {len(findings)} warning{'s' * (len(findings) != 1)}"),
            file=sys.stderr,
        )
    if total and args.strict:
        status = max(status, 1)
    return status


def _add_store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", default=None, help="whose progress (default: login name)")
    parser.add_argument(
        "--data-dir",
        default=None,
        metavar="DIR",
        help="where progress is kept (default: $QUIZ_DATA_DIR, else the user data folder)",
    )


def _profile(args: argparse.Namespace) -> str:
    """Whose progress: --profile, else the login name; never a terminal control code."""
    name = printable(args.profile or default_profile()).strip()
    # Bytes that are not UTF-8 (a lone surrogate from the shell) cannot be stored: shown as ?.
    return name.encode("utf-8", "replace").decode("utf-8") or "default"


def _open_store(args: argparse.Namespace) -> ProgressStore:
    store = ProgressStore.open(data_dir(args.data_dir))
    if store.backup:
        print(
            f"quiz: {store.path} was damaged; it was moved to {store.backup} and a fresh "
            "one started",
            file=sys.stderr,
        )
    return store


def _bank_arg(raw: str | None) -> Bank:
    return load_bank_cached(_bank_file(raw) if raw else shipped_bank_path(), cache_dir())


def stats(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="quiz stats",
        description="Show a profile's progress per topic of a bank, across all sessions.",
    )
    parser.add_argument("--bank", metavar="PATH", help="the bank (default: the shipped bank)")
    _add_store_options(parser)
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON (fields: see README)")
    form.add_argument("--csv", action="store_true", help="print CSV (fields: see README)")
    args = parser.parse_args(argv)
    bank = _bank_arg(args.bank)
    profile = _profile(args)
    store = _open_store(args)
    try:
        rows = store.topic_summary(profile, bank.title, bank.topics)
    finally:
        store.close()
    from quiz.report import stats_csv, stats_json, stats_table

    render = stats_json if args.json else stats_csv if args.csv else stats_table
    if sys.stdout is None:  # started with standard output closed (`quiz stats >&-`)
        raise OSError(errno.EBADF, "standard output is closed; nothing to write the report to")
    sys.stdout.write(render(bank, profile, rows))
    return 0


def reset(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="quiz reset",
        description="Remove a profile's recorded answers in a bank, or in one topic of it.",
    )
    parser.add_argument("--bank", metavar="PATH", help="the bank (default: the shipped bank)")
    parser.add_argument("--topic", metavar="ID", help="only this topic")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _add_store_options(parser)
    args = parser.parse_args(argv)
    bank = _bank_arg(args.bank)
    if args.topic is not None and args.topic not in bank.topics:
        raise UsageError(
            f"no topic '{args.topic}' in {bank.title}; topics: {', '.join(bank.topics)}"
        )
    profile = _profile(args)
    store = _open_store(args)
    try:
        count = store.count_answers(profile, bank.title, args.topic)
        scope = f"topic '{args.topic}' of " if args.topic else ""
        what = (
            f"{count} recorded answer{'s' * (count != 1)} of profile '{profile}' in {scope}"
            f"'{bank.title}'"
        )
        if count == 0:
            print(f"Nothing to remove: no answers of profile '{profile}' in {scope}'{bank.title}'.")
            return 0
        if not args.yes and not _confirm(f"Remove {what}? This cannot be undone. [y/N] "):
            print("Nothing removed.")
            return 1
        store.reset(profile, bank.title, args.topic)
    finally:
        store.close()
    print(f"Removed {what}.")
    return 0


def _confirm(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except (EOFError, RuntimeError, OSError):  # no input, or standard input is closed
        print("\nNo answer (standard input is closed or empty); use --yes to confirm.")
        return False


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "validate": validate,
    "lint": lint,
    "stats": stats,
    "reset": reset,
}


def _option(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse type from one of quiz.options' parsers: its message becomes the usage error."""

    def convert(raw: str) -> T:
        try:
            return parse(raw)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = parse.__name__
    return convert


def _retention(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.7 <= value <= 0.99:
        raise argparse.ArgumentTypeError(f"expected a number from 0.7 to 0.99, not {raw!r}")
    return value


MODE_HELP = """\
modes (--mode, or a key on the home screen):
  practice   shuffled questions from the chosen topics, feedback after each (Enter)
  review     spaced repetition (FSRS): only the cards that are due (r)
  drill      mostly your weakest topics and most-missed questions (d)
  exam       N questions (default 20) in an order fixed by --seed; optional --time;
             verdicts and a full report at the end; schedules are left alone (e)
  mistakes   the questions you last got wrong, most recent first (m)
"""


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quiz",
        description="Study a YAML question bank in the terminal; progress per topic is saved "
        "as you answer.",
        epilog=MODE_HELP + "\n"
        "other commands:\n"
        "  quiz validate PATH...   check bank files and summarise them\n"
        "  quiz lint BANK...       find item-writing flaws (quiz lint --rules lists them)\n"
        "  quiz stats              progress per topic (--json, --csv for scripts)\n"
        "  quiz reset              remove recorded answers (asks first)\n"
        "run 'quiz COMMAND --help' for their options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "bank",
        nargs="?",
        metavar="BANK",
        help="a bank file (default: the bank that ships with quiz)",
    )
    _add_store_options(parser)
    parser.add_argument(
        "--mode",
        choices=MODES,
        default=None,
        help="start a session of this mode at once (default: the home screen)",
    )
    parser.add_argument(
        "--topics", metavar="A,B", default="", help="only these topic ids (default: all)"
    )
    parser.add_argument(
        "--count",
        type=_option(parse_count),
        default=None,
        metavar="N",
        help="questions per session (default: 20 for exam and review, else 10)",
    )
    parser.add_argument(
        "--time",
        type=_option(parse_duration),
        default=None,
        metavar="LIMIT",
        help="an exam's time limit, e.g. 10m, 90s, 1h30m",
    )
    parser.add_argument(
        "--seed",
        type=_option(parse_seed),
        default=None,
        metavar="N",
        help="fix the questions and their order: the same seed, the same exam",
    )
    parser.add_argument(
        "--retention",
        type=_retention,
        default=DEFAULT_RETENTION,
        metavar="R",
        help="review: the recall to aim for, 0.7 to 0.99 (default: 0.9)",
    )
    parser.add_argument("--version", action="version", version=f"quiz {__version__}")
    return parser


def run_app(argv: Sequence[str]) -> int:
    args = _app_parser().parse_args(argv)
    bank = _bank_arg(args.bank)  # a bank with errors stops here, before any screen is drawn
    topics = tuple(t.strip() for t in args.topics.split(",") if t.strip())
    unknown = [t for t in topics if t not in bank.topics]
    if unknown:
        raise UsageError(
            f"no topic {', '.join(map(repr, unknown))} in {bank.title}; "
            f"topics: {', '.join(bank.topics)}"
        )
    if not all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout)):
        raise UsageError(
            "the app needs a terminal (standard input and output are not one); "
            "for scripts, use 'quiz validate' and 'quiz stats'"
        )
    warning = None
    try:
        # A write waits at most this long for another writer, so the app never freezes long.
        store = ProgressStore.open(data_dir(args.data_dir), busy_timeout=APP_BUSY_TIMEOUT_S)
        if store.backup:
            warning = (
                f"Your progress file was damaged. It was moved to {store.backup}; "
                "a fresh one was started."
            )
    except StoreError as exc:
        store = ProgressStore.in_memory()
        warning = f"Progress will not be saved: {exc}"
    from quiz.app import QuizApp  # Textual is imported only when the app runs

    app = QuizApp(
        bank,
        store,
        _profile(args),
        mode=args.mode,
        topics=topics,
        count=args.count,
        seed=args.seed,
        time_limit=args.time,
        retention=args.retention,
        warning=warning,
    )
    try:
        app.run()
    finally:
        store.close()
    return app.return_code or 0


def _error(message: str) -> None:
    """One line on standard error; names in it (files, profiles) cannot carry control codes."""
    if sys.stderr is not None:
        with contextlib.suppress(OSError):
            print(f"quiz: {printable(message)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        command = COMMANDS.get(argv[0]) if argv else None
        status = command(argv[1:]) if command else run_app(argv)
        if sys.stdout is not None:
            sys.stdout.flush()  # a full disk or a closed pipe shows here, not at exit
        return status
    except UsageError as exc:
        _error(str(exc))
        return 2
    except BankErrors as exc:
        with contextlib.suppress(OSError):
            print(exc, file=sys.stderr)
        return 1
    except StoreError as exc:
        _error(str(exc))
        return 1
    except BrokenPipeError:  # `quiz validate x | head -1`: the reader has had enough
        _silence_stdout()
        return 141
    except OSError as exc:
        _silence_stdout()
        where = f": {exc.filename}" if exc.filename else ""
        _error(f"{exc.strerror or exc}{where}")
        return 1
    except KeyboardInterrupt:
        return 130


def _silence_stdout() -> None:
    """After a failed write, point standard output at nothing, so that the interpreter's own
    flush at exit has nothing left to fail on."""
    if sys.stdout is None:
        return
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
