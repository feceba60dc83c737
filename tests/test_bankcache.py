"""The parse cache: used when the bank is unchanged, rebuilt when it changes or is damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

import quiz.loader
from quiz.bankcache import load_bank_cached
from quiz.loader import BankErrors

from .conftest import SMALL_BANK


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every real parse, to tell a cache hit from a miss."""
    seen: list[Path] = []
    real = quiz.loader.parse_bank

    def counting(path: Path, data: bytes):  # type: ignore[no-untyped-def]
        seen.append(path)
        return real(path, data)

    monkeypatch.setattr(quiz.loader, "parse_bank", counting)
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
