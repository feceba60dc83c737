"""Moodle's GIFT format: every rule of its documentation that quiz reads, what quiz cannot
carry said as located warnings, errors located, and the round trip through GIFT. The
fixtures are written here from the format's documentation (Moodle's own files are GPL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.cli.main import main
from quiz.core.bank import Bank, BankErrors, Question
from quiz.formats.cache import load_bank_cached
from quiz.formats.gift import load_gift, write_gift
from quiz.formats.yaml_bank import load_bank
from quiz.formats.yaml_writer import write_yaml

SHIPPED = Path(__file__).resolve().parent.parent / "questions.yaml"


def read(tmp_path: Path, text: str) -> tuple[Bank, list[str]]:
    path = tmp_path / "x.gift"
    path.write_text(text, encoding="utf-8")
    bank, warnings = load_gift(path)
    return bank, [str(w).removeprefix(f"{path}:") for w in warnings]


def only(tmp_path: Path, text: str) -> tuple[Question, list[str]]:
    bank, warnings = read(tmp_path, text)
    [question] = bank.questions
    return question, warnings


def test_the_type_is_decided_in_moodles_order(tmp_path: Path) -> None:
    bank, warnings = read(
        tmp_path,
        "Just a description.\n\n"
        "::e:: Discuss.{}\n\n"
        "::n:: Year? {#1969}\n\n"
        "::c:: Star? {=Sun ~Moon ~Mars}\n\n"
        "::m:: Planets? {~%50%Mars ~%50%Venus ~%-100%Moon}\n\n"
        "::p:: Moons. {=Io -> Jupiter =Titan -> Saturn}\n\n"
        "::t:: Round? {T}\n\n"
        "::s:: Who? {=Shakespeare =William Shakespeare}\n",
    )
    assert [(q.id, q.type) for q in bank.questions] == [
        ("n", "numeric"), ("c", "choice"), ("m", "multi"), ("p", "match"), ("t", "truefalse"),
        ("s", "short"),
    ]  # fmt: skip
    assert warnings == [
        "1:1: warning: description (no answer block): not a question quiz asks; skipped",
        "3:1: warning: essay questions are not asked; skipped",
    ]
    by_id = bank.by_id()
    assert by_id["c"].answers == ("Sun",) and by_id["c"].choices == ("Sun", "Moon", "Mars")
    assert by_id["m"].answers == ("Mars", "Venus")
    assert by_id["p"].pairs == (("Io", "Jupiter"), ("Titan", "Saturn"))
    assert by_id["s"].answers == ("Shakespeare", "William Shakespeare")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("T", "true"), ("TRUE", "true"), ("F", "false"), ("FALSE", "false"), ("true", "true")],
)
def test_true_and_false_in_each_spelling(tmp_path: Path, answer: str, expected: str) -> None:
    question, _ = only(tmp_path, f"Round? {{{answer}}}\n")
    assert question.type == "truefalse" and question.answers == (expected,)


@pytest.mark.parametrize(
    ("block", "answers", "ranges"),
    [
        ("{#1822}", ("1822",), ((1822, 1822),)),
        ("{#1822:2}", ("1822 ± 2",), ((1820, 1824),)),
        ("{#3.141..3.142}", ("3.141 to 3.142",), ((3.141, 3.142),)),
        ("{#=1822:2 =%100%1800:10 =1900..1901}", ("1822 ± 2", "1800 ± 10", "1900 to 1901"),
         ((1820, 1824), (1790, 1810), (1900, 1901))),
    ],
)  # fmt: skip
def test_numerical_forms(
    tmp_path: Path, block: str, answers: tuple[str, ...], ranges: object
) -> None:
    question, _ = only(tmp_path, f"::n:: Year? {block}\n")
    assert question.answers == answers and question.ranges == ranges


def test_partial_credit_and_feedback_that_quiz_cannot_carry_are_warned(tmp_path: Path) -> None:
    bank, warnings = read(
        tmp_path,
        "::s:: Who? {=Shakespeare#Yes =%50%Marlowe#Close}\n\n"
        "::c:: Star? {=Sun ~%25%Moon ~Mars}\n\n"
        "::n:: Year? {#=1969 =%50%1970}\n",
    )
    assert bank.by_id()["s"].answers == ("Shakespeare",)
    assert bank.by_id()["n"].answers == ("1969",)
    assert warnings == [
        "1:13: warning: partial credit (50%) for 'Marlowe' is not carried; left out",
        "1:13: warning: per-answer feedback is not carried",
        "3:14: warning: partial credit (25%) on 'Moon' is not carried",
        "5:14: warning: partial credit (50%) for '1970' is not carried; left out",
    ]


def test_text_after_the_block_makes_a_missing_word_cloze(tmp_path: Path) -> None:
    question, warnings = only(tmp_path, "The Sun is a {=star ~planet} in the sky.\n")
    assert question.type == "cloze"
    assert question.prompt == "The Sun is a {{star}} in the sky."
    assert question.blanks == (("star",),)
    assert warnings == [
        "1:14: warning: a missing-word choice becomes a typed blank; its wrong choices are not kept"
    ]
    short, _ = only(tmp_path, "Water boils at {=100 =a hundred} degrees.\n")
    assert short.prompt == "Water boils at {{100|a hundred}} degrees."


def test_comments_categories_names_formats_and_general_feedback(tmp_path: Path) -> None:
    bank, warnings = read(
        tmp_path,
        "// a comment line\n"
        "$CATEGORY: $course$/top/Science/Astronomy\n\n"
        "::sun::[html]The <b>closest</b> star &amp; its light?{=The Sun ~Sirius ####8 minutes.}\n\n"
        "::sun:: Again, a second question named sun? {T}\n\n"
        "$CATEGORY: History\n\n"
        "Unnamed? {F}\n",
    )
    assert bank.topics == {"Science/Astronomy": "Astronomy", "History": "History"}
    first, second, third = bank.questions
    assert (first.id, first.topic, first.prompt, first.explanation) == (
        "sun", "Science/Astronomy", "The closest star & its light?", "8 minutes."
    )  # fmt: skip
    assert second.id == "sun-2" and third.id == "q3" and third.topic == "History"
    assert warnings == [
        "4:14: warning: HTML is shown as plain text: tags removed, entities decoded"
    ]


def test_escapes(tmp_path: Path) -> None:
    question, _ = only(
        tmp_path, r"::e:: Is 1 \= 1 \~ \{ok\} \# a\: b\nnext \\ here? {=yes \= sure ~no}" + "\n"
    )
    assert question.prompt == "Is 1 = 1 ~ {ok} # a: b\nnext \\ here?"
    assert question.answers == ("yes = sure",)


def test_errors_are_all_located_and_sorted(tmp_path: Path) -> None:
    path = tmp_path / "bad.gift"
    path.write_text(
        "::a:: Planets? {~%-100%Moon ~Mars}\n\n"
        "::b:: Unclosed {=x\n\n"
        "::c:: Fine? {T}\n\n"
        "::d Unclosed name {T}\n"
    )
    with pytest.raises(BankErrors) as info:
        load_gift(path)
    assert [str(e) for e in info.value.errors] == [
        f"{path}:1:17: a multi question needs at least one right choice",
        f"{path}:3:16: the answer block '{{' is not closed with '}}'",
        f"{path}:7:1: a question name '::name::' is not closed",
    ]


def same_questions(a: Bank, b: Bank) -> None:
    fields = ("id", "topic", "type", "prompt", "answers", "choices", "blanks", "ranges",
              "pairs", "explanation", "ref", "tags")  # fmt: skip
    assert len(a.questions) == len(b.questions)
    for left, right in zip(a.questions, b.questions, strict=True):
        assert [getattr(left, f) for f in fields] == [getattr(right, f) for f in fields], left.id


def test_the_shipped_bank_goes_through_gift_and_back_to_yaml_unchanged(tmp_path: Path) -> None:
    shipped = load_bank(SHIPPED)
    gift = tmp_path / "shipped.gift"
    gift.write_text(write_gift(shipped)[0])
    through, warnings = load_gift(gift)
    assert warnings == []
    yaml_again = tmp_path / "again.yaml"
    yaml_again.write_text(write_yaml(through))
    again = load_bank(yaml_again)
    same_questions(shipped, again)
    assert (again.title, again.id, again.topics, again.source) == (
        shipped.title, shipped.id, shipped.topics, shipped.source
    )  # fmt: skip


def test_quiz_convert_both_ways_and_gift_everywhere_a_bank_goes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gift = tmp_path / "bank.gift"
    assert main(["convert", str(SHIPPED), "-o", str(gift)]) == 0
    out, err = capsys.readouterr()
    assert "Converted 63 questions" in out and ": note: " in err  # cards become essays
    assert main(["convert", str(gift), "-o", str(tmp_path / "bank.yaml")]) == 0
    assert main(["validate", str(gift)]) == 0
    assert "questions  63" in capsys.readouterr().out
    cached = load_bank_cached(gift, tmp_path / "cache")
    same_questions(load_bank(SHIPPED), cached)
    assert main(["convert", str(gift), "-o", str(tmp_path / "x.txt")]) == 2
    assert "which format?" in capsys.readouterr().err
    (tmp_path / "bad.gift").write_text("::a:: Unclosed {=x\n")
    assert main(["convert", str(tmp_path / "bad.gift"), "-o", str(tmp_path / "b.yaml")]) == 1
    assert capsys.readouterr().err.endswith(
        "bad.gift:1:16: the answer block '{' is not closed with '}'\n"
    )


@pytest.mark.parametrize("form", ["markdown", "plain", "moodle", "html"])
def test_each_text_format_is_accepted(tmp_path: Path, form: str) -> None:
    question, warnings = only(tmp_path, f"::f::[{form}]Round \\: yes? {{T}}\n")
    assert question.prompt == "Round : yes?" and warnings == []


def test_an_error_deep_in_a_long_question_is_placed_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "long.gift"
    path.write_text("::a:: A question\nwritten over\nthree lines {#12,5}\n")
    with pytest.raises(BankErrors) as info:
        load_gift(path)
    assert [str(e) for e in info.value.errors] == [
        f"{path}:3:14: 'answer': '12,5': write a decimal point (1.5) and no thousands "
        "separator (1822)"
    ]


def test_questions_before_any_category_keep_the_files_own_topic(tmp_path: Path) -> None:
    bank, _ = read(tmp_path, "::a:: x {T}\n\n$CATEGORY: later\n\n::b:: y {F}\n")
    assert [q.topic for q in bank.questions] == ["x", "later"]
    assert bank.topics == {"x": "x", "later": "later"}


def test_what_gift_cannot_say_comes_back_whole_from_quizs_own_comment(tmp_path: Path) -> None:
    source = tmp_path / "edge.yaml"
    source.write_text(
        "title: Edges\nlint: {ignore: [missing-ref]}\nquestions:\n"
        "  - {id: end, topic: t, type: cloze, prompt: 'The capital of France is {{Paris}}'}\n"
        "  - {id: card, topic: t, type: card, prompt: Front, answer: Back, explanation: Why}\n"
        "  - {id: two, topic: t, type: cloze, prompt: 'C:\\new {{a}} and {{b}} \\: x'}\n"
        "  - {id: fixed, topic: t, type: choice, prompt: p, choices: ['%50%F#', b],"
        " answer: '%50%F#', shuffle: false, lint: {ignore: [negative-stem]}}\n"
        "  - {id: arrow, topic: t, type: match, prompt: p, pairs: [{'x -> y': z}, {a: b}]}\n"
        "  - {id: html, topic: t, type: short, prompt: 'Is a<b and c>d?', answer: '<br>'}\n"
    )
    original = load_bank(source)
    gift = tmp_path / "edge.gift"
    gift.write_text(write_gift(original)[0])
    again, warnings = load_gift(gift)
    assert warnings == []
    same_questions(original, again)
    assert [(q.shuffle, q.lint_ignore) for q in again.questions][3] == (False, ("negative-stem",))
    assert again.lint_ignore == ("missing-ref",)


def test_plain_text_is_never_read_as_html_and_html_is_read_once(tmp_path: Path) -> None:
    plain, warnings = only(tmp_path, "::p::[plain] Use <br> tags? {T}\n")
    assert plain.prompt == "Use <br> tags?" and warnings == []
    once, _ = only(tmp_path, "::h::[html]Show &amp;lt; <script>alert(1)</script>here? {T}\n")
    assert once.prompt == "Show &lt; here?"
    word, _ = only(
        tmp_path, "::w::[html]<b>Moodle</b> costs {=nothing} to <i>get</i> &amp; more.\n"
    )
    assert word.prompt == "Moodle costs {{nothing}} to get & more."


def test_many_escaped_marks_in_one_block_are_read_in_one_pass(tmp_path: Path) -> None:
    question, _ = only(tmp_path, "::p:: q {=a " + "\\~" * 5000 + " ~b}\n")
    assert question.answers == ("a " + "~" * 5000,)


def test_a_comment_that_is_not_quizs_is_only_a_comment_and_an_empty_file_says_so(
    tmp_path: Path,
) -> None:
    _, warnings = read(tmp_path, "// quiz: this bank is for year 9\n::a:: x {T}\n")
    assert warnings == []
    with pytest.raises(BankErrors) as info:
        read(tmp_path, "// only a comment\n")
    assert [e.message for e in info.value.errors] == [
        "no questions: a GIFT file holds questions separated by blank lines"
    ]
