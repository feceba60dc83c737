"""The `quiz` command line: each command in its own module; here, errors become exit codes."""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from quiz.cli.common import NoSuchProfile, UsageError, error
from quiz.cli.study import run_app
from quiz.config import ConfigError
from quiz.core.bank import BankErrors
from quiz.store.api import StoreError

# Each command is the function of its name in the module of its name, imported only when it
# runs: studying, the usual start, pays for none of them.
COMMANDS = ("validate", "lint", "stats", "reset", "config", "profiles", "db", "results",
            "report", "convert")  # fmt: skip


def _command(name: str) -> Callable[[Sequence[str]], int]:
    function: Callable[[Sequence[str]], int] = getattr(
        importlib.import_module(f"quiz.cli.{name}"), name
    )
    return function


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        name = argv[0] if argv else ""
        status = _command(name)(argv[1:]) if name in COMMANDS else run_app(argv)
        if sys.stdout is not None:
            sys.stdout.flush()  # a full disk or a closed pipe shows here, not at exit
        return status
    except (UsageError, ConfigError) as exc:
        error(str(exc))
        return 2
    except BankErrors as exc:
        with contextlib.suppress(OSError):
            print(exc, file=sys.stderr)
        return 1
    except (StoreError, NoSuchProfile) as exc:
        error(str(exc))
        return 1
    except BrokenPipeError:  # `quiz validate x | head -1`: the reader has had enough
        _silence_stdout()
        return 141
    except OSError as exc:
        _silence_stdout()
        where = f": {exc.filename}" if exc.filename else ""
        error(f"{exc.strerror or exc}{where}")
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
