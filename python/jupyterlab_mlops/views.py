"""How results look: plain text and JSON for the CLI, HTML (and DataFrames) in a notebook.

Each view wraps the result of one core call and knows nothing about where it is shown.
All user text is escaped before it goes into HTML.
"""

from __future__ import annotations

import functools
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from html import escape
from typing import Any

from .decisions import Decision
from .ledger import VerifyReport
from .project import Project
from .status import Status

_TABLE = 'style="border-collapse:collapse;text-align:left;font-size:var(--jp-ui-font-size1,13px)"'
_CELL = 'style="padding:3px 8px;vertical-align:top;text-align:left;border-bottom:1px solid var(--jp-border-color2,#ddd)"'
_MUTED = 'style="color:var(--jp-ui-font-color2,#666)"'


class View(ABC):
    """Base: ``to_json`` for machines, ``to_text`` for terminals, ``to_html`` for notebooks."""

    #: query results are returned by the magic (so ``x = %mlops ...`` works); actions are displayed
    returns_value = False

    @property
    def exit_code(self) -> int:
        return 0

    @abstractmethod
    def to_json(self) -> Any: ...

    @abstractmethod
    def to_text(self) -> str: ...

    def to_html(self) -> str:
        return f"<pre>{escape(self.to_text())}</pre>"

    def value(self) -> Any:
        """What the magic returns for query results."""
        return self

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.to_text()

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)


@dataclass(repr=False)
class InitView(View):
    project: Project

    def to_json(self) -> dict[str, Any]:
        return self.project.to_json()

    def to_text(self) -> str:
        c = self.project.config
        return (
            f"Initialised MLOps project '{c.name}' at {self.project.root}\n"
            f"  model template: {c.template}, risk tier: {c.risk_tier}\n"
            "  commit .mlops/ to git; edit .mlops/config to name who may sign off in each role"
        )


@dataclass(repr=False)
class DecisionRecordedView(View):
    decision: Decision

    def to_json(self) -> dict[str, Any]:
        return {**self.decision.to_json(), "repeated": self.decision.repeated}

    def to_text(self) -> str:
        d = self.decision.to_json()
        where = f" for {d['notebook']}" if d["notebook"] else " (project-wide)"
        return f"{self._verb()} decision {d['short_id']}{where}: {d['title']}"

    def _verb(self) -> str:
        return "Already recorded" if self.decision.repeated else "Recorded"

    def to_html(self) -> str:
        d = self.decision.to_json()
        where = f" for <code>{escape(d['notebook'])}</code>" if d["notebook"] else " (project-wide)"
        return (
            f"<div>✓ {self._verb()} decision <code>{escape(d['short_id'])}</code>{where}: "
            f"<b>{escape(d['title'])}</b></div>"
        )


@dataclass(repr=False)
class DecisionsView(View):
    decisions: list[Decision]
    scope: str  # "train.ipynb" or "project"
    returns_value = True

    def to_json(self) -> list[dict[str, Any]]:
        return [d.to_json() for d in self.decisions]

    def to_text(self) -> str:
        if not self.decisions:
            return f"No decisions recorded for {self.scope} yet."
        blocks = []
        for d in map(Decision.to_json, self.decisions):
            stale = "  [earlier version]" if d["current"] is False else ""
            lines = [
                f"{d['short_id']}  {d['time'][:16].replace('T', ' ')}  {d['actor']}  {d['notebook'] or 'project'}{stale}"
            ]
            lines.append(f"  {d['title']}")
            lines.append(f"  why: {d['why']}")
            if d["alternatives"]:
                lines.append(f"  alternatives: {d['alternatives']}")
            if d["tags"]:
                lines.append(f"  tags: {', '.join(d['tags'])}")
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)

    def to_html(self) -> str:
        if not self.decisions:
            return (
                f"<p {_MUTED}>No decisions recorded for {escape(self.scope)} yet. Record one with "
                '<code>%mlops decide "TITLE" --why "..."</code></p>'
            )
        head = "".join(
            f"<th {_CELL}>{h}</th>"
            for h in ("Decision", "Why", "Alternatives", "Tags", "By", "When", "Id")
        )
        rows = []
        for d in map(Decision.to_json, self.decisions):
            stale = f" <span {_MUTED}>(earlier version)</span>" if d["current"] is False else ""
            cells = [
                f"<b>{escape(d['title'])}</b>{stale}",
                escape(d["why"]),
                escape(d["alternatives"] or ""),
                escape(", ".join(d["tags"])),
                escape(d["actor"]),
                f'<span title="{escape(d["time"])}">{escape(d["time"][:16].replace("T", " "))}</span>',
                f"<code>{escape(d['short_id'])}</code>",
            ]
            rows.append("<tr>" + "".join(f"<td {_CELL}>{c}</td>" for c in cells) + "</tr>")
        return (
            f"<table {_TABLE}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )

    def value(self) -> Any:
        """A DataFrame (one row per decision) that still renders as the readable table."""
        import pandas as pd

        frame = _decision_frame_class()(
            [
                {
                    "id": d["short_id"],
                    "time": pd.Timestamp(d["time"]),
                    "title": d["title"],
                    "why": d["why"],
                    "alternatives": d["alternatives"],
                    "tags": d["tags"],
                    "actor": d["actor"],
                    "notebook": d["notebook"],
                    "current": d["current"],
                    "entry_id": d["id"],
                }
                for d in self.to_json()
            ],
            columns=[
                "id",
                "time",
                "title",
                "why",
                "alternatives",
                "tags",
                "actor",
                "notebook",
                "current",
                "entry_id",
            ],
        )
        frame.attrs["mlops_html"] = self.to_html()
        return frame


@functools.cache
def _decision_frame_class() -> type:
    import pandas as pd

    class DecisionFrame(pd.DataFrame):
        """A plain DataFrame whose notebook display is the decisions table."""

        @property
        def _constructor(self) -> type:
            return pd.DataFrame

        def _repr_html_(self) -> str | None:
            return self.attrs.get("mlops_html") or super()._repr_html_()

    return DecisionFrame


@dataclass(repr=False)
class StatusView(View):
    status: Status
    returns_value = True

    def to_json(self) -> dict[str, Any]:
        return self.status.to_json()

    def _lines(self) -> list[tuple[str, str]]:
        s, c = self.status, self.status.project.config
        rows = [
            ("Project", f"{c.name} ({s.project.root})"),
            ("Template / risk tier", f"{c.template} / {c.risk_tier}"),
            ("Ledger entries", str(s.entries)),
        ]
        if s.notebook_path:
            rows += [
                ("Notebook", s.notebook_path),
                ("Fingerprint", s.notebook.fingerprint if s.notebook else ""),
                ("Entries for this notebook", str(s.notebook_entries)),
            ]
        rows.append(("Decisions", str(len(s.decisions))))
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(s.by_kind.items()))
        if kinds:
            rows.append(("By kind", kinds))
        if s.problems:
            rows.append(("Integrity", f"{len(s.problems)} problem(s): run `mlops verify`"))
        return rows

    def to_text(self) -> str:
        rows = self._lines()
        width = max(len(k) for k, _ in rows)
        return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)

    def to_html(self) -> str:
        body = "".join(
            f"<tr><th {_CELL}>{escape(k)}</th><td {_CELL}>{escape(v)}</td></tr>"
            for k, v in self._lines()
        )
        return f"<table {_TABLE}>{body}</table>"


@dataclass(repr=False)
class VerifyView(View):
    report: VerifyReport
    repaired_bytes: int = 0

    @property
    def exit_code(self) -> int:
        return 0 if self.report.ok else 1

    def to_json(self) -> dict[str, Any]:
        return {**self.report.to_json(), "repaired_torn_tail_bytes": self.repaired_bytes}

    def to_text(self) -> str:
        r = self.report
        lines = []
        if self.repaired_bytes:
            lines.append(
                f"Repaired an interrupted write: cut {self.repaired_bytes} bytes of an unfinished last entry."
            )
        if r.ok:
            anchor = (
                f", and every entry committed at {r.git_commit[:10]} is present"
                if r.git_commit
                else ""
            )
            lines.append(f"OK: {r.entries} entries, every hash and link checks out{anchor}.")
        else:
            first = r.first_problem
            assert first is not None
            lines.append(f"TAMPERED: {first.message}")
            more = len(r.problems) - 1
            if more:
                lines.append(f"({more} further problem(s); `mlops verify --json` lists them all)")
            lines.append(
                "hint: compare with the last good copy in git (`git log -p .mlops/ledger.jsonl`)"
            )
        return "\n".join(lines)
