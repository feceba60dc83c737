"""A parse cache for banks, so that an unchanged bank loads fast at start-up.

One file per bank path, named after that path, holding a header line, then the bank's title,
topics and each topic's question ids as one line of JSON, then its questions as lines of
JSON, PART questions a line: a large bank's questions are read a line at a time when first
needed, so start-up reads only the ids. The header names the format, the bank's path and
the SHA-256 of the bank's bytes, and an HMAC of the header and payload under a key of the
user's own (in the user config folder, readable by its owner only). A cache folder may be
shared or writable by others: a file that anyone else wrote or edited fails the HMAC and is
ignored and rebuilt, a file that is not a regular file is never opened for reading, every
text read back goes through the same filter as a bank's, and it is JSON, so reading one can
never run code.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from quiz.core.bank import (
    MAX_FILE_BYTES,
    QUESTION_TYPES,
    Bank,
    Question,
    Questions,
    paused_gc,
    read_bank_bytes,
)
from quiz.paths import config_dir

FORMAT = "quiz-bank-cache/5"
PART = 2000  # questions per line of the cache
KEY_NAME = "cache.key"
MAX_CACHE_BYTES = 4 * MAX_FILE_BYTES  # a cache file larger than this is not one of ours
# The bank's text filter (quiz.core.bank.safe_text), applied once to the whole payload rather than
# to each text read back: JSON writes C0 controls as \b \f \r \t or \u00XX escapes, and
# DEL, C1 and bidi controls as UTF-8. Each pattern starts with a fixed byte, so a search is a
# fast scan; an escape counts only after an even run of backslashes.
_ESCAPED = re.compile(rb"\\(?:[bfrt]|u00[01][0-9a-fA-F]|u007[fF])")
_RAW = [  # DEL, C1, the Arabic letter mark, bidi marks, embeddings, overrides and isolates
    re.compile(pattern)
    for pattern in (
        rb"\x7f",
        rb"\xc2[\x80-\x9f]",
        rb"\xd8\x9c",
        rb"\xe2(?:\x80[\x8e\x8f\xaa-\xae]|\x81[\xa6-\xa9])",
    )
]


def _unfiltered(payload: bytes) -> bool:
    """Whether the payload holds a character the bank's filter would have removed."""
    if b"\x7f" in payload:
        return True
    if not payload.isascii() and any(pattern.search(payload) for pattern in _RAW[1:]):
        return True
    for match in _ESCAPED.finditer(payload):
        start = match.start()
        run = len(payload[:start]) - len(payload[:start].rstrip(b"\\"))
        if run % 2 == 0:
            return True
    return False


def cache_key(folder: Path | None = None) -> bytes | None:
    """The user's own key for signing cache files, made on first use; None if there is no
    private place to keep one (then nothing is cached)."""
    path = (folder or config_dir()) / KEY_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as file:
                file.write(secrets.token_bytes(32))
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as file:
            info = os.fstat(descriptor)
            private = stat.S_IMODE(info.st_mode) & 0o077 == 0 and info.st_uid == os.getuid()
            key = file.read(64)
    except OSError:
        return None
    return key if private and stat.S_ISREG(info.st_mode) and len(key) == 32 else None


def load_bank_cached(path: Path, cache_dir: Path | None) -> Bank:
    """Load the bank at `path`, from the cache when its content has not changed."""
    data = read_bank_bytes(path)
    key = None if cache_dir is None else cache_key()
    if cache_dir is None or key is None:
        return _parse(path, data)
    identity = str(path.resolve())
    content = hashlib.sha256(data).hexdigest()
    cache_file = cache_dir / f"{hashlib.sha256(identity.encode()).hexdigest()[:32]}.json"
    header = {"format": FORMAT, "path": identity, "content": content}
    bank = _read(cache_file, header, path, key)
    if bank is None:
        bank = _parse(path, data)
        _write(cache_file, header, bank, key)
    return bank


def _parse(path: Path, data: bytes) -> Bank:
    from quiz.formats.yaml_bank import (
        parse_bank,  # YAML is imported only when a bank must be parsed
    )

    return parse_bank(path, data)


def _signature(key: bytes, header: dict[str, str], payload: bytes) -> str:
    signed = json.dumps(header, sort_keys=True).encode() + b"\n" + payload
    return hmac.new(key, signed, hashlib.sha256).hexdigest()


def _read(cache_file: Path, header: dict[str, str], path: Path, key: bytes) -> Bank | None:
    try:
        # A FIFO would block and a device would never end: only a regular file is read.
        descriptor = os.open(cache_file, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as f:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
                return None
            head = json.loads(f.readline(4096))
            payload = f.read(MAX_CACHE_BYTES)
        if {k: head.get(k) for k in header} != header:
            return None
        if not hmac.compare_digest(_signature(key, header, payload), str(head.get("hmac"))):
            return None
        if _unfiltered(payload):  # what the bank's filter removes is never in a cache
            return None
        meta, *parts = payload.split(b"\n")
        return _from_json(json.loads(meta), parts, path)
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


def _write(cache_file: Path, header: dict[str, str], bank: Bank, key: bytes) -> None:
    """Write atomically; a cache that cannot be written is simply not written."""
    payload = b"\n".join(_to_json(bank))
    head = json.dumps({**header, "hmac": _signature(key, header, payload)}).encode()
    with contextlib.suppress(OSError):
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_file.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(head + b"\n" + payload)
            os.replace(tmp, cache_file)
        except OSError:
            os.unlink(tmp)
            raise


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _to_json(bank: Bank) -> list[bytes]:
    """The lines of the payload: the bank's metadata, then its questions, PART a line."""
    rows = [
        [q.id, q.topic, q.type, q.prompt, q.answers, q.choices, q.blanks, q.explanation, q.ref,
         q.tags, q.shuffle, q.line, q.column, q.lint_ignore]
        for q in bank.questions
    ]  # fmt: skip
    meta = {
        "title": bank.title,
        "id": bank.id,
        "description": bank.description,
        "source": bank.source,
        "topics": list(bank.topics.items()),
        "ids": list(bank.ids_by_topic().items()),
        "lint_ignore": bank.lint_ignore,
    }
    return [_dumps(meta), *(_dumps(rows[i : i + PART]) for i in range(0, len(rows), PART))]


def _questions(part: bytes) -> tuple[Question, ...]:
    """One line of questions, each value checked."""
    with paused_gc():
        questions = tuple(
            Question(qid, topic, kind, prompt, tuple(answers), tuple(choices),
                     tuple(map(tuple, blanks)), explanation, ref, tuple(tags), shuffle, line,
                     column, tuple(ignore))
            for (qid, topic, kind, prompt, answers, choices, blanks, explanation, ref, tags,
                 shuffle, line, column, ignore) in json.loads(part)
        )  # fmt: skip
    if any(q.type not in QUESTION_TYPES for q in questions):
        raise ValueError("not a question type")
    return questions


def _from_json(meta: dict[str, Any], parts: list[bytes], path: Path) -> Bank:
    """The bank; its questions are read now if they fit one line, else when first needed
    (the cache is signed: a line read later is the line written)."""
    ids = {str(topic): tuple(map(str, qids)) for topic, qids in meta["ids"]}
    questions: Sequence[Question] = (
        _questions(parts[0]) if len(parts) == 1
        else Questions([functools.partial(_questions, part) for part in parts], ids)
    )  # fmt: skip
    if not parts or len(questions) != sum(map(len, ids.values())):
        raise ValueError("the ids do not match the questions")
    return Bank(
        path=path,
        title=meta["title"],
        id=meta["id"],
        questions=questions,
        topics=dict(meta["topics"]),
        description=meta["description"],
        source=meta["source"],
        lint_ignore=tuple(meta["lint_ignore"]),
    )
