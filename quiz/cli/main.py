"""The `quiz` command line: each command in its own module; here, errors become exit codes."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence

from quiz.cli.common import NoSuchProfile, UsageError, error
from quiz.cli.config import config
from quiz.cli.convert import convert
from quiz.cli.db import db
from quiz.cli.lint import lint
from quiz.cli.profiles import profiles
from quiz.cli.report import report
from quiz.cli.reset import reset
from quiz.cli.results import results
from quiz.cli.stats import stats
from quiz.cli.study import run_app
from quiz.cli.validate import validate
from quiz.config import ConfigError
from quiz.core.bank import BankErrors
from quiz.reports.charts import NeedsMatplotlib
from quiz.store.api import StoreError

COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "validate": validate,
    "lint": lint,
    "stats": stats,
    "reset": reset,
    "config": config,
    "profiles": profiles,
    "db": db,
    "results": results,
    "report": report,
    "convert": convert,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        command = COMMANDS.get(argv[0]) if argv else None
        status = command(argv[1:]) if command else run_app(argv)
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
    except (StoreError, NoSuchProfile, NeedsMatplotlib) as exc:
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
