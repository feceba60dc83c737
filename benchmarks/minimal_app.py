"""The start-up baseline: the smallest Textual app, painting one label."""

from textual.app import App, ComposeResult
from textual.widgets import Label


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("Minimal app ready")


if __name__ == "__main__":
    Minimal().run()
