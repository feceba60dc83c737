"""Reading a bank as Moodle GIFT beside reading the same bank as YAML (issue 14: within 2 x).

The bank comes from `genbank.py` (all six original types), written as GIFT by quiz's own
writer, so both files hold the same questions; each is read cold (`load_gift` and
`load_bank`: parse, check every rule, build the bank), interleaved round by round, and the
medians compared.

Run: python benchmarks/bench_gift.py [--sizes 1000,10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from genbank import generate

from quiz.formats.gift import load_gift, write_gift
from quiz.formats.yaml_bank import load_bank


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"{'questions':>9} {'YAML MiB':>9} {'GIFT MiB':>9} {'YAML':>8} {'GIFT':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for size in map(int, args.sizes.split(",")):
            yaml_path = Path(folder) / f"bank{size}.yaml"
            yaml_path.write_text(generate(size), encoding="utf-8")
            gift_path = Path(folder) / f"bank{size}.gift"
            gift_path.write_text(write_gift(load_bank(yaml_path))[0], encoding="utf-8")
            assert len(load_gift(gift_path)[0].questions) == size
            as_yaml, as_gift = [], []
            for _ in range(args.rounds):
                started = time.perf_counter()
                load_bank(yaml_path)
                as_yaml.append(time.perf_counter() - started)
                started = time.perf_counter()
                load_gift(gift_path)
                as_gift.append(time.perf_counter() - started)
            y, g = statistics.median(as_yaml), statistics.median(as_gift)
            print(
                f"{size:>9} {yaml_path.stat().st_size / 2**20:>9.1f} "
                f"{gift_path.stat().st_size / 2**20:>9.1f} {y:>7.3f}s {g:>7.3f}s {g / y:>6.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
