"""A bank written as YAML in quiz's bank format (see the README), for `quiz convert`."""

from __future__ import annotations

from typing import Any

import yaml

from quiz.core.bank import Bank, Question
from quiz.formats.rules import accepted_fields


class _Dumper(yaml.SafeDumper):
    """No anchors or aliases: quiz's loader refuses them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_yaml(bank: Bank) -> str:
    document: dict[str, Any] = {"title": bank.title}
    for name in ("id", "description", "source"):
        value = getattr(bank, name)
        if value:
            document[name] = value
    document["topics"] = dict(bank.topics)
    if bank.lint_ignore:
        document["lint"] = {"ignore": list(bank.lint_ignore)}
    document["questions"] = [question_fields(q) for q in bank.questions]
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def question_fields(q: Question) -> dict[str, Any]:
    """A question as the fields of the bank format, each value as YAML would hold it."""
    fields: dict[str, Any] = {"id": q.id, "topic": q.topic, "type": q.type, "prompt": q.prompt}
    if q.type in ("choice", "multi"):
        fields["choices"] = list(q.choices)
    if q.type in ("choice", "truefalse", "card"):
        fields["answer"] = q.answers[0]
    elif q.type == "multi":
        fields["answer"] = list(q.answers)
    elif q.type == "short":
        fields["answer"] = q.answers[0]
        if q.answers[1:]:
            fields["accept"] = list(q.answers[1:])
    elif q.type == "numeric":
        first, *more = (accepted_fields(written) for written in q.answers)
        fields.update(first if isinstance(first, dict) else {"range": first})
        if more:
            fields["accept"] = [m if isinstance(m, list) else m.get("answer") if len(m) == 1 else m
                                for m in more]  # fmt: skip
    elif q.type == "match":
        fields["pairs"] = [{left: right} for left, right in q.pairs]
    for name in ("explanation", "ref"):
        if getattr(q, name):
            fields[name] = getattr(q, name)
    if q.tags:
        fields["tags"] = list(q.tags)
    if not q.shuffle:
        fields["shuffle"] = False
    if q.lint_ignore:
        fields["lint"] = {"ignore": list(q.lint_ignore)}
    return fields
