"""A parse cache for banks, so that an unchanged bank loads fast at start-up.

One file per bank path, named after that path, holding a header line and the parsed bank as
JSON. The header names the format, the bank's path and the SHA-256 of the bank's bytes, and
the SHA-256 of the payload. A cache file whose header or checksum does not match, or that
does not decode, is ignored and rebuilt: it is never trusted blindly, and it is JSON, so
reading one can never run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from quiz.bank import Bank, Question, paused_gc, read_bank_bytes

FORMAT = "quiz-bank-cache/1"


def load_bank_cached(path: Path, cache_dir: Path | None) -> Bank:
    """Load the bank at `path`, from the cache when its content has not changed."""
    data = read_bank_bytes(path)
    if cache_dir is None:
        return _parse(path, data)
    identity = str(path.resolve())
    content = hashlib.sha256(data).hexdigest()
    cache_file = cache_dir / f"{hashlib.sha256(identity.encode()).hexdigest()[:32]}.json"
    header = {"format": FORMAT, "path": identity, "content": content}
    bank = _read(cache_file, header, path)
    if bank is None:
        bank = _parse(path, data)
        _write(cache_file, header, bank)
    return bank


def _parse(path: Path, data: bytes) -> Bank:
    from quiz.loader import parse_bank  # YAML is imported only when a bank must be parsed

    return parse_bank(path, data)


def _read(cache_file: Path, header: dict[str, str], path: Path) -> Bank | None:
    try:
        with cache_file.open("rb") as f:
            head = json.loads(f.readline())
            payload = f.read()
        if {k: head.get(k) for k in header} != header:
            return None
        if hashlib.sha256(payload).hexdigest() != head.get("payload"):
            return None
        with paused_gc():
            return _from_json(json.loads(payload), path)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _write(cache_file: Path, header: dict[str, str], bank: Bank) -> None:
    """Write atomically; a cache that cannot be written is simply not written."""
    payload = json.dumps(_to_json(bank), ensure_ascii=False, separators=(",", ":")).encode()
    head = json.dumps({**header, "payload": hashlib.sha256(payload).hexdigest()}).encode()
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


def _to_json(bank: Bank) -> dict[str, Any]:
    return {
        "title": bank.title,
        "description": bank.description,
        "source": bank.source,
        "topics": list(bank.topics.items()),
        "questions": [
            [
                q.id,
                q.topic,
                q.type,
                q.prompt,
                q.answers,
                q.choices,
                q.blanks,
                q.explanation,
                q.ref,
                q.tags,
                q.shuffle,
            ]
            for q in bank.questions
        ],
    }


def _from_json(data: dict[str, Any], path: Path) -> Bank:
    questions = tuple(
        Question(qid, topic, kind, prompt, tuple(answers), tuple(choices),
                 tuple(map(tuple, blanks)), explanation, ref, tuple(tags), shuffle)
        for qid, topic, kind, prompt, answers, choices, blanks, explanation, ref, tags, shuffle
        in data["questions"]
    )  # fmt: skip
    return Bank(
        path=path,
        title=data["title"],
        questions=questions,
        topics=dict(data["topics"]),
        description=data["description"],
        source=data["source"],
    )
