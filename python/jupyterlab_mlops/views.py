"""Views of the project's own results: init, status, decisions and verify.

Each view wraps the result of one core call and knows nothing about where it is shown
(see :mod:`.render`). All user text is escaped before it goes into HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from .decisions import Decision
from .ledger import VerifyReport
from .project import Project
from .render import CELL, MUTED, TABLE, View, html_frame, html_table
from .status import Status


@dataclass(repr=False)
class InitView(View):
    project: Project
    verb: str = "Initialised"

    def to_json(self) -> dict[str, Any]:
        return self.project.to_json()

    def to_text(self) -> str:
        c = self.project.config
        facts = "".join(
            f"  {name.replace('_', ' ')}: {value}\n"
            for name, value in c.context.model_dump(exclude_none=True).items()
        )
        return (
            f"{self.verb} MLOps project '{c.name}' at {self.project.root}\n"
            f"  model template: {c.template}, risk tier: {c.risk_tier}\n{facts}"
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
                f"<p {MUTED}>No decisions recorded for {escape(self.scope)} yet. Record one with "
                '<code>%mlops decide "TITLE" --why "..."</code></p>'
            )
        return decisions_table_html([self._row(d.to_json()) for d in self.decisions])

    @staticmethod
    def _row(d: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": d["short_id"],
            "time": d["time"],
            "title": d["title"],
            "why": d["why"],
            "alternatives": d["alternatives"],
            "tags": d["tags"],
            "actor": d["actor"],
            "notebook": d["notebook"],
            "current": d["current"],
            "entry_id": d["id"],
        }

    def value(self) -> Any:
        """A DataFrame (one row per decision) that renders as the readable table."""
        import pandas as pd

        frame = html_frame(
            [self._row(d.to_json()) for d in self.decisions],
            _COLUMNS,
            decisions_table_html,
            frozenset({*_HEADINGS, "current"}),
        )
        frame["time"] = pd.to_datetime(frame["time"])
        return frame


_COLUMNS = [
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
]
_HEADINGS = {
    "title": "Decision",
    "why": "Why",
    "alternatives": "Alternatives",
    "tags": "Tags",
    "actor": "By",
    "time": "When",
    "id": "Id",
}


def decisions_table_html(rows: list[dict[str, Any]]) -> str:
    """The decisions table, every value escaped."""
    body = []
    for row in rows:
        stale = f" <span {MUTED}>(earlier version)</span>" if row.get("current") is False else ""
        when = str(row["time"]).replace(" ", "T")
        tags = row["tags"] if isinstance(row["tags"], list | tuple) else []
        cells = [
            f"<b>{escape(str(row['title']))}</b>{stale}",
            escape(str(row["why"])),
            escape(str(row["alternatives"] or "")),
            escape(", ".join(map(str, tags))),
            escape(str(row["actor"])),
            f'<span title="{escape(when)}">{escape(when[:16].replace("T", " "))}</span>',
            f"<code>{escape(str(row['id']))}</code>",
        ]
        body.append(cells)
    return html_table(list(_HEADINGS.values()), body)


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
            f"<tr><th {CELL}>{escape(k)}</th><td {CELL}>{escape(v)}</td></tr>"
            for k, v in self._lines()
        )
        return f"<table {TABLE}>{body}</table>"


@dataclass(repr=False)
class VerifyView(View):
    report: VerifyReport

    @property
    def exit_code(self) -> int:
        return 0 if self.report.ok else 1

    def to_json(self) -> dict[str, Any]:
        return self.report.to_json()

    def to_text(self) -> str:
        r = self.report
        lines = []
        if r.ok:
            anchor = (
                f"; the ledger committed at {r.git_commit[:10]} is intact" if r.git_commit else ""
            )
            count = f"{r.entries} entr{'y' if r.entries == 1 else 'ies'}"
            lines.append(f"OK: {count}, every hash and link checks out{anchor}.")
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
        if r.torn_tail_bytes:
            lines.append(
                f"Note: the last {r.torn_tail_bytes} bytes are an unfinished write (a process stopped "
                "mid-append); the next append sets them aside in .mlops/cache/torn/."
            )
        return "\n".join(lines)
