"""Deterministic scorers for an LLM application's outputs, and user scorers.

A scorer takes ``(inputs, outputs, expectations)`` (MLflow's genai scorer arguments) and
returns a number, a bool or None (not applicable to this example: it is left out of the
mean, and the count says so). The built-in ones read the expectation keys MLflow's evaluation
datasets use: ``expected_response``, ``expected_facts``, plus ``regex`` and ``max_length``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import MlopsError

ScoreFn = Callable[[Mapping[str, Any], Any, Mapping[str, Any]], Any]

#: characters per token, the usual rough rule for English text with GPT-style tokenizers
CHARS_PER_TOKEN = 4.0


@dataclass(frozen=True)
class Scorer:
    name: str
    fn: ScoreFn
    #: what it measures, for the report
    says: str
    #: "higher" or "lower" is better (or "" when neither: length, tokens)
    better: str = "higher"
    #: a judge: its verdicts are cached in the project and replayed (see :mod:`.judges`)
    cached: bool = False


def _text(outputs: Any) -> str:
    return outputs if isinstance(outputs, str) else json.dumps(outputs, default=str)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def exact_match(inputs: Mapping[str, Any], outputs: Any, expectations: Mapping[str, Any]) -> Any:
    expected = expectations.get("expected_response")
    if expected is None:
        return None
    return _norm(_text(outputs)) == _norm(str(expected))


def contains(inputs: Mapping[str, Any], outputs: Any, expectations: Mapping[str, Any]) -> Any:
    """The share of ``expected_facts`` found in the output (case and spacing ignored)."""
    facts = expectations.get("expected_facts")
    if not facts:
        return None
    facts = [facts] if isinstance(facts, str) else list(facts)
    text = _norm(_text(outputs))
    return sum(_norm(str(f)) in text for f in facts) / len(facts)


def regex(inputs: Mapping[str, Any], outputs: Any, expectations: Mapping[str, Any]) -> Any:
    pattern = expectations.get("regex")
    if pattern is None:
        return None
    try:
        return re.search(str(pattern), _text(outputs)) is not None
    except re.error as exc:
        raise MlopsError(f"the regex {pattern!r} does not compile: {exc}", "fix the expectation") from None  # fmt: skip


def json_valid(inputs: Mapping[str, Any], outputs: Any, expectations: Mapping[str, Any]) -> Any:
    """Whether the output parses as JSON (only where ``expectations`` ask: ``json: true``)."""
    if not expectations.get("json"):
        return None
    if not isinstance(outputs, str):
        return True
    try:
        json.loads(outputs)
    except ValueError:
        return False
    return True


def length(inputs: Mapping[str, Any], outputs: Any, expectations: Mapping[str, Any]) -> Any:
    return len(_text(outputs))


def within_length(inputs: Mapping[str, Any], outputs: Any, expectations: Mapping[str, Any]) -> Any:
    limit = expectations.get("max_length")
    return None if limit is None else len(_text(outputs)) <= int(limit)


def estimated_tokens(inputs: Mapping[str, Any], outputs: Any, expectations: Mapping[str, Any]) -> Any:  # fmt: skip
    """Tokens in and out, estimated at ``CHARS_PER_TOKEN`` characters a token."""
    chars = len(json.dumps(dict(inputs), default=str)) + len(_text(outputs))
    return round(chars / CHARS_PER_TOKEN)


BUILT_IN: dict[str, Scorer] = {
    s.name: s
    for s in (
        Scorer(
            "exact_match",
            exact_match,
            "the output equals expected_response (case and spacing ignored)",
        ),
        Scorer("contains", contains, "the share of expected_facts found in the output"),
        Scorer("regex", regex, "the output matches the expectation's regex"),
        Scorer("json_valid", json_valid, "the output parses as JSON (where json: true)"),
        Scorer("within_length", within_length, "the output is at most max_length characters"),
        Scorer("length", length, "characters in the output", better=""),
        Scorer(
            "tokens",
            estimated_tokens,
            f"tokens in and out, estimated at {CHARS_PER_TOKEN:g} characters a token",
            better="",
        ),
    )
}


def resolve(scorers: Sequence[Any] | None) -> list[Scorer]:
    """The built-in scorers by name, and callables ``f(inputs, outputs, expectations)`` (named
    by ``__name__``); all built-in ones when ``scorers`` is None."""
    if scorers is None:
        return list(BUILT_IN.values())
    found: list[Scorer] = []
    for item in scorers:
        if isinstance(item, Scorer):
            found.append(item)
        elif isinstance(item, str):
            if item not in BUILT_IN:
                raise MlopsError(f"no scorer named {item!r}", f"built in: {', '.join(BUILT_IN)}")
            found.append(BUILT_IN[item])
        elif callable(item):
            name = getattr(item, "name", None) or getattr(item, "__name__", None) or "scorer"
            found.append(Scorer(str(name), item, (item.__doc__ or "a user scorer").strip().splitlines()[0]))  # fmt: skip
        else:
            raise MlopsError(
                f"a scorer is a name or a function, not {type(item).__name__}",
                f"e.g. scorers=['contains', my_scorer]; built in: {', '.join(BUILT_IN)}",
            )
    names = [s.name for s in found]
    if len(set(names)) != len(names):
        raise MlopsError("two scorers share a name", "give each function its own name")
    return found


def as_number(value: Any) -> float | None:
    """A score as a float (bools as 1/0), None when not applicable."""
    if value is None:
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    raise MlopsError(f"a scorer returned {type(value).__name__}", "return a number, a bool or None")
