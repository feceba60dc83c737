"""`quiz [BANK]`: open the app on a bank, or start a session of one mode at once."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from quiz import __version__
from quiz.cli.common import (
    UsageError,
    add_store_options,
    bank_or_shipped,
    open_store,
    option_type,
    profile_name,
    settings,
)
from quiz.core.modes import MODES
from quiz.core.options import parse_count, parse_duration, parse_seed
from quiz.core.scheduling import DEFAULT_RETENTION
from quiz.core.study import Study
from quiz.store.api import StoreError
from quiz.store.sqlite import SQLiteStore

APP_BUSY_TIMEOUT_S = 2.0


def _retention(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.7 <= value <= 0.99:
        raise argparse.ArgumentTypeError(f"expected a number from 0.7 to 0.99, not {raw!r}")
    return value


def _mode_help() -> str:
    """The modes, a line or two each, for the end of `quiz --help`."""
    lines = ["modes (--mode, or a key on the home screen):"]
    for name, mode in MODES.items():
        first, *rest = f"{mode.cli_help.format(count=mode.count)} ({mode.key_display})".split("\n")
        lines.append(f"  {name:<11}{first}")
        lines.extend(f"  {'':<11}{line}" for line in rest)
    return "\n".join(lines) + "\n"


def _count_help() -> str:
    """The help of --count: the first mode's count, and the modes whose count differs
    ("default: 20 for review, exam and mistakes, else 10")."""
    first, *others = MODES.values()
    by_count: dict[int, list[str]] = {}
    for mode in others:
        if mode.count != first.count:
            by_count.setdefault(mode.count, []).append(mode.name)
    parts = [
        f"{count} for {', '.join(names[:-1])}{' and ' * (len(names) > 1)}{names[-1]}"
        for count, names in by_count.items()
    ]
    if not parts:
        return f"questions per session (default: {first.count})"
    return f"questions per session (default: {'; '.join(parts)}, else {first.count})"


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quiz",
        description="Study a question bank (YAML, Moodle GIFT or Anki's plain-text notes) in "
        "the terminal; progress per topic is saved as you answer.",
        epilog=_mode_help() + "\n"
        "other commands:\n"
        "  quiz validate PATH...   check bank files and summarise them\n"
        "  quiz lint BANK...       find item-writing flaws (quiz lint --rules lists them)\n"
        "  quiz stats              progress per topic (--json, --csv for scripts)\n"
        "  quiz profiles           whose progress is kept, with their answers\n"
        "  quiz reset              remove recorded answers (asks first)\n"
        "  quiz db copy            copy history between databases (SQLite, PostgreSQL)\n"
        "  quiz results export     answers to a JSON Lines or CSV file (import: merge them)\n"
        "  quiz report class       the class at a glance (also: exams, items)\n"
        "  quiz convert IN -o OUT  a bank from one format to another (YAML, Moodle GIFT)\n"
        "  quiz config             where the config file is and what is in force\n"
        "run 'quiz COMMAND --help' for their options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "bank",
        nargs="?",
        metavar="BANK",
        help="a bank file (default: the bank that ships with quiz)",
    )
    add_store_options(parser)
    parser.add_argument(
        "--mode",
        choices=list(MODES),
        default=None,
        help="start a session of this mode at once (default: the home screen)",
    )
    parser.add_argument(
        "--topics", metavar="A,B", default="", help="only these topic ids (default: all)"
    )
    parser.add_argument(
        "--count",
        type=option_type(parse_count),
        default=None,
        metavar="N",
        help=_count_help(),
    )
    parser.add_argument(
        "--time",
        type=option_type(parse_duration),
        default=None,
        metavar="LIMIT",
        help="an exam's time limit, e.g. 10m, 90s, 1h30m",
    )
    parser.add_argument(
        "--seed",
        type=option_type(parse_seed),
        default=None,
        metavar="N",
        help="fix the questions and their order: the same seed, the same exam",
    )
    parser.add_argument(
        "--retention",
        type=_retention,
        default=None,
        metavar="R",
        help=f"review: the recall to aim for, 0.7 to 0.99 (default: the config file, else "
        f"{DEFAULT_RETENTION})",
    )
    parser.add_argument("--version", action="version", version=f"quiz {__version__}")
    return parser


def run_app(argv: Sequence[str]) -> int:
    args = _app_parser().parse_args(argv)
    bank = bank_or_shipped(args.bank)  # a bank with errors stops here, before any screen is drawn
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
        store = open_store(args, studying=True, quiet=True, busy_timeout=APP_BUSY_TIMEOUT_S)
        if store.backup:
            warning = (
                f"Your progress file was damaged. It was moved to {store.backup}; "
                "a fresh one was started."
            )
    except StoreError as exc:
        store = SQLiteStore.in_memory()
        warning = f"Progress will not be saved: {exc}"
    from quiz.tui.app import QuizApp  # Textual is imported only when the app runs

    app = QuizApp(
        Study.open(bank, store, profile_name(args)),
        mode=args.mode,
        topics=topics,
        count=args.count,
        seed=args.seed,
        time_limit=args.time,
        retention=settings(args).retention,
        warning=warning,
    )
    try:
        app.run()
    finally:
        store.close()
    return app.return_code or 0
