"""What the commands share: the bank, profile and store options, and the errors a caller makes."""

from __future__ import annotations

import argparse
import contextlib
import errno
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

import quiz.store
from quiz.config import Config, load_config, redact, sqlite_url
from quiz.core.bank import Bank, printable, shipped_bank_path
from quiz.formats.cache import load_bank_cached
from quiz.paths import cache_dir, data_dir
from quiz.store.api import ProgressStore

DB_NAME = "progress.db"

T = TypeVar("T")


class UsageError(Exception):
    """A mistake in how quiz was called: exit status 2."""


def bank_file(raw: str) -> Path:
    path = Path(raw).expanduser()
    if not path.exists():
        raise UsageError(f"no such file: {raw}")
    if path.is_dir():
        raise UsageError(f"{raw} is a folder; give the path of a bank file (.yaml)")
    return path


def add_store_options(parser: argparse.ArgumentParser, *, profile: bool = True) -> None:
    if profile:
        parser.add_argument(
            "--profile",
            default=None,
            help="whose progress (default: $QUIZ_PROFILE, the config file, else your login name)",
        )
    parser.add_argument(
        "--data-dir",
        default=None,
        metavar="DIR",
        help="where progress is kept (default: $QUIZ_DATA_DIR, else the user data folder)",
    )
    parser.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="the progress database: sqlite:///PATH or postgresql://USER@HOST/DB "
        "(default: $QUIZ_DB, the config file, else progress.db in the data folder)",
    )


def settings(args: argparse.Namespace) -> Config:
    """The configuration in force: these options over the environment over the file."""
    flags = {"database": args.db, "profile": getattr(args, "profile", None)}
    if getattr(args, "retention", None) is not None:
        flags["retention"] = args.retention
    return load_config(flags)


def profile_name(args: argparse.Namespace) -> str:
    """Whose progress: --profile, $QUIZ_PROFILE, the config file, else the login name; never
    a terminal control code."""
    name = printable(settings(args).profile).strip()
    # Bytes that are not UTF-8 (a lone surrogate from the shell) cannot be stored: shown as ?.
    return name.encode("utf-8", "replace").decode("utf-8") or "default"


def stdout_or_fail(what: str = "the report") -> TextIO:
    """Standard output, or the error of a program started with it closed (`quiz stats >&-`)."""
    if sys.stdout is None:
        raise OSError(errno.EBADF, f"standard output is closed; nothing to write {what} to")
    return sys.stdout


def database_url(args: argparse.Namespace) -> str:
    """Which database: --db, $QUIZ_DB, the config file, else progress.db in the data folder
    (--data-dir, $QUIZ_DATA_DIR, or the user data folder)."""
    chosen = settings(args)
    if chosen.database_source != "default":
        return chosen.database
    return sqlite_url(data_dir(args.data_dir) / DB_NAME)


def outbox_path(args: argparse.Namespace, url: str) -> Path:
    """Where answers wait while the server of `url` cannot be reached: a file of its own per
    database (the password aside), so that nothing waiting is ever sent to another one."""
    digest = hashlib.sha256(redact(url).encode()).hexdigest()[:12]
    return data_dir(args.data_dir) / f"outbox-{digest}.db"


def open_store(
    args: argparse.Namespace, *, studying: bool = False, quiet: bool = False, **options: Any
) -> ProgressStore:
    """The store the options name; `options` go to `quiz.store.open_store`. Only `studying`
    keeps answers in an outbox while a server is away: a report or a reset has nothing to
    keep, and says the server cannot be reached. Unless `quiet`, a damaged file moved aside
    is said on standard error."""
    url = database_url(args)
    outbox = outbox_path(args, url) if studying else None
    store = quiz.store.open_store(url, outbox=outbox, **options)
    if store.backup and not quiet:
        print(
            f"quiz: {store.location} was damaged; it was moved to {store.backup} and a fresh "
            "one started",
            file=sys.stderr,
        )
    return store


class NoSuchProfile(Exception):
    """A profile named on the command line has no record in the store: exit status 1."""


def known_profile(store: ProgressStore, name: str) -> None:
    """Refuse a profile the store does not know, naming the ones it does."""
    names = [p.name for p in store.profiles()]
    if name not in names:
        known = ", ".join(names) if names else "none yet"
        raise NoSuchProfile(
            f"no such profile '{name}' in {store.location}; known profiles: {known}"
        )


def bank_or_shipped(raw: str | None) -> Bank:
    return load_bank_cached(bank_file(raw) if raw else shipped_bank_path(), cache_dir())


def confirm(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except (EOFError, RuntimeError, OSError):  # no input, or standard input is closed
        print("\nNo answer (standard input is closed or empty); use --yes to confirm.")
        return False


def option_type(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse type from a parser of quiz.core.options; its message is the usage error."""

    def convert(raw: str) -> T:
        try:
            return parse(raw)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = parse.__name__
    return convert


def error(message: str) -> None:
    """One line on standard error; names in it (files, profiles) cannot carry control codes."""
    if sys.stderr is not None:
        with contextlib.suppress(OSError):
            print(f"quiz: {printable(message)}", file=sys.stderr)
