"""How the portfolio looks in a terminal or a notebook: one row per notebook."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from .portfolio import MAX_NOTEBOOKS, MAX_PROJECTS, Portfolio
from .render import View, html_table


@dataclass(repr=False)
class PortfolioView(View):
    portfolio: Portfolio
    returns_value = True
    HEADER = (
        "project",
        "notebook",
        "template/tier",
        "stage",
        "failing",
        "approvals",
        "flags",
        "last activity",
    )

    def to_json(self) -> dict[str, Any]:
        return self.portfolio.to_json()

    def _rows(self) -> list[list[str]]:
        rows = []
        for project in self.portfolio.projects:
            if project["error"]:
                rows.append([project["name"], "", "", "", "", "", "", project["error"]])
                continue
            for nb in project["notebooks"]:
                rows.append(
                    [
                        project["name"],
                        nb["path"],
                        f"{project['template']}/{project['risk_tier']}",
                        nb.get("stage") or "?",
                        str(nb.get("failing", "")),
                        "stale" if nb.get("stale") else "",
                        ", ".join(nb.get("flags") or []),
                        nb.get("error") or (nb.get("last_activity") or "")[:16].replace("T", " "),
                    ]
                )
        return rows

    def to_text(self) -> str:
        rows = [list(self.HEADER), *self._rows()]
        if len(rows) == 1:
            return "no MLOps projects found (a project is a folder with .mlops/: `mlops init`)"
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.HEADER))]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
            for r in rows
        ]
        funnel = self.portfolio.funnel()
        lines.append("stages: " + ", ".join(f"{stage} {n}" for stage, n in funnel.items()))
        if self.portfolio.truncated:
            lines.append(
                f"(the scan stopped at its limits, {MAX_PROJECTS} projects or {MAX_NOTEBOOKS} "
                "notebooks: not every project is listed)"
            )
        return "\n".join(lines)

    def to_html(self) -> str:
        return html_table(self.HEADER, [[escape(cell) for cell in row] for row in self._rows()])
