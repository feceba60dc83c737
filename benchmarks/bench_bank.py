"""Bank loading at 1k, 10k and 100k questions, each figure beside its baseline in one run.

- cold: `load_bank` (what `quiz validate` does) against a bare `yaml.load` with PyYAML's C
  safe loader on the same file, interleaved round by round; the median of each is compared.
  The loader pauses the garbage collector while it builds a bank, so the bare load is also
  timed with the collector paused, the fairer of the two baselines.
- cold against the event stream: `load_bank` against a bare walk over libyaml's events (what
  any loader must at least do; the target of issue 12 is 1.5 x of it) and against a walk that
  only keeps each scalar's text, line and column (the least a loader whose errors say where
  must do in Python), and the peak RSS of `load_bank` in a fresh process.
- warm: `load_bank_cached` with an up-to-date cache (what the app does at start-up), in a
  fresh process, with that process's peak RSS; beside it, a process that only imports quiz.

Run: python benchmarks/bench_bank.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from genbank import generate

from quiz.core.bank import paused_gc
from quiz.formats.yaml_bank import load_bank

ROUNDS = {1_000: 15, 10_000: 5, 100_000: 1}

CHILD = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from quiz.formats.cache import load_bank_cached
imported = time.perf_counter()
if sys.argv[1] != "-":
    load_bank_cached(Path(sys.argv[1]), Path(sys.argv[2]))
done = time.perf_counter()
# VmHWM is this process's own peak RSS (ru_maxrss would carry the parent's over exec).
status = Path("/proc/self/status").read_text()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"load": done - imported, "peak_mb": peak}))
"""


COLD = """
import json, sys
from pathlib import Path
from quiz.formats.yaml_bank import load_bank
load_bank(Path(sys.argv[1]))
status = Path("/proc/self/status").read_text()
print(json.dumps({"peak_mb": int(status.split("VmHWM:")[1].split()[0]) / 1024}))
"""


def child(bank: str, cache: str, code: str = CHILD) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, bank, cache], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def capture(text: str) -> None:
    """Each scalar's text and where it starts, kept as a tuple: nothing checked or built."""
    kept = []
    for event in yaml.parse(text, Loader=yaml.CBaseLoader):
        if event.__class__ is yaml.ScalarEvent:
            mark = event.start_mark
            kept.append((event.value, mark.line + 1, mark.column + 1))


def timed(fn: Callable[..., object], *args: object, **kwargs: object) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    print(
        f"{'questions':>9} {'MiB':>6} {'yaml.load':>10} {'(no gc)':>10} {'validate':>9} "
        f"{'ratio':>6} {'(no gc)':>6} "
        f"{'warm load':>10} {'warm peak':>10} {'import-only peak':>17} "
        f"{'events':>8} {'vs events':>9} {'capture':>8} {'vs capture':>10} {'cold peak':>10}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size in map(int, args.sizes.split(",")):
            path = Path(folder) / f"bank{size}.yaml"
            path.write_text(generate(size), encoding="utf-8")
            text = path.read_text(encoding="utf-8")
            bare, bare_no_gc, ours, events, captured = [], [], [], [], []
            for _ in range(ROUNDS.get(size, 3)):
                events.append(timed(deque, yaml.parse(text, Loader=yaml.CBaseLoader), maxlen=0))
                with paused_gc():  # as the loader does
                    captured.append(timed(capture, text))
                bare.append(timed(yaml.load, text, Loader=yaml.CSafeLoader))
                with paused_gc():
                    bare_no_gc.append(timed(yaml.load, text, Loader=yaml.CSafeLoader))
                ours.append(timed(load_bank, path))
            cache = str(Path(folder) / f"cache{size}")
            child(str(path), cache)  # fill the cache
            warm = [child(str(path), cache) for _ in range(3)]
            baseline = child("-", cache)
            b, o = statistics.median(bare), statistics.median(ours)
            n, e = statistics.median(bare_no_gc), statistics.median(events)
            c = statistics.median(captured)
            cold_peak = child(str(path), "-", COLD)["peak_mb"]
            warm_load = statistics.median(w["load"] for w in warm)
            warm_peak = max(w["peak_mb"] for w in warm)
            print(
                f"{size:>9} {path.stat().st_size / 2**20:>6.1f} {b:>9.3f}s {n:>9.3f}s "
                f"{o:>8.3f}s {o / b:>6.2f} {o / n:>6.2f} {warm_load:>9.3f}s "
                f"{warm_peak:>7.0f} MB {baseline['peak_mb']:>14.0f} MB "
                f"{e:>7.3f}s {o / e:>9.2f} {c:>7.3f}s {o / c:>10.2f} {cold_peak:>7.0f} MB",
                flush=True,
            )


if __name__ == "__main__":
    main()
