"""Where quiz keeps its files: the platform's user folders, unless told otherwise."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

import platformdirs

APP_NAME = "quiz"
T = TypeVar("T")


def data_dir(override: str | None = None) -> Path:
    """Progress lives here: `--data-dir`, else `QUIZ_DATA_DIR`, else the user data folder."""
    chosen = override or os.environ.get("QUIZ_DATA_DIR")
    return Path(chosen).expanduser() if chosen else platformdirs.user_data_path(APP_NAME)


def cache_dir() -> Path:
    """Parse caches live here: `QUIZ_CACHE_DIR`, else the user cache folder."""
    chosen = os.environ.get("QUIZ_CACHE_DIR")
    return Path(chosen).expanduser() if chosen else platformdirs.user_cache_path(APP_NAME) / "banks"


def config_dir() -> Path:
    """Settings live here: `QUIZ_CONFIG_DIR`, else the user config folder."""
    chosen = os.environ.get("QUIZ_CONFIG_DIR")
    return Path(chosen).expanduser() if chosen else platformdirs.user_config_path(APP_NAME)


def default_profile() -> str:
    """The login name, which is who is studying unless `--profile` says otherwise."""
    import getpass

    try:
        return getpass.getuser() or "default"
    except (OSError, KeyError):
        return "default"


def write_atomically(path: Path, write: Callable[[TextIO], T], *, private: bool = False) -> T:
    """Write `path` whole or not at all (beside it, then renamed over it: a crash never
    leaves half a file) with `write`, and return what it returns. An existing file keeps
    its permissions; a new one gets the umask's, or only its owner's if `private`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    if mode is None and not private:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    descriptor, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            result = write(file)
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(partial, mode)  # mkstemp's is 0600
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    return result
