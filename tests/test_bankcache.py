"""The parse cache: used when the bank is unchanged, rebuilt when it changes or is damaged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import quiz.formats.cache
import quiz.formats.yaml_bank
from quiz.core.bank import Questions
from quiz.formats.cache import load_bank_cached
from quiz.formats.yaml_bank import BankErrors

from .conftest import SMALL_BANK


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every real parse, to tell a cache hit from a miss."""
    seen: list[Path] = []
    real = quiz.formats.yaml_bank.parse_bank

    def counting(path: Path, data: bytes):  # type: ignore[no-untyped-def]
        seen.append(path)
        return real(path, data)

    monkeypatch.setattr(quiz.formats.yaml_bank, "parse_bank", counting)
    return seen


def test_second_load_comes_from_the_cache_and_is_equal(
    small_bank_path: Path, tmp_path: Path, parses: list[Path]
) -> None:
    cache = tmp_path / "cache"
    first = load_bank_cached(small_bank_path, cache)
    second = load_bank_cached(small_bank_path, cache)
    assert len(parses) == 1
    assert first == second
    assert len(cache_files(cache)) == 1


def test_the_bank_id_comes_back_from_the_cache(
    write_bank: Callable[[str], Path], tmp_path: Path, parses: list[Path]
) -> None:
    path = write_bank(SMALL_BANK.replace("title: Small bank\n", "title: Small bank\nid: small\n"))
    cache = tmp_path / "cache"
    first = load_bank_cached(path, cache)
    second = load_bank_cached(path, cache)
    assert len(parses) == 1
    assert second == first and second.id == second.key == "small"


def test_a_changed_bank_is_parsed_again(
    small_bank_path: Path, tmp_path: Path, parses: list[Path]
) -> None:
    cache = tmp_path / "cache"
    load_bank_cached(small_bank_path, cache)
    small_bank_path.write_text(SMALL_BANK.replace("Small bank", "Edited bank"))
    assert load_bank_cached(small_bank_path, cache).title == "Edited bank"
    assert len(parses) == 2


def test_a_bank_with_errors_is_never_served_from_an_old_cache(
    small_bank_path: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    load_bank_cached(small_bank_path, cache)
    small_bank_path.write_text("title: x\n")
    with pytest.raises(BankErrors):
        load_bank_cached(small_bank_path, cache)


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # truncated
        lambda raw: raw.replace(b"Pick B", b"Pick Z"),  # payload edited, checksum stale
        lambda raw: b"not json at all\n" + raw,
        lambda raw: b"",
        lambda raw: b'{"format": "something-else/9"}\n[]',  # foreign file
        lambda raw: bytes(range(256)),
    ],
)
def test_a_damaged_or_foreign_cache_is_ignored_and_rebuilt(
    small_bank_path: Path, tmp_path: Path, parses: list[Path], damage
) -> None:
    cache = tmp_path / "cache"
    good = load_bank_cached(small_bank_path, cache)
    [file] = cache_files(cache)
    file.write_bytes(damage(file.read_bytes()))
    assert load_bank_cached(small_bank_path, cache) == good
    assert len(parses) == 2
    assert load_bank_cached(small_bank_path, cache) == good  # rebuilt, so a hit again
    assert len(parses) == 2


def test_an_unwritable_cache_folder_still_loads(small_bank_path: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    assert load_bank_cached(small_bank_path, blocker / "cache").title == "Small bank"


def _resign(cache_file: Path, payload: bytes) -> None:
    """What someone who can write the cache folder can do: edit a payload and fix the header's
    SHA-256 checksum (the old format's only protection)."""
    import hashlib
    import json

    head = json.loads(cache_file.read_bytes().split(b"\n", 1)[0])
    head["payload"] = hashlib.sha256(payload).hexdigest()
    cache_file.write_bytes(json.dumps(head).encode() + b"\n" + payload)


def test_an_edited_cache_file_is_never_served(
    small_bank_path: Path, tmp_path: Path, parses: list[Path]
) -> None:
    cache = tmp_path / "cache"
    load_bank_cached(small_bank_path, cache)
    [cache_file] = cache_files(cache)
    payload = cache_file.read_bytes().split(b"\n", 1)[1]
    forged = payload.replace(b"Pick B", b"\\u001b]0;pwned\\u0007\\u001b]52;c;ZXZpbA==\\u0007")
    assert forged != payload
    _resign(cache_file, forged)
    bank = load_bank_cached(small_bank_path, cache)
    assert len(parses) == 2  # parsed again from the bank itself
    assert not any("\x1b" in q.prompt or "pwned" in q.prompt for q in bank.questions)


def test_a_signed_cache_with_a_control_code_is_still_refused(
    small_bank_path: Path, tmp_path: Path, parses: list[Path]
) -> None:
    """Even a file signed with the user's own key must not carry what the filter removes."""
    import json

    from quiz.formats.cache import _part_mac, _signature, cache_key

    cache = tmp_path / "cache"
    load_bank_cached(small_bank_path, cache)
    [cache_file] = cache_files(cache)
    head_line, meta_line, part = cache_file.read_bytes().split(b"\n", 2)
    forged = part.replace(b"Pick B", b"Pick \\u001b[2J B")
    assert forged != part
    key = cache_key()
    assert key is not None
    meta = json.loads(meta_line) | {"parts": [[len(forged), _part_mac(key, forged)]]}
    meta_line = json.dumps(meta).encode()
    head = {k: v for k, v in json.loads(head_line).items() if k != "hmac"}
    head["hmac"] = _signature(key, head, meta_line)
    cache_file.write_bytes(b"\n".join([json.dumps(head).encode(), meta_line, forged]))
    bank = load_bank_cached(small_bank_path, cache)
    assert len(parses) == 2
    assert all("\x1b" not in q.prompt for q in bank.questions)


def test_a_cache_file_that_is_a_fifo_is_not_read(
    small_bank_path: Path, tmp_path: Path, parses: list[Path]
) -> None:
    import os

    cache = tmp_path / "cache"
    load_bank_cached(small_bank_path, cache)
    [cache_file] = cache_files(cache)
    cache_file.unlink()
    os.mkfifo(cache_file)  # reading it would wait forever for a writer
    bank = load_bank_cached(small_bank_path, cache)
    assert len(parses) == 2 and bank.title == "Small bank"


def test_the_key_is_private_and_a_shared_one_is_not_trusted(
    config_dir: Path, small_bank_path: Path, tmp_path: Path, parses: list[Path]
) -> None:
    from quiz.formats.cache import KEY_NAME, cache_key

    key = cache_key()
    assert key is not None and len(key) == 32
    path = config_dir / KEY_NAME
    assert path.stat().st_mode & 0o777 == 0o600
    path.chmod(0o644)  # readable by others: anyone could sign with it
    assert cache_key() is None
    load_bank_cached(small_bank_path, tmp_path / "cache")
    load_bank_cached(small_bank_path, tmp_path / "cache")
    assert len(parses) == 2  # no trusted key, no cache


def test_a_cache_header_nested_too_deep_is_ignored(
    small_bank_path: Path, tmp_path: Path, parses: list[Path]
) -> None:
    cache = tmp_path / "cache"
    load_bank_cached(small_bank_path, cache)
    [cache_file] = cache_files(cache)
    cache_file.write_bytes(b"[" * 4000 + b"\n{}")  # json.loads recurses per level
    assert load_bank_cached(small_bank_path, cache).title == "Small bank"
    assert len(parses) == 2


def test_a_large_bank_s_questions_are_read_from_the_cache_only_when_needed(
    small_bank_path: Path, tmp_path: Path, parses: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quiz.formats.cache, "PART", 2)  # six questions: three lines of two
    cache = tmp_path / "cache"
    parsed = load_bank_cached(small_bank_path, cache)
    cached = load_bank_cached(small_bank_path, cache)
    assert len(parses) == 1
    questions = cached.questions
    assert isinstance(questions, Questions) and len(questions.pending) == 3
    assert len(questions) == 6 and cached.count_by_topic() == parsed.count_by_topic()
    assert len(questions.pending) == 3  # counting read no question
    assert questions.load_next() and len(questions.pending) == 2
    assert list(questions) == list(parsed.questions) and not questions.pending
    assert cached == parsed and cached.by_id() == parsed.by_id()


def test_a_part_changed_without_the_key_is_read_from_the_bank_itself(
    small_bank_path: Path, tmp_path: Path, parses: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quiz.formats.cache, "PART", 2)
    cache = tmp_path / "cache"
    parsed = load_bank_cached(small_bank_path, cache)
    [cache_file] = cache_files(cache)
    raw = cache_file.read_bytes()
    cache_file.write_bytes(raw.replace(b"Pick B", b"Pick Z"))  # in a part read later
    cached = load_bank_cached(small_bank_path, cache)
    assert isinstance(cached.questions, Questions) and len(parses) == 1  # the first lines hold
    assert list(cached.questions) == list(parsed.questions)  # the changed part: from the bank
    assert len(parses) == 2 and not any("Pick Z" in q.prompt for q in cached.questions)


def test_an_unchanged_bank_is_known_by_its_file_and_a_changed_one_by_its_bytes(
    small_bank_path: Path, tmp_path: Path, parses: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.setattr(quiz.formats.cache, "RACY_NS", 0)  # no clock tick to wait for
    cache = tmp_path / "cache"
    parsed = load_bank_cached(small_bank_path, cache)
    reads: list[Path] = []
    real = quiz.formats.cache.read_bank_bytes
    monkeypatch.setattr(quiz.formats.cache, "read_bank_bytes", lambda p: reads.append(p) or real(p))
    assert load_bank_cached(small_bank_path, cache) == parsed and reads == []  # not even read
    old = small_bank_path.stat().st_mtime_ns - 3600 * 10**9
    os.utime(small_bank_path, ns=(old, old))  # the same text, another identity: hashed once,
    assert load_bank_cached(small_bank_path, cache) == parsed and len(reads) == 1
    assert load_bank_cached(small_bank_path, cache) == parsed and len(reads) == 1  # then known
    # Same size, same modification time, other text: its change time tells, then its bytes.
    small_bank_path.write_text(SMALL_BANK.replace("Small bank", "Smell bank"))
    os.utime(small_bank_path, ns=(old, old))
    assert load_bank_cached(small_bank_path, cache).title == "Smell bank"
    assert len(parses) == 2


def test_a_bank_changed_just_before_its_cache_was_written_is_checked_by_its_bytes(
    small_bank_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    load_bank_cached(small_bank_path, cache)  # the bank was written a moment ago: racy
    reads: list[Path] = []
    real = quiz.formats.cache.read_bank_bytes
    monkeypatch.setattr(quiz.formats.cache, "read_bank_bytes", lambda p: reads.append(p) or real(p))
    load_bank_cached(small_bank_path, cache)
    assert reads == [small_bank_path]
