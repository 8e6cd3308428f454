"""Two versions of a prompt side by side, line by line (difflib's matching)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from ..project import Project
from .api import Prompt, load_prompt


@dataclass(frozen=True)
class Row:
    """One line of the comparison: ``same``, ``changed``, ``removed`` (left only) or
    ``added`` (right only); line numbers count from 1."""

    change: str
    left_line: int | None
    left: str | None
    right_line: int | None
    right: str | None

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass(frozen=True)
class PromptDiff:
    old: Prompt
    new: Prompt
    rows: list[Row]

    @property
    def identical(self) -> bool:
        return all(r.change == "same" for r in self.rows)

    def variables(self) -> dict[str, list[str]]:
        """The variables only one side takes."""
        return {
            "removed": sorted(self.old.variables - self.new.variables),
            "added": sorted(self.new.variables - self.old.variables),
        }


def side_by_side(left: str, right: str) -> list[Row]:
    a, b = left.splitlines(), right.splitlines()
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [Row("same", i + 1, a[i], j + 1, b[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]  # fmt: skip
            continue
        width = max(i2 - i1, j2 - j1)
        for k in range(width):
            i, j = i1 + k, j1 + k
            left_text = a[i] if i < i2 else None
            right_text = b[j] if j < j2 else None
            change = "changed" if left_text is not None and right_text is not None else (
                "removed" if right_text is None else "added"
            )  # fmt: skip
            rows.append(
                Row(
                    change,
                    i + 1 if left_text is not None else None,
                    left_text,
                    j + 1 if right_text is not None else None,
                    right_text,
                )
            )
    return rows


def diff_prompt(project: Project, name: str, old: str, new: str) -> PromptDiff:
    """Versions ``old`` and ``new`` of prompt ``name`` (each a number or ``@ALIAS``)."""
    before = load_prompt(project, _reference(name, old))
    after = load_prompt(project, _reference(name, new))
    return PromptDiff(before, after, side_by_side(before.template, after.template))


def _reference(name: str, version: str) -> str:
    text = str(version).strip()
    if text.startswith("@"):
        return f"{name}{text}"
    return f"{name}/{text.removeprefix('v')}"
