"""`quiz lint`: item-writing flaws a test-wise student exploits, found before a class sits a bank.

Each rule looks at the loaded bank (any format) and returns warnings located at a question.
Rules can be switched off for a whole bank (`lint: {ignore: [rule-id]}` at its top) or for
one question (the same field in the question). Plain Python: no Textual, no YAML.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations

from quiz.core.bank import Bank, Question, printable

STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "were",
        "which",
        "with",
        "what",
        "when",
        "where",
        "who",
        "how",
        "can",
        "do",
        "does",
        "not",
    }
)
NEAR_DUPLICATE = 0.8  # token Jaccard similarity of two questions' prompts and answers
LONGEST_SHARE = 0.4  # "about a third": the key is the longest option in more than this share
MIN_SAMPLE = 5  # bank-wide patterns are judged on at least this many questions
_WORDS = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_NEGATIVE = re.compile(r"\b(not|except|never|none)\b", re.IGNORECASE)
_ABOVE = re.compile(r"\b(all|none|both|neither) of the (above|options|choices)\b", re.IGNORECASE)
_ABSOLUTE = re.compile(r"\b(always|never|all|only|none|every|no one|nothing)\b", re.IGNORECASE)
_CUES = ("according to the article", "the article says", "the article states")


@dataclass(frozen=True, slots=True)
class Finding:
    """One warning, located at the question (or the bank line) it is about."""

    path: str
    line: int
    column: int
    message: str
    rule: str

    def __str__(self) -> str:
        return printable(
            f"{self.path}:{self.line}:{self.column}: warning: {self.message} [{self.rule}]"
        )


Check = Callable[[Bank], Iterator[tuple[Question, str]]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    why: str  # one line: what the rule finds and why it matters
    check: Check


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORDS.findall(text)]


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in STOP_WORDS and len(w) > 2}


def _phrase_in(phrase: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def _normal(text: str) -> str:
    return " ".join(words(text))


# --- the rules ------------------------------------------------------------------------------


def answer_leak(bank: Bank) -> Iterator[tuple[Question, str]]:
    """A typed answer (short, cloze, card) spelled out in another question's prompt or choices.

    A one-word answer counts only when it is distinctive (six letters or more), so that a
    common word used everywhere ("text") is not a leak.
    """
    answers: list[tuple[Question, str]] = []
    for q in bank.questions:
        texts = {
            "short": q.answers,
            "card": q.answers[:1],
            "cloze": tuple(alt for blank in q.blanks for alt in blank),
        }.get(q.type, ())
        for text in texts:
            phrase = _normal(text)
            if " " in phrase or len(phrase) >= 6:
                answers.append((q, phrase))
    if not answers:
        return
    for other in bank.questions:
        shown = _normal(" ".join((other.display_prompt, *other.choices)))
        for q, phrase in answers:
            if q.id != other.id and _phrase_in(phrase, shown):
                yield (
                    other,
                    (
                        f"gives away the answer of '{q.id}' (line {q.line}): '{phrase}' is in this "
                        "question's prompt or choices"
                    ),
                )
                break


def longest_is_right(bank: Bank) -> Iterator[tuple[Question, str]]:
    """The key is the longest option far more often than chance."""
    asked = [q for q in bank.questions if q.type == "choice" and len(q.choices) >= 3]
    longest = [q for q in asked if max(q.choices, key=len) == q.answers[0]
               and sorted(map(len, q.choices))[-2] < len(q.answers[0])]  # fmt: skip
    if len(asked) >= MIN_SAMPLE and len(longest) > LONGEST_SHARE * len(asked):
        for q in longest:
            yield (
                q,
                (
                    f"the key is the longest option here and in {len(longest)} of {len(asked)} "
                    "choice questions: a student who picks the longest wins"
                ),
            )


def key_position(bank: Bank) -> Iterator[tuple[Question, str]]:
    """Unshuffled choices whose key sits in the same place too often."""
    fixed = [q for q in bank.questions if q.type == "choice" and not q.shuffle]
    places = Counter(q.choices.index(q.answers[0]) for q in fixed)
    if len(fixed) < MIN_SAMPLE or not places:
        return
    place, count = places.most_common(1)[0]
    if count > max(2, len(fixed) / 2):
        for q in fixed:
            if q.choices.index(q.answers[0]) == place:
                yield (
                    q,
                    (
                        f"with shuffle: false the key is option {place + 1} in {count} of "
                        f"{len(fixed)} such questions"
                    ),
                )


def multi_pattern(bank: Bank) -> Iterator[tuple[Question, str]]:
    """Multi questions whose right/wrong counts follow a pattern a student can learn."""
    multi = [q for q in bank.questions if q.type == "multi"]
    if len(multi) < 3:
        return
    wrong_counts = {len(q.choices) - len(q.answers) for q in multi}
    if len(wrong_counts) == 1:
        message = (
            f"every multi question has {wrong_counts.pop()} wrong option(s): dropping the odd "
            "ones out wins"
        )
    elif all(2 * len(q.answers) >= len(q.choices) for q in multi):
        message = "in every multi question at least half the options are right: ticking most wins"
    else:
        return
    for q in multi:
        yield q, message


def truefalse_balance(bank: Bank) -> Iterator[tuple[Question, str]]:
    """True and false answers far from balanced."""
    asked = [q for q in bank.questions if q.type == "truefalse"]
    true = sum(q.answers[0] == "true" for q in asked)
    if len(asked) >= MIN_SAMPLE and not 0.3 <= true / len(asked) <= 0.7:
        majority = "true" if 2 * true > len(asked) else "false"
        for q in asked:
            if q.answers[0] == majority:
                yield (
                    q,
                    (
                        f"{true} of {len(asked)} true/false answers are true: always answering "
                        f"{majority} scores well"
                    ),
                )


def truefalse_cue(bank: Bank) -> Iterator[tuple[Question, str]]:
    """Stem wording that predicts a true/false answer: absolute words, or a phrase used only
    on statements with one answer."""
    asked = [q for q in bank.questions if q.type == "truefalse"]
    for q in asked:
        match = _ABSOLUTE.search(q.prompt)
        if match and q.answers[0] == "false":
            yield q, f"'{match.group()}' in a false statement is a cue a test-wise student reads"
    for cue in _CUES:
        cued = [q for q in asked if cue in q.prompt.casefold()]
        if len(cued) >= 3 and len({q.answers[0] for q in cued}) == 1:
            for q in cued:
                yield (
                    q,
                    (f"every statement with '{cue}' is {q.answers[0]}: the wording gives it away"),
                )


def above(phrase: str) -> Check:
    def check(bank: Bank) -> Iterator[tuple[Question, str]]:
        for q in bank.questions:
            for choice in q.choices:
                match = _ABOVE.search(choice)
                if match and phrase in match.group().casefold():
                    yield q, f"'{choice}' is an option: it can be answered by elimination"

    return check


def negative_stem(bank: Bank) -> Iterator[tuple[Question, str]]:
    """NOT, EXCEPT or never in a stem without emphasis (capitals): easily misread."""
    for q in bank.questions:
        for match in _NEGATIVE.finditer(q.prompt):
            if not match.group().isupper():
                yield q, f"'{match.group()}' in the stem is easily missed: write it in capitals"
                break


def implausible_distractor(bank: Bank) -> Iterator[tuple[Question, str]]:
    """A distractor no one would pick: of another kind than the key (a number among words, or
    words among numbers), or the odd one out, the only option of three or more content words
    that shares no word with the stem while every other option does. Deliberately
    conservative: options that all stand apart from the stem are never judged on words."""
    for q in bank.questions:
        if q.type not in ("choice", "multi"):
            continue
        right = set(q.answers)
        numeric = {c: bool(re.fullmatch(r"[\d.,%\s-]+", c)) for c in q.choices}
        stem = content_words(q.prompt)
        related = {c: _share_stem(content_words(c), stem) for c in q.choices}
        for choice in q.choices:
            if choice in right:
                continue
            if all(numeric[r] != numeric[choice] for r in right):
                yield q, f"'{choice}' is not the same kind of answer as the key"
            elif (
                len(content_words(choice)) >= 3
                and not related[choice]
                and all(related[c] for c in q.choices if c != choice)
            ):
                yield q, f"'{choice}' is the only option unrelated to the stem"


def _share_stem(mine: set[str], theirs: set[str]) -> bool:
    """Whether two word sets share a word, by its first five letters (model ~ models)."""
    stems = {w[:5] for w in theirs}
    return any(w[:5] in stems for w in mine)


def near_duplicate(bank: Bank) -> Iterator[tuple[Question, str]]:
    """Two questions whose prompts and answers are almost the same words.

    Only questions sharing one of their rarest words are compared, so a large bank costs
    little more than a small one.
    """
    tokens = {q.id: set(words(f"{q.display_prompt} {q.answer_text}")) for q in bank.questions}
    frequency = Counter(t for ts in tokens.values() for t in ts)
    buckets: dict[str, list[Question]] = defaultdict(list)
    for q in bank.questions:
        for token in sorted(tokens[q.id], key=lambda t: (frequency[t], t))[:3]:
            buckets[token].append(q)
    seen: set[tuple[str, str]] = set()
    for group in buckets.values():
        for a, b in combinations(group[:200], 2):
            pair = (a.id, b.id)
            if pair in seen or a.id == b.id:
                continue
            seen.add(pair)
            ta, tb = tokens[a.id], tokens[b.id]
            similarity = len(ta & tb) / max(1, len(ta | tb))
            if similarity > NEAR_DUPLICATE:
                yield (
                    b,
                    (
                        f"almost the same as '{a.id}' (line {a.line}): "
                        f"{similarity:.0%} of words shared"
                    ),
                )


def short_ambiguous(bank: Bank) -> Iterator[tuple[Question, str]]:
    """A short answer of four letters or fewer with no accept list (typos are not forgiven
    there, and other phrasings are likely), or a cloze blank that is a stop word."""
    for q in bank.questions:
        if q.type == "short" and len(q.answers) == 1 and len(q.answers[0]) <= 4:
            yield q, (f"the answer '{q.answers[0]}' is four letters or fewer and has no 'accept:'")
        for n, blank in enumerate(q.blanks, 1):
            if all(alt.casefold() in STOP_WORDS for alt in blank):
                yield q, f"blank ({n}) is the stop word '{blank[0]}': many words would fit"


def wide_tolerance(bank: Bank) -> Iterator[tuple[Question, str]]:
    """A numeric value whose tolerance is half the value or more: an answer off by half
    (or the wrong sign) still counts."""
    for q in bank.questions:
        for written, (low, high) in zip(q.answers, q.ranges, strict=False):
            middle, half = (low + high) / 2, (high - low) / 2
            if middle and half >= abs(middle) / 2:
                yield q, f"'{written}' accepts anything from {low:g} to {high:g}: off by half"


def match_giveaway(bank: Bank) -> Iterator[tuple[Question, str]]:
    """A match pair whose two sides share a word: it matches itself without knowledge."""
    for q in bank.questions:
        for left, right in q.pairs:
            shared = sorted(content_words(left) & content_words(right))
            if shared:
                yield q, f"'{left}' and '{right}' share '{shared[0]}': the pair gives itself away"


def missing(field: str) -> Check:
    def check(bank: Bank) -> Iterator[tuple[Question, str]]:
        for q in bank.questions:
            if q.type != "card" and not getattr(q, field):
                yield q, f"no '{field}': the learner sees the verdict without the why"

    return check


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "answer-leak", "another question's prompt or choices give this answer away", answer_leak
        ),
        Rule(
            "longest-is-right",
            "the key is the longest option in over a third of choice questions",
            longest_is_right,
        ),
        Rule(
            "key-position",
            "with shuffle: false, the key sits in the same place too often",
            key_position,
        ),
        Rule(
            "multi-pattern",
            "multi questions all have as many wrong options, or are at least half right",
            multi_pattern,
        ),
        Rule(
            "truefalse-balance",
            "true and false answers are far from balanced (outside 30-70%)",
            truefalse_balance,
        ),
        Rule(
            "truefalse-cue",
            "a stem's wording (always, only, 'according to the article') predicts the answer",
            truefalse_cue,
        ),
        Rule(
            "all-of-the-above",
            "an 'all of the above' option can be chosen by elimination",
            above("all"),
        ),
        Rule(
            "none-of-the-above",
            "a 'none of the above' option tests what is not, not what is",
            above("none"),
        ),
        Rule(
            "negative-stem",
            "NOT, EXCEPT or never in a stem, not in capitals, is easily misread",
            negative_stem,
        ),
        Rule(
            "implausible-distractor",
            "a distractor of another kind than the key, or unrelated to the question",
            implausible_distractor,
        ),
        Rule(
            "near-duplicate",
            f"two questions share over {NEAR_DUPLICATE:.0%} of their words",
            near_duplicate,
        ),
        Rule(
            "short-ambiguous",
            "a short answer of 4 letters or fewer without accept:, or a stop-word blank",
            short_ambiguous,
        ),
        Rule(
            "wide-tolerance",
            "a numeric tolerance of half the value or more: answers far off still count",
            wide_tolerance,
        ),
        Rule(
            "match-giveaway",
            "a match pair whose sides share a word, so it matches itself",
            match_giveaway,
        ),
        Rule("missing-explanation", "a question without an explanation", missing("explanation")),
        Rule("missing-ref", "a question without a ref to its source", missing("ref")),
    )
}


def lint(bank: Bank, rules: Iterable[str] | None = None) -> list[Finding]:
    """Every warning of `rules` (default: all) that the bank and its questions do not switch
    off, sorted by position."""
    findings = []
    for rule_id in rules or RULES:
        if rule_id in bank.lint_ignore:
            continue
        for question, message in RULES[rule_id].check(bank):
            if rule_id not in question.lint_ignore:
                findings.append(
                    Finding(str(bank.path), question.line, question.column, message, rule_id)
                )
    unique = {(f.line, f.column, f.rule, f.message): f for f in findings}
    return sorted(unique.values(), key=lambda f: (f.line, f.column, f.rule))
