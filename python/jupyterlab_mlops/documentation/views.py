"""How generated documents and recorded author text are shown: text for terminals, JSON for
machines, escaped HTML in notebooks (the coverage meter drawn as in the document)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from ..render import MUTED, View
from .api import Changes, DocStatus, Generated
from .html import coverage_html
from .meter import missing_keys, status_label, summary
from .model import Authored

_NAMES = {"model-card": "Model card", "annex-iv": "Annex IV"}


def _changes_text(kind: str, changes: Changes) -> str:
    if not changes.any:
        return f"{_NAMES[kind]}: no section changed"
    parts = [
        f"{label} {', '.join(keys)}"
        for label, keys in (
            ("changed", changes.changed),
            ("added", changes.added),
            ("removed", changes.removed),
        )
        if keys
    ]
    return f"{_NAMES[kind]}: {'; '.join(parts)}"


@dataclass(repr=False)
class GeneratedView(View):
    """The files written, each document's coverage, what changed since the last version."""

    generated: Generated

    def to_json(self) -> dict[str, Any]:
        return self.generated.to_json()

    def to_text(self) -> str:
        g = self.generated
        lines = [
            f"Wrote the documents of {g.entry.payload['notebook']} (entry {g.entry.short_id}):"
        ]
        for d in g.documents:
            lines.append(f"  {g.project.relpath(g.files[d.kind])}")
        for d in g.documents:
            lines.append(f"{_NAMES[d.kind]}: {summary(d)}")
            for s in d.counted():
                lines.append(f"  {s.key if d.kind == 'annex-iv' else s.title}: {status_label(s)}")
            missing = missing_keys(d)
            if missing:
                lines.append(
                    f"  needs author input: {', '.join(missing)} "
                    f"(%%mlops doc SECTION --document {d.kind})"
                )
        if g.previous is None:
            lines.append("First version of these documents.")
        else:
            lines.append(f"Since the previous version (entry {g.previous.short_id}):")
            lines += [f"  {_changes_text(k, c)}" for k, c in g.changes.items()]
        return "\n".join(lines)

    def to_html(self) -> str:
        g = self.generated
        files = ", ".join(f"<code>{escape(g.project.relpath(p))}</code>" for p in g.files.values())
        parts = [f"<p>Wrote {files} <span {MUTED}>(entry {escape(g.entry.short_id)})</span></p>"]
        for d in g.documents:
            parts.append(f"<h4>{escape(_NAMES[d.kind])}</h4>{coverage_html(d)}")
        if g.previous is not None:
            items = "".join(f"<li>{escape(_changes_text(k, c))}</li>" for k, c in g.changes.items())
            parts.append(f"<p>Since the previous version:</p><ul>{items}</ul>")
        return f"<div>{''.join(parts)}</div>"


@dataclass(repr=False)
class DocStatusView(View):
    status: DocStatus
    returns_value = True

    @property
    def exit_code(self) -> int:
        return 0 if self.status.stale is False else 1

    def to_json(self) -> dict[str, Any]:
        return self.status.to_json()

    def to_text(self) -> str:
        s = self.status
        if s.entry is None:
            return f"{s.notebook}: no documents generated yet (mlops docs {s.notebook})"
        state = "STALE: " + ", ".join(s.stale_because) + " changed" if s.stale else "current"
        return f"{s.notebook}: documents of {s.entry.time} (entry {s.entry.short_id}) {state}"


@dataclass(repr=False)
class AuthoredView(View):
    """What the author recorded, section by section."""

    recorded: list[Authored]

    def to_json(self) -> list[dict[str, Any]]:
        return [a.model_dump(mode="json") for a in self.recorded]

    def to_text(self) -> str:
        lines = []
        for a in self.recorded:
            what = f"not applicable ({a.not_applicable})" if a.not_applicable else "text recorded"
            lines.append(f"{a.document} {a.key}: {what} (entry {a.entry_id[:12]})")
        lines.append("Regenerate the documents to use it: mlops docs NOTEBOOK")
        return "\n".join(lines)
