"""Every key, on one page. Opened with ? or F1 from anywhere."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = """\
Anywhere
  ?  F1        this help
  Ctrl+P       command palette: screens, actions, themes
  Ctrl+Q       quit (every answer is already saved)

Home (sessions cover the selected topics, or all)
  ↑ ↓          move between topics
  Space        select or unselect a topic
  a            select all topics, or none
  Enter        practice: shuffled questions, feedback after each
  r            review: spaced repetition, the cards due now
  d            drill: mostly your weakest topics and most-missed questions
  e            exam: a fixed set by seed, verdicts at the end
  m            mistakes: the questions you last got wrong
  s            statistics

Question
  1-9          choice: pick;  multi: toggle
  ↑ ↓ Enter    choice: move and pick
  Space        multi: toggle;  card: show the answer
  t f          true / false
  Enter        submit the answer, then go on to the next question
  Tab          cloze: next blank
  1 2 3 4      card: grade Again / Hard / Good / Easy
  PgUp PgDn    scroll a long question
  Escape       end the session early (answers so far are kept)

Summary
  r            retry the missed questions
  Enter Esc    back home
  s            statistics

Statistics
  Escape       back
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(KEYS, id="help-keys", markup=False)

    def action_close(self) -> None:
        self.dismiss()
