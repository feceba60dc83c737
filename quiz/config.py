"""quiz's configuration: `config.toml` in the user config folder, under flags and the environment.

Four keys, all optional::

    database = "postgresql://ada:secret@db.example/quiz"  # else sqlite://<data dir>/progress.db
    profile = "ada"                                      # else the login name
    theme = "nord"                                       # saved by the app when changed
    retention = 0.9                                      # review: the recall aimed at

Each value comes from the first of: a flag, the environment (`QUIZ_DB`, `QUIZ_PROFILE`), the
file, the default. A file that cannot be read or holds a wrong value is a `ConfigError` naming
the file and, where known, the line. The theme is a convenience: reading it never fails (a damaged
file reads as no theme) and saving it never raises (a folder that cannot be written is given
up on). A database URL is shown only through `redact`, which hides its password.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from quiz.paths import config_dir, data_dir, default_profile, write_atomically

FILE_NAME = "config.toml"
LEGACY_FILE_NAME = "settings.json"  # the theme, before config.toml (read, never written)
MAX_FILE_BYTES = 1024 * 1024

Source = Literal["flag", "environment", "file", "default"]
KEYS = ("database", "profile", "theme", "retention")
ENVIRONMENT = {"database": "QUIZ_DB", "profile": "QUIZ_PROFILE"}
FLAGS = {"database": "--db", "profile": "--profile", "theme": "--theme", "retention": "--retention"}
SCHEMES = ("sqlite", "postgresql", "postgres")
DEFAULT_THEME = "textual-dark"  # Textual's own default (a test checks), named without Textual
DEFAULT_RETENTION = 0.9  # as quiz.core.scheduling (a test checks), which would load fsrs
RETENTION_RANGE = (0.7, 0.99)


class ConfigError(Exception):
    """A configuration that cannot be used: one line saying where and what (exit status 2)."""


@dataclass(frozen=True)
class Config:
    """The values in force, each with where it came from."""

    path: Path  # config.toml, whether or not it exists
    exists: bool
    database: str  # a URL: show it only through redact()
    profile: str
    theme: str
    retention: float
    database_source: Source = "default"
    profile_source: Source = "default"
    theme_source: Source = "default"
    retention_source: Source = "default"
    legacy_theme: Path | None = None  # settings.json, when the theme was read from it

    def value(self, key: str) -> str | float:
        if key not in KEYS:
            raise KeyError(key)
        value: str | float = getattr(self, key)
        return value

    def source(self, key: str) -> Source:
        if key not in KEYS:
            raise KeyError(key)
        source: Source = getattr(self, f"{key}_source")
        return source

    def origin(self, key: str) -> str:
        """The source in words: `environment (QUIZ_PROFILE)`, `flag (--db)`, `file`, …"""
        source = self.source(key)
        if source == "environment":
            return f"environment ({ENVIRONMENT[key]})"
        if source == "flag":
            return f"flag ({FLAGS[key]})"
        if source == "file" and key == "theme" and self.legacy_theme is not None:
            return f"file ({self.legacy_theme})"
        return source


def config_path() -> Path:
    """`config.toml` in the config folder (`QUIZ_CONFIG_DIR`, else the user config folder)."""
    return config_dir() / FILE_NAME


def sqlite_url(path: Path) -> str:
    """The URL of a SQLite file: `sqlite://` then its absolute path (`sqlite:///home/…`)."""
    posix = path.expanduser().absolute().as_posix()
    return f"sqlite://{posix if posix.startswith('/') else '/' + posix}"


def default_database() -> str:
    """`progress.db` in the data folder (`QUIZ_DATA_DIR`, else the user data folder)."""
    return sqlite_url(data_dir(None) / "progress.db")


def load_config(flags: Mapping[str, object] | None = None, path: Path | None = None) -> Config:
    """The configuration in force: for each key, its flag (a value not None), else its
    environment variable (if set and not empty), else the file, else the default.

    `flags` maps keys of KEYS to the values given on the command line. Raises ConfigError for
    a file that cannot be read or parsed, or any wrong value, wherever it comes from."""
    flags = flags or {}
    unknown = set(flags) - set(KEYS)
    if unknown:
        raise ValueError(f"no such setting: {', '.join(sorted(unknown))}")
    path = path or config_path()
    text, data = _read(path)
    exists = text is not None
    values: dict[str, object] = {}
    sources: dict[str, Source] = {}
    for key, value in data.items():  # in the file's order, so the first mistake is reported
        if key not in KEYS:
            raise ConfigError(
                f"{_where(path, text, key)}unknown key {key!r}; the keys are {', '.join(KEYS)}"
            )
        values[key], sources[key] = _check(key, value, _where(path, text, key)), "file"
    legacy = None
    if "theme" not in values and (old := _legacy_theme(path.parent)) is not None:
        values["theme"], sources["theme"], legacy = old, "file", path.parent / LEGACY_FILE_NAME
    for key, variable in ENVIRONMENT.items():
        if raw := os.environ.get(variable):
            values[key], sources[key] = _check(key, raw, f"{variable}: "), "environment"
    for key, value in flags.items():
        if value is not None and value != "":
            values[key], sources[key] = _check(key, value, f"{FLAGS[key]}: "), "flag"
    database = values.get("database")
    profile = values.get("profile")
    theme = values.get("theme")
    retention = values.get("retention")
    return Config(
        path=path,
        exists=exists,
        database=database if isinstance(database, str) else default_database(),
        profile=profile if isinstance(profile, str) else default_profile(),
        theme=theme if isinstance(theme, str) else DEFAULT_THEME,
        retention=retention if isinstance(retention, float) else DEFAULT_RETENTION,
        database_source=sources.get("database", "default"),
        profile_source=sources.get("profile", "default"),
        theme_source=sources.get("theme", "default"),
        retention_source=sources.get("retention", "default"),
        legacy_theme=legacy,
    )


# --- the theme: read and saved by the app, never an error -------------------------------------


def saved_theme(path: Path | None = None) -> str | None:
    """The theme last chosen: config.toml's, else settings.json's; None if there is none or
    the file cannot be read."""
    path = path or config_path()
    try:
        _, data = _read(path)
    except ConfigError:
        return None
    if "theme" in data:
        theme = data["theme"]
        return theme if isinstance(theme, str) and theme else None
    return _legacy_theme(path.parent)


def save_theme(theme: str, path: Path | None = None) -> bool:
    """Set `theme` in config.toml, keeping everything else in it (comments too, where the
    theme's line can be replaced or added safely); False, never an exception, if it cannot be
    saved: a folder or file that cannot be written, or a damaged file (left for the learner to
    mend rather than overwritten)."""
    path = path or config_path()
    try:
        path = path.resolve()  # a symbolic link (a dotfiles folder) stays one: write its target
        text, data = _read(path)
        new = _with_theme(text or "", data, theme)
        if text is not None and new == text:
            return True
        if text is not None and not os.access(path, os.W_OK):
            return False  # a file made read-only stays as it is, even in a writable folder
        # A new config file is its owner's alone: it may come to hold a password.
        write_atomically(path, lambda file: file.write(new), private=True)
    except (ConfigError, OSError, ValueError):  # ValueError: a theme TOML cannot hold
        return False
    return True


def _with_theme(text: str, data: dict[str, object], theme: str) -> str:
    """`text` with `theme = "…"` set: its own line replaced or added where it belongs, else
    (a layout a line cannot be found in safely) the whole file written again."""
    want = {**data, "theme": theme}
    line = f"theme = {_toml_value(theme)}"
    lines = text.splitlines(keepends=True)
    top = next((i for i, raw in enumerate(lines) if raw.lstrip().startswith("[")), len(lines))
    found = next((i for i in range(top) if _assigns(lines[i], "theme")), None)
    if found is not None:
        ending = lines[found][len(lines[found].rstrip("\r\n")) :] or "\n"
        lines[found] = line + ending
    else:
        if top and not lines[top - 1].endswith("\n"):
            lines[top - 1] += "\n"
        lines.insert(top, line + "\n")
    edited = "".join(lines)
    with contextlib.suppress(tomllib.TOMLDecodeError, RecursionError):
        if tomllib.loads(edited) == want:
            return edited
    return "".join(f"{key} = {_toml_value(value)}\n" for key, value in want.items())


# --- TOML out: four scalar keys ---------------------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f"}
_ESCAPES["\r"] = "\\r"


def _toml_value(value: object) -> str:
    """`value` as a TOML value; ValueError for what this writer does not write."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    raise ValueError(f"cannot write {type(value).__name__} to TOML")


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in text:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError("a lone surrogate cannot be written as UTF-8")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


# --- TOML in ----------------------------------------------------------------------------------


def _read(path: Path) -> tuple[str | None, dict[str, object]]:
    """The file's text and its TOML, or (None, {}) when there is no file."""
    try:
        # O_NONBLOCK: a FIFO in place of the file must not hang the start.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except (FileNotFoundError, NotADirectoryError):
        return None, {}
    except IsADirectoryError:  # where a folder cannot be opened
        raise ConfigError(f"{path}: not a regular file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # a folder, a FIFO, a device
            os.close(descriptor)
            raise ConfigError(f"{path}: not a regular file")
        with os.fdopen(descriptor, "rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(f"{path}: too large for a config file (over {MAX_FILE_BYTES} bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"{path}:{line}: not valid TOML: the file is not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        if found := re.search(r" \(at line (\d+), column (\d+)\)$", message):
            where = f"{path}:{found[1]}:{found[2]}"
            message = message[: found.start()]
        else:
            where = f"{path}"
        raise ConfigError(f"{where}: not valid TOML: {message}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from None
    return text, data


def _assigns(line: str, key: str) -> bool:
    """Whether `line` sets `key` (bare or quoted), or a table or dotted key under it."""
    name = re.escape(key)
    return bool(re.match(rf"\s*(?:{name}|\"{name}\"|'{name}')\s*[=.]", line))


def _where(path: Path, text: str | None, key: str) -> str:
    """`path:line: ` of the line that sets top-level `key`, or `path: ` if none is found."""
    name = re.escape(key)
    header = re.compile(rf"\s*\[\[?\s*(?:{name}|\"{name}\"|'{name}')\s*[\].]")
    for number, line in enumerate((text or "").splitlines(), 1):
        if _assigns(line, key) or header.match(line):
            return f"{path}:{number}: "
    return f"{path}: "


def _check(key: str, value: object, where: str) -> str | float:
    """`value` for `key` if right, else ConfigError prefixed with `where` (file, flag, variable)."""
    if key == "retention":
        number = value
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                number = float(value)
        low, high = RETENTION_RANGE
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise ConfigError(
                f"{where}retention must be a number from {low} to {high}, not {_kind(value)}"
            )
        if not low <= number <= high:
            raise ConfigError(f"{where}retention must be from {low} to {high}, not {number}")
        return float(number)
    if not isinstance(value, str):
        raise ConfigError(f"{where}{key} must be text in quotes, not {_kind(value)}")
    if not value.strip():
        raise ConfigError(f"{where}{key} must not be empty")
    if key == "database":
        scheme, separator, rest = value.partition("://")
        if not separator or scheme.lower() not in SCHEMES or not rest:
            raise ConfigError(
                f"{where}database must be a URL such as sqlite:///path/to/progress.db or "
                f"postgresql://user:password@host/name, not {redact(value)!r}"
            )
    return value


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _legacy_theme(folder: Path) -> str | None:
    """The theme kept in settings.json by earlier versions, if any (damage reads as none)."""
    try:
        data = json.loads((folder / LEGACY_FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # ValueError: bad JSON and bad UTF-8
        return None
    theme = data.get("theme") if isinstance(data, dict) else None
    return theme if isinstance(theme, str) and theme else None


# --- passwords --------------------------------------------------------------------------------

# After `scheme://`, a user name then `:`: what follows up to the last `@` is the password. The
# last `@`, not the first: a password may hold `@`, `/` or `?` unencoded, and hiding too much
# is better than showing any of it.
_USERINFO = re.compile(r"^(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@?#]*:)(?P<password>.*)@", re.S)
_PARAMETER = re.compile(
    r"(?P<head>(?:^|[?&;\s])(?:ssl)?password\s*=\s*)(?P<password>'(?:[^'\\]|\\.)*'?|[^&\s]*)",
    re.I,
)


def redact(url: str) -> str:
    """`url` with its password, if any, shown as `***`: in the user part
    (`postgresql://ada:***@host/db`) and in `password=` parameters (`?password=***`)."""
    url = _USERINFO.sub(r"\g<head>***@", url, count=1)
    return _PARAMETER.sub(r"\g<head>***", url)
