"""`quiz config`: where the config file is, and each value in force with where it came from."""

from __future__ import annotations

import argparse
import errno
import json
import sys
from collections.abc import Sequence
from typing import NoReturn

from quiz.config import KEYS, Config, load_config, redact
from quiz.core.bank import printable


class _Parser(argparse.ArgumentParser):
    """Its usage errors quote what was typed: a database URL there is shown redacted."""

    def error(self, message: str) -> NoReturn:
        super().error(" ".join(redact(word) for word in message.split(" ")))


def config(argv: Sequence[str]) -> int:
    parser = _Parser(
        prog="quiz config",
        description="Show where the config file is and each value in force: from a flag, the "
        "environment (QUIZ_DB, QUIZ_PROFILE), the file, or the default. A password in the "
        "database URL is shown as ***.",
    )
    parser.add_argument("--db", metavar="URL", help="a database URL, as a flag would give it")
    parser.add_argument("--profile", metavar="NAME", help="a profile, as a flag would give it")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    settings = load_config({"database": args.db, "profile": args.profile})
    if sys.stdout is None:  # started with standard output closed (`quiz config >&-`)
        raise OSError(errno.EBADF, "standard output is closed; nothing to write to")
    sys.stdout.write(config_json(settings) if args.json else config_table(settings))
    return 0


def _shown(settings: Config, key: str) -> str | float:
    value = settings.value(key)
    return redact(value) if key == "database" and isinstance(value, str) else value


def config_table(settings: Config) -> str:
    found = "" if settings.exists else " (not found)"
    rows = [(key, printable(str(_shown(settings, key))), settings.origin(key)) for key in KEYS]
    width = max(len(value) for _, value, _ in rows)
    lines = [f"{'config file':<12} {printable(str(settings.path))}{found}"]
    lines += [f"{key:<12} {value:<{width}}   {printable(origin)}" for key, value, origin in rows]
    return "\n".join(lines) + "\n"


def config_json(settings: Config) -> str:
    document: dict[str, object] = {"file": {"path": str(settings.path), "exists": settings.exists}}
    for key in KEYS:
        document[key] = {"value": _shown(settings, key), "source": settings.source(key)}
    return json.dumps(document, indent=2) + "\n"
