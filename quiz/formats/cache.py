"""A parse cache for banks, so that an unchanged bank loads fast at start-up.

One file per bank path, named after that path: a header line; then the bank's title, topics,
each topic's question ids and each part's length and HMAC as one line of JSON; then its
questions as lines of JSON, PART questions a line (a part). Start-up checks the first two
lines only; a part is checked and turned into questions when first needed, so a large
bank's home screen needs only its ids.

The header names the format, the bank's path, its file's identity (device, inode, size,
modification and change times) and the SHA-256 of its bytes, and holds an HMAC of itself
and the metadata line under a key of the user's own (in the user config folder, readable by
its owner only); each part has its own HMAC in that line. An unchanged file identity is
trusted without reading the bank, unless the bank was changed less than RACY_NS before the
cache was written (a later change in the same clock tick could keep its times: git's
"racily clean" files); then, as when the identity differs, the bank's bytes are hashed.

A cache folder may be shared or writable by others: a file that anyone else wrote or edited
fails an HMAC and is ignored and rebuilt (a part found changed later is read from the bank
itself), a file that is not a regular file is never opened for reading, every text read
back goes through the same filter as a bank's, and it is JSON, so reading one can never run
code.
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
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from quiz.core.bank import (
    MAX_FILE_BYTES,
    QUESTION_TYPES,
    Bank,
    BankError,
    BankErrors,
    Question,
    Questions,
    paused_gc,
    read_bank_bytes,
)
from quiz.paths import config_dir

FORMAT = "quiz-bank-cache/7"
RACY_NS = 2_000_000_000  # a bank changed this close to its cache's writing is hashed
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
    key = None if cache_dir is None else cache_key()
    if cache_dir is None or key is None:
        return _parse(path, read_bank_bytes(path))
    identity = str(path.resolve())
    cache_file = cache_dir / f"{hashlib.sha256(identity.encode()).hexdigest()[:32]}.json"
    bank = _read(cache_file, identity, path, key)
    if bank is None:
        stamp = _stamp(path)  # taken before the bytes: a change after it is seen next time
        data = read_bank_bytes(path)
        bank = _parse(path, data)
        header = {"format": FORMAT, "path": identity, "stamp": stamp, "written": time.time_ns(),
                  "content": hashlib.sha256(data).hexdigest()}  # fmt: skip
        _write(cache_file, header, bank, key)
    return bank


def _parse(path: Path, data: bytes) -> Bank:
    """The bank in `data`, read as its file's format says (a reader is imported only when
    a bank must be parsed)."""
    from quiz.formats.readers import parse_any

    return parse_any(path, data)[0]


def _stamp(path: Path) -> list[int]:
    """The bank file's identity: device, inode, size, modification and change times."""
    info = os.stat(path)
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def _trusted(stamp: list[int], header: dict[str, Any]) -> bool:
    """Whether the bank file's identity alone says it is the one the cache was made from:
    the same, and taken well after the file last changed."""
    return stamp == header["stamp"] and int(header["written"]) - max(stamp[3:]) > RACY_NS


def _signature(key: bytes, header: dict[str, Any], meta: bytes) -> str:
    """The HMAC of a header (without its own HMAC) and the metadata line."""
    signed = json.dumps(header, sort_keys=True).encode() + b"\n" + meta
    return hmac.new(key, signed, hashlib.sha256).hexdigest()


def _part_mac(key: bytes, part: bytes) -> str:
    return hmac.new(key, part, hashlib.sha256).hexdigest()


def _read(cache_file: Path, identity: str, path: Path, key: bytes) -> Bank | None:
    try:
        # A FIFO would block and a device would never end: only a regular file is read.
        descriptor = os.open(cache_file, os.O_RDONLY | os.O_NONBLOCK)
        file = os.fdopen(descriptor, "rb")
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
            raise ValueError("not a cache file")
        head = json.loads(file.readline(4096))
        meta = file.readline(MAX_CACHE_BYTES).rstrip(b"\n")
        if head.get("format") != FORMAT or head.get("path") != identity:
            raise ValueError("another format or bank")
        header = {k: v for k, v in head.items() if k != "hmac"}
        if not hmac.compare_digest(_signature(key, header, meta), str(head.get("hmac"))):
            raise ValueError("not signed with the user's key")
        if _unfiltered(meta):
            raise ValueError("what the filter removes is never in a cache")
        stamp, fresh = _stamp(path), None
        if not _trusted(stamp, header):  # its bytes tell
            if hashlib.sha256(read_bank_bytes(path)).hexdigest() != header["content"]:
                raise ValueError("the bank changed")
            fresh = header | {"stamp": stamp, "written": time.time_ns()}
        fields = json.loads(meta)
        body = file.read(MAX_CACHE_BYTES)
        bank = _from_json(fields, _Parts(body, fields["parts"], key, path), path)
        if fresh is not None and _trusted(stamp, fresh):  # from now on, its identity tells
            _save(cache_file, fresh, meta, body, key)
        return bank
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    finally:
        file.close()


class _Parts:
    """The parts of a cache file, read at once but each checked and turned into questions
    only when it is asked for."""

    def __init__(self, payload: bytes, parts: list[Any], key: bytes, path: Path) -> None:
        self.payload, self.key, self.path = payload, key, path
        self.ids: dict[str, tuple[str, ...]] = {}  # each topic's question ids, as signed
        self.where: list[tuple[int, int, str]] = []  # each part's offset, length and HMAC
        start = 0
        for length, mac in parts:
            self.where.append((start, int(length), str(mac)))
            start += int(length) + 1
        if start - 1 != len(payload):
            raise ValueError("the parts do not fill the file")

    def __len__(self) -> int:
        return len(self.where)

    def checked(self, index: int) -> tuple[Question, ...]:
        """The part's questions; ValueError if it is not the part that was signed."""
        offset, length, mac = self.where[index]
        part = self.payload[offset : offset + length]
        if not hmac.compare_digest(_part_mac(self.key, part), mac) or _unfiltered(part):
            raise ValueError("a part does not match its HMAC")
        return _questions(part)

    def read(self, index: int) -> tuple[Question, ...]:
        """The part's questions, read after start-up: from the bank itself if the part was
        changed by someone without the key (and the bank still holds what the signed first
        lines list)."""
        with contextlib.suppress(ValueError):
            return self.checked(index)
        bank = _parse(self.path, read_bank_bytes(self.path))
        if bank.ids_by_topic() != self.ids:
            message = "the bank changed while quiz was running: start quiz again"
            raise BankErrors([BankError(str(self.path), 1, 1, message)])
        return tuple(bank.questions[index * PART : (index + 1) * PART])


def _write(cache_file: Path, header: dict[str, Any], bank: Bank, key: bytes) -> None:
    """Write atomically; a cache that cannot be written is simply not written."""
    meta, parts = _to_json(bank)
    meta["parts"] = [[len(part), _part_mac(key, part)] for part in parts]
    _save(cache_file, header, _dumps(meta), b"\n".join(parts), key)


def _save(cache_file: Path, header: dict[str, Any], meta: bytes, body: bytes, key: bytes) -> None:
    """Write the signed header, the metadata line and the parts, atomically; a cache that
    cannot be written is simply not written."""
    head = _dumps({**header, "hmac": _signature(key, header, meta)})
    with contextlib.suppress(OSError):
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_file.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(b"\n".join([head, meta, body]))
            os.replace(tmp, cache_file)
        except OSError:
            os.unlink(tmp)
            raise


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _to_json(bank: Bank) -> tuple[dict[str, Any], list[bytes]]:
    """The bank's metadata, and its questions as lines of JSON, PART a line."""
    rows = [
        [q.id, q.topic, q.type, q.prompt, q.answers, q.choices, q.blanks, q.explanation, q.ref,
         q.tags, q.shuffle, q.line, q.column, q.lint_ignore, q.ranges, q.pairs]
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
    return meta, [_dumps(rows[i : i + PART]) for i in range(0, len(rows), PART)]


def _questions(part: bytes) -> tuple[Question, ...]:
    """One line of questions, each value checked."""
    with paused_gc():
        questions = tuple(
            Question(qid, topic, kind, prompt, tuple(answers), tuple(choices),
                     tuple(map(tuple, blanks)), explanation, ref, tuple(tags), shuffle, line,
                     column, tuple(ignore), tuple((float(a), float(b)) for a, b in ranges),
                     tuple((str(a), str(b)) for a, b in pairs))
            for (qid, topic, kind, prompt, answers, choices, blanks, explanation, ref, tags,
                 shuffle, line, column, ignore, ranges, pairs) in json.loads(part)
        )  # fmt: skip
    if any(q.type not in QUESTION_TYPES for q in questions):
        raise ValueError("not a question type")
    return questions


def _from_json(meta: dict[str, Any], parts: _Parts, path: Path) -> Bank:
    """The bank; its questions are read now if they fit one part, else when first needed."""
    ids = parts.ids = {str(topic): tuple(map(str, qids)) for topic, qids in meta["ids"]}
    questions: Sequence[Question] = (
        parts.checked(0) if len(parts) == 1
        else Questions([functools.partial(parts.read, i) for i in range(len(parts))], ids)
    )  # fmt: skip
    if not len(parts) or len(questions) != sum(map(len, ids.values())):
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
