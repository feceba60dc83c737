"""Anki: its plain-text export read (every header line), and a bank written as an .apkg Anki
opens and as plain text. Fixtures are written here from Anki's manual."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from quiz.cli.main import main
from quiz.core.bank import Bank, BankErrors
from quiz.formats.anki import parse_anki_text, write_anki_text, write_apkg
from quiz.formats.yaml_bank import load_bank

SHIPPED = Path(__file__).resolve().parent.parent / "questions.yaml"


def read(tmp_path: Path, text: str) -> tuple[Bank, list[str]]:
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    bank, warnings = parse_anki_text(path, path.read_bytes())
    return bank, [str(w).removeprefix(f"{path}:") for w in warnings]


def test_basic_and_cloze_notes_with_every_header_column(tmp_path: Path) -> None:
    bank, warnings = read(
        tmp_path,
        "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n"
        "#tags column:6\n"
        "g1\tBasic\tBio::Cells\tWhat is the <b>powerhouse</b> of the cell?\tThe mitochondrion\t"
        "cells exam\n"
        'g2\tCloze\tBio::Cells\t"A {{c1::cell}} has a {{c2::membrane::wall|skin}}."\tFrom '
        "the book.\tcells\n"
        "g3\tBasic\tBio\tHear this [sound:bird.mp3]\tA bird\t\n",
    )
    first, second, third = bank.questions
    assert (first.id, first.type, first.topic, first.prompt, first.answers, first.tags) == (
        "g1", "card", "Bio::Cells", "What is the powerhouse of the cell?",
        ("The mitochondrion",), ("cells", "exam"),
    )  # fmt: skip
    assert (second.type, second.prompt, second.explanation) == (
        "cloze", "A {{cell}} has a {{membrane|wall|skin}}.", "From the book."
    )  # fmt: skip
    assert second.blanks == (("cell",), ("membrane", "wall", "skin"))
    assert third.prompt == "Hear this" and bank.topics == {"Bio::Cells": "Cells", "Bio": "Bio"}
    assert warnings == [
        "7:1: warning: HTML is shown as plain text: tags removed, entities decoded",
        "9:1: warning: media (a sound or an image) is not shown by quiz; left out",
    ]


def test_header_defaults_separators_and_quoted_fields(tmp_path: Path) -> None:
    bank, _ = read(
        tmp_path,
        "#separator:Semicolon\n#notetype:Basic\n#deck:French\n"
        '"Say ""hello""";Bonjour\nthank you;merci\n',
    )
    assert [(q.prompt, q.answers[0], q.topic) for q in bank.questions] == [
        ('Say "hello"', "Bonjour", "French"), ("thank you", "merci", "French")
    ]  # fmt: skip
    with pytest.raises(BankErrors) as info:
        read(tmp_path, "only a front\n")
    assert "a Basic note needs a front and a back" in str(info.value)


def test_an_apkg_holds_every_question_with_stable_guids_and_a_deck_per_topic(
    tmp_path: Path,
) -> None:
    bank = load_bank(SHIPPED)

    def notes(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
        write_apkg(bank, path)
        with zipfile.ZipFile(path) as package:
            package.extract("collection.anki2", tmp_path / path.stem)
        db = sqlite3.connect(tmp_path / path.stem / "collection.anki2")
        rows = db.execute("SELECT guid, flds FROM notes ORDER BY guid").fetchall()
        decks = sorted(
            d["name"]
            for d in json.loads(db.execute("SELECT decks FROM col").fetchone()[0]).values()
        )
        db.close()
        return rows, decks

    rows, decks = notes(tmp_path / "one.apkg")
    again, _ = notes(tmp_path / "two.apkg")
    assert len(rows) == len(bank.questions) and rows == again  # the same notes, the same GUIDs
    assert {f"{bank.title}::{name}" for name in bank.topics.values()} <= set(decks)
    # A blank's other accepted answers go into its hint: {{patterns}} and {{laws|regularities}}.
    assert any("{{c1::patterns}} and {{c2::laws::regularities}}" in f for _, f in rows)


def test_anki_text_out_and_back_keeps_each_card(tmp_path: Path) -> None:
    bank = load_bank(SHIPPED)
    path = tmp_path / "notes.txt"
    path.write_text(write_anki_text(bank))
    back, warnings = parse_anki_text(path, path.read_bytes())
    assert warnings == [] and len(back.questions) == len(bank.questions)
    cards = {q.id: q for q in bank.questions if q.type == "card"}
    guids = {q.prompt: q for q in back.questions}
    for card in cards.values():
        assert guids[card.prompt].answers == card.answers
    clozes = [q for q in bank.questions if q.type == "cloze"]
    assert {q.prompt for q in clozes} <= set(guids)  # blanks and alternatives come back


def test_convert_to_and_from_anki(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(SHIPPED), "-o", str(tmp_path / "b.apkg")]) == 0
    assert main(["convert", str(SHIPPED), "-o", str(tmp_path / "b.txt"), "--to", "anki"]) == 0
    assert (
        main(["convert", str(tmp_path / "b.txt"), "--from", "anki", "-o", str(tmp_path / "c.yaml")])
        == 0
    )
    assert "Converted 63 questions" in capsys.readouterr().out
    assert main(["convert", str(tmp_path / "b.txt"), "-o", str(tmp_path / "d.yaml")]) == 2
    assert "name it with --from/--to" in capsys.readouterr().err


def test_a_txt_export_is_studied_as_it_is(tmp_path: Path) -> None:
    from quiz.formats.cache import load_bank_cached

    notes = tmp_path / "notes.txt"
    notes.write_text("#separator:tab\n#html:false\nfront one\tback one\nfront two\tback two\n")
    bank = load_bank_cached(notes, tmp_path / "cache")
    assert [(q.type, q.prompt, q.answers) for q in bank.questions] == [
        ("card", "front one", ("back one",)), ("card", "front two", ("back two",))
    ]  # fmt: skip
    gift = tmp_path / "moodle.txt"
    gift.write_text("::a:: Round? {T}\n")
    assert load_bank_cached(gift, tmp_path / "cache").questions[0].type == "truefalse"


def test_images_go_whole_and_a_deck_with_a_comma_is_a_topic(tmp_path: Path) -> None:
    bank, warnings = read(
        tmp_path,
        "#separator:tab\n#html:true\n#deck column:3\n"
        'front &amp; <img src="a.png"> x\tback\tSpanish, Nouns\n',
    )
    [question] = bank.questions
    assert question.prompt == "front & x" and question.topic == "Spanish  Nouns"
    assert warnings == ["4:1: warning: media (a sound or an image) is not shown by quiz; left out"]


def test_a_txt_with_a_bom_or_a_bare_cloze_is_read_as_anki(tmp_path: Path) -> None:
    from quiz.formats.readers import read_any

    with_bom = tmp_path / "bom.txt"
    with_bom.write_bytes(b"\xef\xbb\xbf#separator:tab\nfront\tback\n")
    assert read_any(with_bom)[0].questions[0].answers == ("back",)
    bare = tmp_path / "bare.txt"
    bare.write_text("Capital is {{c1::Paris}}\tx\n")
    assert read_any(bare)[0].questions[0].type == "card"  # a Basic note by default


def test_validate_says_an_apkg_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "b.apkg"
    write_apkg(load_bank(SHIPPED), package)
    assert main(["validate", str(package)]) == 1
    assert "quiz writes Anki packages but does not read them" in capsys.readouterr().err
