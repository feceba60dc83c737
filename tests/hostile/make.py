"""Write the hostile banks of this folder: python tests/hostile/make.py

Each file is one way a bank file can attack or trip the loader; `tests/test_hostile.py`
says what `quiz validate` must answer for each. The files are committed; this script only
documents how the larger ones were made (and remakes them after a change here).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
QUESTION = "  - {{id: q{n}, topic: t, type: short, prompt: {prompt}, answer: a}}\n"


def bank(questions: str, head: str = "title: x\n") -> str:
    return f"{head}questions:\n{questions}"


def bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\ntitle: x\nquestions: *i\n"


FILES: dict[str, str | bytes] = {
    # Nesting: the depth is counted on the YAML structure, whatever comments and strings say.
    "deep-flow.yaml": "title: x\nquestions: " + "[" * 50_000 + "]" * 50_000 + "\n",
    "deep-flow-after-closers-in-a-comment.yaml": "# "
    + "]" * 50_000
    + "\ntitle: x\nquestions: "
    + "[" * 50_000
    + "\n",
    "deep-flow-after-closers-in-a-string.yaml": 'title: "'
    + "]" * 50_000
    + '"\nquestions: '
    + "[" * 50_000
    + "\n",
    "deep-block.yaml": "title: x\nquestions:\n" + "".join(" " * i + "-\n" for i in range(2000)),
    "deep-compact-block.yaml": "title: x\nquestions:\n  " + "- " * 600 + "x\n",
    # Valid banks that a naive pre-scan refused.
    "valid-brackets-in-strings.yaml": bank(
        "".join(QUESTION.format(n=n, prompt='"Is n in [0, n)?"') for n in range(252))
    ),
    "valid-dashes-in-a-block-scalar.yaml": "title: x\nquestions:\n  - id: q\n    topic: t\n"
    "    type: card\n    answer: a\n    prompt: |\n      " + "-" * 600 + "\n",
    "valid-deep-indent-in-a-block-scalar.yaml": "title: x\nquestions:\n  - id: q\n"
    "    topic: t\n    type: card\n    answer: a\n    prompt: |\n      x\n" + " " * 520 + "y\n",
    "valid-tab-in-a-literal-block.yaml": "title: x\nquestions:\n  - id: q\n    topic: t\n"
    "    type: card\n    answer: a\n    prompt: |\n      \tif x:\n      \t\treturn y\n",
    "valid-blank-line-with-a-tab.yaml": "title: x\n\t\nquestions:\n  - {id: q, topic: t,"
    " type: card, prompt: p, answer: a}\n",
    "valid-line-separators.yaml": "title: x\u2028y\nquestions:\n  - {id: q, topic: t,"
    ' type: card, prompt: "p\u2029q", answer: a}\n',
    # NEL (U+0085) is a YAML 1.1 line break an editor does not show: a comment must not end
    # there and let the text after it count as a field.
    "nel-in-a-comment.yaml": "title: T\nquestions:\n  - id: q1\n    topic: t\n    type: short\n"
    "    prompt: What is 2+2?   # note\u0085    answer: five\n    accept: [four]\n",
    # A located error after U+2028: the line is the editor's line.
    "line-separator-then-an-error.yaml": "title: x\u2028y\nquestions:\n  - {id: q, topic: t,"
    " type: card, prompt: p, answer: a, colour: red}\n",
    # Empty values of required fields: the same error with and without libyaml.
    "answer-tilde.yaml": bank("  - {id: q, topic: t, type: short, prompt: p, answer: ~}\n"),
    "answer-null.yaml": bank("  - {id: q, topic: t, type: short, prompt: p, answer: null}\n"),
    # Hints stay cheap with thousands of topics and misspellings.
    "many-topics.yaml": "title: x\ntopics:\n"
    + "".join(f"  topic{n:05d}: Topic {n}\n" for n in range(5000))
    + "questions:\n"
    + "".join(
        f"  - {{id: q{n}, topic: topc{n:05d}, type: card, prompt: p, answer: a}}\n"
        for n in range(5000)
    ),
    # Names that would reach the terminal: an escape code and a forged line in a key.
    "escape-in-a-key.yaml": bank(
        '  - {id: q, topic: t, type: card, prompt: p, answer: a, "\\e[31m\\nx.yaml:1:1: ok": 1}\n'
    ),
    # Cloze blanks: too many, nested, stray.
    "cloze-too-many-blanks.yaml": bank(
        '  - {id: q, topic: t, type: cloze, prompt: "' + "{{a}} " * 100 + '"}\n'
    ),
    "cloze-nested-braces.yaml": bank('  - {id: q, topic: t, type: cloze, prompt: "{{a{{b}}c}}"}\n'),
    "cloze-triple-braces.yaml": bank('  - {id: q, topic: t, type: cloze, prompt: "x {{{x}}}"}\n'),
    "topic-with-a-comma.yaml": bank(
        "  - {id: q, topic: 'a,b', type: card, prompt: p, answer: a}\n"
    ),
    # Handled before: each still gets one located error.
    "alias-bomb.yaml": bomb(),
    "self-reference.yaml": "title: x\nquestions: &q [*q]\n",
    "huge-string.yaml": bank(
        "  - {id: a, topic: t, type: card, answer: b, prompt: " + "x" * 25_000 + "}\n"
    ),
    "not-utf8.yaml": "title: caf\xe9\n".encode("latin-1"),
    "tab-indentation.yaml": "title: x\nquestions:\n\t- id: a\n",
    "duplicate-key.yaml": "title: x\ntitle: y\nquestions: []\n",
    "several-documents.yaml": "title: x\n---\ntitle: y\n",
    "empty.yaml": "",
    "only-a-comment.yaml": "# nothing here\n",
    "top-level-text.yaml": "just text\n",
    "top-level-list.yaml": "- a\n- b\n",
    "raw-control-character.yaml": b"title: a\x1bb\n",
    "broken-syntax.yaml": "title: [unclosed\n",
}


def main() -> None:
    for name, content in FILES.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
