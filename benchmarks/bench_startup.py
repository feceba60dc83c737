"""Start-up: from launch to the first paint of the home screen, in a real terminal (tmux).

The package is byte-compiled first, as `pip install .` leaves it. Each round launches
`quiz` on the shipped bank (parse cache warm, progress database in place) and, right after
it, the minimal Textual app in `minimal_app.py`, each in a fresh 80x24 tmux window, and
polls the screen every 2 ms until its first screen is drawn: the home screen's last topic
row for quiz, the label for the baseline. Medians are compared.

Run: python benchmarks/bench_startup.py [--rounds 15]
     python benchmarks/bench_startup.py --bank big.yaml --marker topic09   # another bank
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent


def first_paint(command: str, marker: str, wait: float = 30) -> float:
    socket = f"bench-{uuid.uuid4().hex[:8]}"  # a server of its own each time
    tmux = shutil.which("tmux")
    assert tmux, "tmux is needed"
    started = time.perf_counter()
    subprocess.run(
        [tmux, "-L", socket, "new-session", "-d", "-x", "80", "-y", "24", "-s", "b", command],
        check=True,
    )
    try:
        while time.perf_counter() - started < wait:
            screen = subprocess.run(
                [tmux, "-L", socket, "capture-pane", "-p", "-t", "b"],
                capture_output=True,
                text=True,
            ).stdout
            if marker in screen:
                return time.perf_counter() - started
            time.sleep(0.002)
        raise RuntimeError(f"{marker!r} never appeared")
    finally:
        pane = subprocess.run(
            [tmux, "-L", socket, "display", "-p", "-t", "b", "#{pane_pid}"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        subprocess.run([tmux, "-L", socket, "kill-server"], capture_output=True)
        gone_by = time.perf_counter() + 10  # the next launch does not share the cores with it
        while pane and Path(f"/proc/{pane}").exists() and time.perf_counter() < gone_by:
            time.sleep(0.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--bank", type=Path, help="a bank of your own (default: the shipped one)")
    parser.add_argument(
        "--marker", default="Application scenarios", help="text of the last topic row shown"
    )
    args = parser.parse_args()
    quiz = shutil.which("quiz")
    assert quiz, "install quiz first (pip install .)"
    # `pip install .` byte-compiles the package; an editable install under
    # PYTHONDONTWRITEBYTECODE=1 would compile it from source at every launch instead.
    import quiz as package

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(package.__file__).parent)],
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
    )
    with tempfile.TemporaryDirectory() as folder:
        env = f"env QUIZ_DATA_DIR={folder}/data QUIZ_CACHE_DIR={folder}/cache"
        bank = "" if args.bank is None else shlex.quote(str(args.bank.resolve()))
        quiz_command = f"{env} {shlex.quote(quiz)} {bank} --profile bench"
        baseline_command = (
            f"{shlex.quote(sys.executable)} {shlex.quote(str(HERE / 'minimal_app.py'))}"
        )
        first_paint(quiz_command, args.marker, wait=120)  # warm the caches once
        ours, base = [], []
        for _ in range(args.rounds):
            ours.append(first_paint(quiz_command, args.marker))
            base.append(first_paint(baseline_command, "Minimal app ready"))
    o, b = statistics.median(ours), statistics.median(base)
    print(f"rounds {args.rounds}, cores {os.cpu_count()}")
    print(
        f"quiz home screen, first paint:   median {o * 1000:6.0f} ms "
        f"(min {min(ours) * 1000:.0f}, max {max(ours) * 1000:.0f})"
    )
    print(
        f"minimal Textual app, one label:  median {b * 1000:6.0f} ms "
        f"(min {min(base) * 1000:.0f}, max {max(base) * 1000:.0f})"
    )
    print(f"ratio {o / b:.2f} (target at most 1.3)")


if __name__ == "__main__":
    main()
