"""Judge scorers: a scorer that asks a model for its verdict, with every verdict cached in the
project (``.mlops/cache/judges/NAME/``), so a re-run of the same evaluation replays them
instead of paying for (and waiting on, and being rate-limited by) the same calls again.

A verdict is keyed by the judge's name and the example's inputs, output and expectations;
change any of them, or the judge's name (e.g. ``name="faithful-v2"`` for a new judge
prompt), and it is asked again.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..canonical import sha256_hex
from .scorers import ScoreFn, Scorer


def judge(fn: ScoreFn, *, name: str | None = None, says: str | None = None) -> Scorer:
    """``fn(inputs, outputs, expectations)`` as a scorer whose verdicts are cached."""
    label = name or getattr(fn, "__name__", None) or "judge"
    doc = (says or fn.__doc__ or "a judge scorer").strip().splitlines()[0]
    return Scorer(str(label), fn, doc, cached=True)


class JudgeCache:
    """The verdicts of one judge in one project; counts what it asked and what it replayed."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder / sha256_hex(name)[:16]
        self.asked = 0
        self.replayed = 0

    def score(self, scorer: Scorer, inputs: Mapping[str, Any], output: Any, expectations: Mapping[str, Any]) -> Any:  # fmt: skip
        key = sha256_hex({"inputs": dict(inputs), "output": output, "expectations": dict(expectations)})  # fmt: skip
        file = self.folder / f"{key}.json"
        try:
            value = json.loads(file.read_text(encoding="utf-8"))["value"]
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not asked yet, or an unreadable entry: ask again
        else:
            self.replayed += 1
            return value
        value = scorer.fn(inputs, output, expectations)
        self.asked += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".verdict-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"judge": scorer.name, "value": value}, out)
        os.replace(temp, file)  # whole or not at all
        return value
