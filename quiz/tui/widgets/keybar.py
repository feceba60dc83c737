"""The key bar at the bottom of every screen."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

WIDE = 80  # narrower than this, the key bar is compact and leaves out the palette key


class KeyBar(Footer):
    """Textual's Footer, fitted to the width and rebuilt at most once per refresh.

    Narrower than WIDE it loses its padding and the palette key (Ctrl+P is in the help), so
    that every key it shows fits whole. The Footer rebuilds itself each time the screen's keys
    change, and answering a question changes them several times in one go (the answer widget
    leaves, the feedback takes focus, Next becomes available): one rebuild is enough.
    """

    _rebuild_pending = False

    def on_resize(self) -> None:
        narrow = self.size.width < WIDE
        if self.compact != narrow:
            self.compact = narrow
            self.show_command_palette = not narrow
            self.screen.refresh_bindings()  # the key bar rebuilds itself with the keys

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._rebuild_pending:
            return
        self._rebuild_pending = True
        self.call_after_refresh(self._rebuild, screen)

    def _rebuild(self, screen: Screen[object]) -> None:
        self._rebuild_pending = False
        super().bindings_changed(screen)
