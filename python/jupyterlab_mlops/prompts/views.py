"""How prompts are shown: a registered version, the catalog, one version's text, a diff."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from ..ledger import Entry
from ..render import CELL, MUTED, TABLE, View, html_frame, html_table
from .api import Prompt
from .diff import PromptDiff

_COLUMNS = ["name", "version", "aliases", "variables", "message", "digest"]


@dataclass(repr=False)
class PromptView(View):
    """A version just registered (or found unchanged), or one read back."""

    prompt: Prompt  # shown, not returned: in Python, jupyterlab_mlops.prompt returns it

    def to_json(self) -> dict[str, Any]:
        return self.prompt.to_json()

    def _headline(self) -> str:
        p = self.prompt
        aliases = f" ({', '.join(p.aliases)})" if p.aliases else ""
        if p.entry is None:
            return f"{p.uri}{aliases}"
        what = "registered" if p.created else "unchanged: still"
        return f"{what} {p.uri}{aliases}, digest {p.digest[:12]} (entry {p.entry.short_id})"

    def to_text(self) -> str:
        variables = ", ".join(sorted(self.prompt.variables)) or "none"
        body = "" if self.prompt.entry is not None else f"\n{self.prompt.template}"
        return f"{self._headline()}\nvariables: {variables}{body}"

    def to_html(self) -> str:
        variables = ", ".join(sorted(self.prompt.variables)) or "none"
        return (
            f"<div><p><b>{escape(self._headline())}</b></p><p {MUTED}>variables: "
            f"{escape(variables)}</p><pre>{escape(self.prompt.template)}</pre></div>"
        )


def _row(p: Prompt) -> dict[str, Any]:
    return {
        "name": p.name,
        "version": p.version,
        "aliases": ", ".join(p.aliases),
        "variables": ", ".join(sorted(p.variables)),
        "message": p.message or "",
        "digest": p.digest[:12],
    }


def _catalog_html(rows: list[dict[str, Any]]) -> str:
    return html_table(_COLUMNS, ([escape(str(r[c])) for c in _COLUMNS] for r in rows))


@dataclass(repr=False)
class PromptsView(View):
    """The catalog: every prompt's newest version (or every version of one prompt)."""

    prompts: list[Prompt]
    scope: str = "the project"
    returns_value = True

    def to_json(self) -> list[dict[str, Any]]:
        return [p.to_json() for p in self.prompts]

    def to_text(self) -> str:
        if not self.prompts:
            return f"No prompts in {self.scope} yet. Register one with %%mlops prompt NAME."
        lines = []
        for r in map(_row, self.prompts):
            aliases = f"  [{r['aliases']}]" if r["aliases"] else ""
            lines.append(f"{r['name']} v{r['version']}{aliases}  ({r['variables']})  {r['message']}")  # fmt: skip
        return "\n".join(lines)

    def to_html(self) -> str:
        if not self.prompts:
            return f"<p {MUTED}>{escape(self.to_text())}</p>"
        return _catalog_html([_row(p) for p in self.prompts])

    def value(self) -> Any:
        rows = [_row(p) for p in self.prompts]
        return html_frame(rows, _COLUMNS, _catalog_html, frozenset(_COLUMNS))


@dataclass(repr=False)
class AliasView(View):
    name: str
    alias: str
    version: int
    entry: Entry | None

    def to_json(self) -> dict[str, Any]:
        p = self.entry.payload if self.entry is not None else {}
        return {
            "name": self.name, "alias": self.alias, "version": self.version,
            "before": p.get("before"), "entry": self.entry.hash if self.entry else None,
        }  # fmt: skip

    def to_text(self) -> str:
        target = f"prompts:/{self.name}@{self.alias}"
        if self.entry is None:
            return f"{target} already points at version {self.version}: nothing changed"
        before = self.entry.payload.get("before")
        was = f" (was version {before})" if before else " (new alias)"
        return f"{target} -> version {self.version}{was} (entry {self.entry.short_id})"


_MARK = {"same": " ", "changed": "|", "removed": "<", "added": ">"}
_COLOUR = {
    "changed": "var(--jp-warn-color3,#fff3cd)",
    "removed": "var(--jp-error-color3,#fdecea)",
    "added": "var(--jp-success-color3,#e6f4ea)",
}


@dataclass(repr=False)
class DiffView(View):
    diff: PromptDiff
    width: int = 60

    def to_json(self) -> dict[str, Any]:
        d = self.diff
        return {
            "old": {"name": d.old.name, "version": d.old.version, "digest": d.old.digest},
            "new": {"name": d.new.name, "version": d.new.version, "digest": d.new.digest},
            "identical": d.identical,
            "variables": d.variables(),
            "rows": [r.to_json() for r in d.rows],
        }

    def _title(self) -> str:
        d = self.diff
        return f"{d.old.name}: v{d.old.version} (left) against v{d.new.version} (right)"

    def to_text(self) -> str:
        d, w = self.diff, self.width
        lines = [self._title()]
        if d.identical:
            return lines[0] + ": the same text"
        for r in d.rows:
            left = (r.left or "")[:w]  # the cut is marked: nothing vanishes silently
            left += "…" if r.left and len(r.left) > w else " "
            lines.append(f"{left:<{w + 1}} {_MARK[r.change]} {r.right or ''}")
        changed = d.variables()
        if changed["added"] or changed["removed"]:
            lines.append(
                f"variables added: {', '.join(changed['added']) or 'none'}; "
                f"removed: {', '.join(changed['removed']) or 'none'}"
            )
        return "\n".join(lines)

    def to_html(self) -> str:
        d = self.diff
        head = f"<p><b>{escape(self._title())}</b></p>"
        if d.identical:
            return head + f"<p {MUTED}>the same text</p>"
        rows = []
        for r in d.rows:
            colour = _COLOUR.get(r.change)
            style = f' style="background:{colour}"' if colour else ""
            cells = (r.left_line or "", r.left or "", r.right_line or "", r.right or "")
            tds = "".join(
                f'<td {CELL}><pre style="margin:0;white-space:pre-wrap">{escape(str(c))}</pre></td>'
                for c in cells
            )
            rows.append(f'<tr{style} data-change="{r.change}">{tds}</tr>')
        heading = "".join(
            f"<th {CELL}>{h}</th>" for h in ("", f"v{d.old.version}", "", f"v{d.new.version}")
        )
        return f"{head}<table {TABLE}><thead><tr>{heading}</tr></thead><tbody>{''.join(rows)}</tbody></table>"  # fmt: skip
