"""Generate large valid banks, all six types, for benchmarks and load tests."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import yaml


def generate(count: int, topics: int = 20, seed: int = 1) -> str:
    rng = random.Random(seed)
    kinds = ["choice", "multi", "truefalse", "short", "cloze", "card"]
    questions = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        q: dict[str, object] = {
            "id": f"q{i:06d}",
            "topic": f"topic{i % topics:02d}",
            "type": kind,
            "prompt": f"Question {i}: which statement about item {rng.randrange(10**6)} holds?",
        }
        if kind in ("choice", "multi"):
            choices = [f"Option {j} of question {i}" for j in range(4)]
            q["choices"] = choices
            q["answer"] = choices[0] if kind == "choice" else choices[:2]
        elif kind == "truefalse":
            q["answer"] = rng.choice([True, False])
        elif kind == "short":
            q["answer"] = f"answer {i}"
            q["accept"] = [f"reply {i}"]
        elif kind == "cloze":
            q["prompt"] = f"Item {i} is {{{{stored|kept}}}} in the {{{{bank}}}}."
        else:
            q["answer"] = f"The back of card {i}."
        q["explanation"] = "The explanation of a generated question, a sentence long."
        q["ref"] = f"Section {i % 7}"
        questions.append(q)
    bank = {"title": f"Generated bank of {count}", "questions": questions}
    return yaml.safe_dump(bank, sort_keys=False, allow_unicode=True, width=1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--topics", type=int, default=20)
    args = parser.parse_args()
    args.output.write_text(generate(args.count, args.topics), encoding="utf-8")


if __name__ == "__main__":
    main()
