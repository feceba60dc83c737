"""Where quiz keeps its files: the platform's user folders, unless told otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "quiz"


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
