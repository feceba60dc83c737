"""The learner's choices kept between launches (so far, the theme), in a small JSON file in
the user config folder.

Settings are a convenience: a missing, unreadable or damaged file reads as no settings, and a
file that cannot be written is given up on, never an error.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from quiz.paths import config_dir

FILE_NAME = "settings.json"


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def load(path: Path | None = None) -> dict[str, object]:
    """Every setting saved, or none when the file is missing or damaged."""
    try:
        data = json.loads((path or settings_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # ValueError covers bad JSON and bad UTF-8
        return {}
    return data if isinstance(data, dict) else {}


def saved_theme(path: Path | None = None) -> str | None:
    """The theme last chosen, if one was saved."""
    theme = load(path).get("theme")
    return theme if isinstance(theme, str) else None


def save(path: Path | None = None, **changes: object) -> bool:
    """Save `changes` over the settings saved before; False if the file cannot be written."""
    path = path or settings_path()
    settings = {**load(path), **changes}
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
        os.replace(partial, path)  # all or nothing: a crash never leaves half a file
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        return False
    return True
