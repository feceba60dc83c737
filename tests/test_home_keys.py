"""The home screen at small sizes, New / Learning / Due, honest recall, the topic selection,
keys you can find (help, the key bar, the palette) and the theme kept across launches."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fsrs import Rating, State
from rich.cells import cell_len
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from quiz import config, paths
from quiz.core.bank import Bank, shipped_bank_path
from quiz.core.progress import Progress
from quiz.core.scheduling import Cards, make_scheduler
from quiz.core.session import answer_for
from quiz.core.study import Study
from quiz.formats.yaml_bank import load_bank
from quiz.store.sqlite import SQLiteStore
from quiz.tui.app import QuizApp
from quiz.tui.screens.help import HelpScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.question import QuestionScreen
from quiz.tui.screens.stats import StatsScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.keybar import KeyBar
from quiz.tui.widgets.topic_table import Column, TopicTable, fit, layout

from .conftest import Clock, table_rows
from .test_app import keys_for

MakeApp = Callable[..., QuizApp]

SHORT_BANK = """\
title: Short answers
topics:
  words: Words
  names: Names
questions:
  - id: gan
    topic: words
    type: short
    prompt: What does GAN stand for?
    answer: Generative Adversarial Network
  - id: llm
    topic: names
    type: short
    prompt: What does LLM stand for?
    answer: Large Language Model
"""

WIDE_NAMES_BANK = """\
title: Wide names
topics:
  cjk: 漢字とかなの長い話題の名前です
  emoji: 🚀 Rockets and 🌍 planets and 🌟 stars together
  plain: Plain
questions:
  - {id: q1, topic: cjk, type: truefalse, prompt: One, answer: "true"}
  - {id: q2, topic: emoji, type: truefalse, prompt: Two, answer: "true"}
  - {id: q3, topic: plain, type: truefalse, prompt: Three, answer: "true"}
"""


@pytest.fixture
def make_app(write_bank: Callable[[str], Path]) -> MakeApp:
    def make(text: str | None = None, **options: object) -> QuizApp:
        bank = load_bank(write_bank(text) if text else shipped_bank_path())
        options.setdefault("seed", 7)
        options.setdefault("answer_delay", 0)  # keys answer at once, however fast they come
        store = SQLiteStore.in_memory(clock=Clock())
        return QuizApp(Study.open(bank, store, "ana"), **options)  # type: ignore[arg-type]

    return make


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let the key bar, which comes a frame after the topics, arrive and fill."""
    for _ in range(3):
        await pilot.pause()


def home(app: QuizApp) -> HomeScreen:
    assert isinstance(app.screen, HomeScreen)
    return app.screen


def footer_keys(app: QuizApp) -> list[FooterKey]:
    return list(app.screen.query_one(KeyBar).query(FooterKey))


def hint(app: QuizApp) -> str:
    return str(app.screen.query_one("#home-hint").render())


# --- 1. the home screen at 60x20 and 80x24 ---------------------------------------------------


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_home_fits_small_terminals(make_app: MakeApp, size: tuple[int, int]) -> None:
    width, _ = size
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = home(app)
        table = screen.query_one(TopicTable)
        header = str(screen.query_one("#topics-header", Static).render())
        assert "\n" not in header and cell_len(header) < width  # no column wrapped
        assert len(table_rows(table)) == 5
        assert all(cell_len(str(row)) < width for row in table_rows(table))
        assert table.region.height >= 5 and table.max_scroll_y == 0  # every topic shows
        assert cell_len(hint(app)) <= width - 2
        keys = footer_keys(app)
        assert {k.description for k in keys} >= {"Practice", "Review", "Exam", "Help"}
        for key in keys:  # each key whole, none cut at the edge
            assert key.region.right <= width, (key.description, key.region)


async def test_the_table_follows_the_width(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        header = str(home(app).query_one("#topics-header", Static).render())
        assert "Trend" in header and "Studied" in header
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        header = str(home(app).query_one("#topics-header", Static).render())
        assert "Trend" not in header and "New Lrn Due" in header and cell_len(header) < 60


# --- 2. widths in terminal cells --------------------------------------------------------------


def test_fit_counts_cells_and_cuts_with_an_ellipsis() -> None:
    assert fit("漢字漢字", 8) == "漢字漢字"
    assert fit("漢字漢字", 5) == "漢字…"
    assert fit("漢字漢字", 4) == "漢… "  # half a wide letter is never shown
    assert fit("🚀🚀🚀", 4) == "🚀… "
    assert fit("abc", 5) == "abc  " and fit("abc", 5, left=False) == "  abc"
    assert fit("abcdef", 1) == "…" and fit("abc", 0) == ""


def test_columns_are_left_out_least_useful_first() -> None:
    columns = [Column("Keep"), Column("Second", drop=1), Column("First", drop=2)]
    name, cells = "A topic with a long name", ("1", "2", "3")
    header = layout(columns, [(name, cells)], 80).header
    assert "Second" in header and "First" in header
    header = layout(columns, [(name, cells)], 36).header
    assert "Second" in header and "First" not in header
    fitted = layout(columns, [(name, cells)], 20)
    line = fitted.line("○", name, cells)
    assert "Keep" in fitted.header and "Second" not in fitted.header
    assert cell_len(line) == cell_len(fitted.header) <= 20


async def test_wide_topic_names_keep_the_table_aligned(make_app: MakeApp) -> None:
    app = make_app(WIDE_NAMES_BANK)
    async with app.run_test(size=(70, 20)):
        screen = home(app)
        header = str(screen.query_one("#topics-header", Static).render())
        rows = [str(row) for row in table_rows(screen.query_one(TopicTable))]
        mastery_at = cell_len(header[: header.index("Mastery")])
        for row in rows:
            assert cell_len(row) == cell_len(header) < 70
            assert cell_len(row[: row.index("·")]) == mastery_at, row  # the bar starts in line
        cjk, emoji, plain = rows
        assert "…" in cjk and "…" in emoji and "…" not in plain
        assert cjk.startswith(" ○ 漢字") and emoji.startswith(" ○ 🚀 Rockets")


# --- 3. New / Learning / Due, and 4. honest recall --------------------------------------------


def counted(cards: Cards, bank: Bank, now: float, latest: dict[str, bool] | None = None) -> dict:  # type: ignore[type-arg]
    """Per topic, what the store counts of these cards at `now`, each question in `latest`
    last answered right or wrong."""
    store = SQLiteStore.in_memory(clock=lambda: now)
    study = Study(bank, store, "ana")
    questions = bank.by_id()
    kept = {
        qid: (questions[qid].topic, (c.to_json(), c.due.timestamp()))
        for qid, c in cards.cards.items()
    }
    store.merge_cards("ana", study.key, kept)
    session = store.start_session("ana", study.key, "practice", None)
    for qid, right in (latest or {}).items():
        store.record(session, answer_for(questions[qid], "x", right, 3.0))
    progress = Progress(study, cards.scheduler)
    progress.load()
    return progress.recall


def test_the_store_counts_new_learning_and_review_cards() -> None:
    bank = load_bank(shipped_bank_path())
    scheduler = make_scheduler(fuzz=False)
    cards = Cards({}, scheduler)
    start = datetime(2027, 1, 1, tzinfo=UTC).timestamp()
    topic = next(iter(bank.topics))
    first, second, third, *rest = [q for q in bank.questions if q.topic == topic]
    cards.review(first, Rating.Again, start)  # learning
    cards.review(second, Rating.Easy, start)  # review, due days later
    cards.review(third, Rating.Easy, start)
    cards.review(third, Rating.Again, start + 30 * 86_400)  # relearning
    assert cards.cards[first.id].state == State.Learning
    assert cards.cards[second.id].state == State.Review
    assert cards.cards[third.id].state == State.Relearning

    soon = counted(cards, bank, start + 1)[topic]  # nothing is due yet
    assert (soon.new, soon.learning, soon.review) == (len(rest), 0, 0)
    later = counted(cards, bank, start + 60 * 86_400)[topic]
    assert (later.new, later.learning, later.review) == (len(rest), 2, 1)
    assert later.due == len(rest) + 3  # what a review session asks: new cards count as due


def test_the_store_predicts_recall_as_the_scheduler_does() -> None:
    bank = load_bank(shipped_bank_path())
    scheduler = make_scheduler(fuzz=False)
    cards = Cards({}, scheduler)
    start = datetime(2027, 1, 1, tzinfo=UTC).timestamp()
    topic = next(iter(bank.topics))
    for days, q in enumerate([q for q in bank.questions if q.topic == topic][:5]):
        cards.review(q, Rating.Good, start - days * 86_400)
    now = start + 9.5 * 86_400
    wanted = [
        scheduler.get_card_retrievability(card, datetime.fromtimestamp(now, UTC))
        for card in cards.cards.values()
    ]
    assert counted(cards, bank, now)[topic].recall == pytest.approx(sum(wanted) / len(wanted))


def test_a_reviewed_question_last_answered_wrong_counts_as_not_recalled() -> None:
    bank = load_bank(shipped_bank_path())
    cards = Cards({}, make_scheduler(fuzz=False))
    now = datetime(2027, 1, 1, tzinfo=UTC).timestamp()
    topic = next(iter(bank.topics))
    again, then_missed, kept, practised = [q for q in bank.questions if q.topic == topic][:4]
    cards.review(again, Rating.Again, now)  # wrong in a review: FSRS still predicts 100%
    cards.review(then_missed, Rating.Good, now)  # right in a review, then wrong in practice
    cards.review(kept, Rating.Good, now)
    assert counted(cards, bank, now)[topic].recall == pytest.approx(1.0)

    latest = {again.id: False, then_missed.id: False, kept.id: True, practised.id: False}
    honest = counted(cards, bank, now, latest)
    assert honest[topic].recall == pytest.approx(1 / 3)  # never reviewed: no prediction, left out
    untouched = next(t for t in bank.topics if t != topic)
    assert honest[untouched].recall is None


async def review_then_go_home(app: QuizApp, pilot, keys: list[str]) -> str:  # type: ignore[no-untyped-def]
    """Press `keys` (select, start, answer the one question), go home through the summary;
    return the first topic's row."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
    await pilot.press("enter")  # the only question: on to the summary
    await pilot.pause()
    await pilot.press("enter")  # home
    await settle(pilot)
    return str(table_rows(home(app).query_one(TopicTable))[0])


async def test_a_wrong_review_answer_does_not_show_full_recall_at_home(
    make_app: MakeApp,
) -> None:
    app = make_app(SHORT_BANK)
    async with app.run_test(size=(80, 24)) as pilot:
        words = await review_then_go_home(app, pilot, ["space", "r", *"no idea", "enter"])
        assert "100%" not in words and " 0%" in words, words
        summary = str(home(app).query_one("#home-summary").render())
        assert "1 new · 0 learning · 0 due" in summary  # learning again in a minute, not yet


async def test_a_wrong_practice_answer_after_a_right_review_lowers_recall(
    make_app: MakeApp,
) -> None:
    app = make_app(SHORT_BANK)
    async with app.run_test(size=(80, 24)) as pilot:
        right = ["space", "r", *"Generative Adversarial Network", "enter"]
        assert "100%" in await review_then_go_home(app, pilot, right)
        words = await review_then_go_home(app, pilot, ["space", "enter", *"no idea", "enter"])
        assert "100%" not in words and " 0%" in words, words


# --- 5. selecting topics ----------------------------------------------------------------------


async def test_space_toggles_the_topic_under_the_cursor_and_the_count_shows(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = home(app)
        table = screen.query_one(TopicTable)
        assert "All topics" in hint(app)
        await pilot.press("space")
        assert table.cursor == 0 and str(table_rows(table)[0]).startswith(" ● ")
        assert "1 of 5 topics selected" in hint(app)
        await pilot.press("down", "space")
        assert table.cursor == 1 and "2 of 5 topics selected" in hint(app)
        await pilot.press("space")  # again: unselected, and still there
        assert table.cursor == 1 and str(table_rows(table)[1]).startswith(" ○ ")
        assert "1 of 5 topics selected" in hint(app)


async def test_the_selection_stays_through_help_and_stats_and_clears_after_a_session(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = home(app)
        await pilot.press("space", "down", "space")
        for key in ("question_mark", "s"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen | StatsScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen and len(screen.selected) == 2
        await pilot.press("enter")  # a practice session over the two topics
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("escape")  # nothing answered: straight home
        await settle(pilot)
        assert app.screen is screen
        assert screen.selected == set() and "All topics" in hint(app)
        rows = table_rows(screen.query_one(TopicTable))
        assert not any(str(row).startswith(" ● ") for row in rows)


# --- 6. keys you can find ---------------------------------------------------------------------


async def test_help_says_how_to_close_it(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Escape, q or ? closes this help" in str(
            app.screen.query_one("#help-box").border_subtitle
        )
        text = " ".join(str(label.render()) for label in app.screen.query(".help-text"))
        for words in (
            "select or unselect the topic under the cursor",
            "command palette",
            "? types a question mark in a text box",
            "I was right",
            "asks first in an exam or review",
            "choose questions, time limit and seed",
        ):
            assert words in text
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_in_a_text_box_question_mark_types_and_the_key_bar_offers_f1(
    make_app: MakeApp,
) -> None:
    app = make_app(SHORT_BANK)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = {k.description: k.key_display for k in footer_keys(app)}
        assert shown["Help"] == "?"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QuestionScreen)
        assert isinstance(app.focused, Input)
        shown = {k.description: k.key_display for k in footer_keys(app)}
        assert shown["Help"] == "F1"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert "?" in app.screen.query_one("#answer", Input).value
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_the_palette_lists_each_command_once_and_home_only_away_from_home(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:

        def titles() -> list[str]:
            found = [c.title for c in app.get_system_commands(app.screen)]
            assert len(found) == len(set(found)), found
            return found

        on_home = titles()
        assert "Home" not in on_home
        assert {"Theme", "Quit", "Keys", "Statistics", "Start practice", "Start exam"} <= set(
            on_home
        )
        assert not {"Screenshot", "Maximize", "Minimize"} & set(on_home)
        await pilot.press("s")
        await pilot.pause()
        assert "Home" in titles()
        await pilot.press("escape", "enter")  # a session: no home, no new session
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        during = titles()
        assert "Home" not in during and not any(t.startswith("Start") for t in during)


# --- the theme, remembered --------------------------------------------------------------------


async def test_the_theme_is_remembered_across_launches(make_app: MakeApp, config_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme != "nord"
        app.theme = "nord"
        await pilot.pause()
    assert tomllib.loads((config_dir / "config.toml").read_text()) == {"theme": "nord"}
    again = make_app()
    async with again.run_test(size=(80, 24)):
        assert again.theme == "nord"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("settings.json", b"{not json"),
        ("settings.json", b"\xff\xfe\x00"),
        ("settings.json", b'["nord"]'),
        ("settings.json", b'{"theme": 7}'),
        ("settings.json", b'{"theme": "no-such-theme"}'),
        ("config.toml", b"theme = 7\n"),
        ("config.toml", b'theme = "no-such-theme"\n'),
    ],
)
async def test_a_damaged_settings_file_or_unknown_theme_is_ignored(
    make_app: MakeApp, config_dir: Path, name: str, content: bytes
) -> None:
    config_dir.mkdir()
    (config_dir / name).write_bytes(content)
    default = make_app().theme
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == default
        app.theme = "nord"  # and saving over it works
        await pilot.pause()
    assert config.saved_theme() == "nord"


async def test_a_config_file_that_cannot_be_read_is_left_alone(
    make_app: MakeApp, config_dir: Path
) -> None:
    config_dir.mkdir()
    (config_dir / "config.toml").write_bytes(b'theme = "nord\nprofile = "ada"\n')
    default = make_app().theme
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == default
        app.theme = "gruvbox"  # not saved: the learner's file is theirs to mend
        await pilot.pause()
    assert (config_dir / "config.toml").read_bytes() == b'theme = "nord\nprofile = "ada"\n'


async def test_the_theme_of_an_earlier_version_is_kept(make_app: MakeApp, config_dir: Path) -> None:
    config_dir.mkdir()
    (config_dir / "settings.json").write_text('{"theme": "nord"}')
    app = make_app()
    async with app.run_test(size=(80, 24)):
        assert app.theme == "nord"


def test_settings_that_cannot_be_saved_are_given_up_quietly(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert config.save_theme("nord", blocker / "config.toml") is False
    assert config.saved_theme(blocker / "config.toml") is None
    assert config.saved_theme(tmp_path / "missing.toml") is None


def test_saving_keeps_the_other_settings(config_dir: Path) -> None:
    config_dir.mkdir()
    (config_dir / "config.toml").write_text('profile = "ada"\n')
    assert config.save_theme("nord")
    assert config.save_theme("gruvbox")
    assert tomllib.loads((config_dir / "config.toml").read_text()) == {
        "profile": "ada",
        "theme": "gruvbox",
    }


def test_the_config_folder_is_the_tests_own(config_dir: Path) -> None:
    assert paths.config_dir() == config_dir
    assert config.config_path().parent == config_dir


def test_settings_never_load_textual() -> None:
    code = (
        "import sys, quiz.config\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


async def test_closing_help_or_statistics_reads_nothing_and_a_session_reads_once(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    store = app.study.store
    reads: list[tuple[str, list[str]]] = []  # (what, of which topics)
    for name in ("topic_summary", "topic_cards", "question_stats"):
        original = getattr(store, name)

        def spy(*args: object, _name: str = name, _original: object = original) -> object:
            reads.append((_name, list(args[2])))
            return _original(*args)  # type: ignore[operator]

        monkeypatch.setattr(store, name, spy)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        reads.clear()
        for key in ("f1", "escape", "ctrl+p", "escape"):
            await pilot.press(key)
            await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert reads == []  # closing help or the palette changes nothing, so it costs nothing
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert [name for name, _ in reads] == ["topic_summary"]  # the statistics' own read
        await pilot.press("enter")  # a practice session
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        reads.clear()
        await pilot.press("escape")  # nothing answered: straight home, and nothing changed
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert reads == []
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        topic = screen.session.current.topic
        await pilot.press(*keys_for(app, screen.session.current, right=False))
        await pilot.pause()
        await pilot.press("escape")  # a session with an answer ends on its summary
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        # Its topic is read again while the summary is on screen (which reads the scores of
        # the session's topics itself): one read of one topic.
        assert [r for r in reads if r[0] == "topic_cards"] == [("topic_cards", [topic])]
        assert ("topic_summary", [topic]) in reads
        reads.clear()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        # Home shows it at once; only the others are read again (between frames: their cards
        # may have come due meanwhile).
        assert reads and all(topic not in topics for _, topics in reads)
