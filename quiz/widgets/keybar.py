"""The key bar at the bottom of every screen."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyBar(Footer):
    """Textual's Footer, rebuilt at most once per refresh.

    The Footer rebuilds itself each time the screen's keys change, and answering a question
    changes them several times in one go (the answer widget leaves, the feedback takes focus,
    Next becomes available): one rebuild is enough.
    """

    _rebuild_pending = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._rebuild_pending:
            return
        self._rebuild_pending = True
        self.call_after_refresh(self._rebuild, screen)

    def _rebuild(self, screen: Screen[object]) -> None:
        self._rebuild_pending = False
        super().bindings_changed(screen)
