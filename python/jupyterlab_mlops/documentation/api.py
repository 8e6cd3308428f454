"""Generating a notebook's documents: the model card and the Annex IV documentation for its
current bundle, written as files, recorded in the ledger (``documentation.generated``, with
each file's digest and a digest per section), and compared with the previous version."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..atomic import write_atomic
from ..canonical import sha256_hex
from ..confinement import resolve
from ..errors import MlopsError
from ..kinds import DOCUMENTATION_GENERATED
from ..ledger import Entry
from ..notebooks import notebook_state
from ..project import Project
from .model import Document

if TYPE_CHECKING:
    from ..checklists.bundle import Bundle

FORMATS = {"html": "html", "md": "md"}
DOCS_DIR = "docs"


@dataclass(frozen=True)
class Changes:
    """What changed in one document since the previous version, section by section."""

    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.changed or self.added or self.removed)

    def to_json(self) -> dict[str, list[str]]:
        return {"changed": self.changed, "added": self.added, "removed": self.removed}


@dataclass(frozen=True)
class Generated:
    """The documents written, where, the entry recording them, and what changed."""

    project: Project
    entry: Entry
    documents: list[Document]
    files: dict[str, Path]
    #: per document kind; empty when there was no previous version
    changes: dict[str, Changes]
    previous: Entry | None = None

    def to_json(self) -> dict[str, Any]:
        from .meter import meter

        return {
            "entry": self.entry.hash,
            "notebook": self.entry.payload["notebook"],
            "bundle_digest": self.entry.payload["bundle_digest"],
            "previous": self.previous.hash if self.previous is not None else None,
            "documents": {
                d.kind: {
                    "file": self.project.relpath(self.files[d.kind]),
                    "sha256": self.entry.payload["documents"][d.kind]["sha256"],
                    "coverage": _labelled(meter(d)),
                    "changes": self.changes[d.kind].to_json() if d.kind in self.changes else None,
                }
                for d in self.documents
            },
        }


def _labelled(m: dict[str, Any]) -> dict[str, Any]:
    """The meter for JSON: each entry under its label (``"1(a)"`` … ``"9"``), then the totals."""
    return {
        "entries": {
            e["key"]: {k: e[k] for k in ("title", "status", "reason", "needs")}
            for e in m["entries"]
        },
        "totals": {**m["totals"], "total": m["total"], "covered": m["covered"]},
    }


@dataclass(frozen=True)
class DocStatus:
    """The newest generated documents of a notebook and whether they still describe it."""

    notebook: str
    entry: Entry | None
    bundle_digest: str
    stale_because: list[str] = field(default_factory=list)

    @property
    def stale(self) -> bool | None:
        """None when nothing was generated yet; stale when the bundle or the project's facts
        changed since."""
        if self.entry is None:
            return None
        return bool(self.stale_because)

    def to_json(self) -> dict[str, Any]:
        """What the panel shows: when and by whom the documents were generated, whether they
        are stale, and each document's file and coverage as recorded then."""
        p = self.entry.payload if self.entry is not None else {}
        documents = p.get("documents") or {}
        return {
            "notebook": self.notebook,
            "generated": self.entry.hash if self.entry is not None else None,
            "time": self.entry.time if self.entry is not None else None,
            "actor": self.entry.actor if self.entry is not None else None,
            "format": p.get("format"),
            "stale": self.stale,
            "stale_because": self.stale_because,
            "bundle_digest": self.bundle_digest,
            "files": {k: v.get("file") for k, v in documents.items()},
            "documents": {k: recorded_coverage(k, v) for k, v in documents.items()},
        }


def recorded_coverage(kind: str, recorded: dict[str, Any]) -> dict[str, Any]:
    """One document's coverage as its ``documentation.generated`` entry recorded it: the
    totals per status, and each counted section's status with its title and, while missing,
    what the author should write (from the outline)."""
    from .outline import shipped_outline

    statuses = recorded.get("statuses") or {}
    sections = {s.key: s for s in shipped_outline(kind).sections} if statuses else {}
    totals = recorded.get("coverage") or {}
    return {
        "file": recorded.get("file"),
        "totals": totals,
        "total": sum(v for v in totals.values() if isinstance(v, int)),
        "missing": list(recorded.get("missing") or []),
        "entries": [
            {
                "key": key,
                "status": status,
                "title": sections[key].title if key in sections else key,
                "needs": sections[key].needs if key in sections and status == "missing" else None,
            }
            for key, status in statuses.items()
        ],
    }


def latest_generated(project: Project, notebook: str) -> Entry | None:
    """The newest ``documentation.generated`` entry of ``notebook`` (relative path)."""
    entries = project.ledger.entries(DOCUMENTATION_GENERATED, notebook=notebook)
    return entries[-1] if entries else None


def documentation_status(
    project: Project, notebook: str | Path, bundle: Bundle | None = None
) -> DocStatus:
    """The notebook's newest generated documents, stale when its bundle changed since (a code
    change, other data, another run, another checklist) or when the project's registry facts
    changed since (the documents quote them). ``bundle``: the current bundle, when the caller
    has it already."""
    from ..checklists.bundle import current_bundle  # lazy: the checklist templates

    state = notebook_state(project, notebook)
    bundle = bundle if bundle is not None else current_bundle(project, notebook)
    entry = latest_generated(project, state.path)
    because: list[str] = []
    if entry is not None and entry.payload.get("bundle_digest") != bundle.digest:
        earlier = entry.payload.get("bundle")
        because = bundle.changes_from(earlier) if isinstance(earlier, dict) else []
        because = because or ["the bundle"]
    if entry is not None and _facts_changed_since(project, entry):
        because.append("the project's facts")
    return DocStatus(state.path, entry, bundle.digest, because)


def context_digest(project: Project) -> str:
    """A digest of the project's registry facts, which the documents quote."""
    return sha256_hex(project.config.context.model_dump(mode="json"))


def _facts_changed_since(project: Project, entry: Entry) -> bool:
    """Whether the registry facts differ from those ``entry``'s documents were made from
    (entries from before the facts were recorded with them never count as changed)."""
    recorded = entry.payload.get("context_digest")
    return recorded is not None and recorded != context_digest(project)


def generate_docs(
    project: Project,
    notebook: str | Path,
    *,
    out_dir: str | Path | None = None,
    fmt: Literal["html", "md"] | str = "html",
    actor: str,
) -> Generated:
    """Write ``model-card.<fmt>`` and ``annex-iv.<fmt>`` for the notebook's current bundle
    into ``out_dir`` (default ``docs/<notebook>/`` in the project), record them, and say what
    changed since the previous version."""
    from .authored import authored_texts
    from .evidence import gather
    from .fill import documents_from

    if fmt not in FORMATS:
        raise MlopsError(f"unknown format {fmt!r}", "use --format html or --format md")
    state = notebook_state(project, notebook)
    out = _out_dir(project, out_dir, state.path)
    evidence = gather(project, notebook)
    bundle = evidence.approval.bundle  # the bundle of the checklist just evaluated, once
    generated_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    authored = authored_texts(project)
    documents = documents_from(evidence, authored, bundle.digest, actor, generated_at)
    rendered = {d.kind: _render(project, d, fmt) for d in documents}
    out.mkdir(parents=True, exist_ok=True)
    files = {kind: out / f"{kind}.{FORMATS[fmt]}" for kind in rendered}
    for kind, text in rendered.items():
        write_atomic(files[kind], text)
    previous = latest_generated(project, state.path)
    payload = {
        "notebook": state.path,
        "fingerprint": state.fingerprint,
        "bundle_digest": bundle.digest,
        "context_digest": context_digest(project),
        "bundle": bundle.to_json(),
        "format": fmt,
        "documents": {
            d.kind: {
                "file": project.relpath(files[d.kind]),
                "sha256": hashlib.sha256(rendered[d.kind].encode("utf-8")).hexdigest(),
                "coverage": d.coverage(),
                "missing": [s.key for s in d.counted() if s.coverage == "missing"],
                "statuses": {s.key: s.coverage for s in d.counted()},
                "sections": {s.key: section_digest(s) for s in d.sections},
            }
            for d in documents
        },
    }
    used = sorted({a.entry_id for a in authored.values()})
    entry = project.ledger.append(
        DOCUMENTATION_GENERATED,
        payload,
        actor=actor,
        notebook=state.ref(),
        links=[f"entry:{e}" for e in used],
    )
    changes = _changes(previous, payload) if previous is not None else {}
    return Generated(project, entry, documents, files, changes, previous)


def section_digest(section: Any) -> str:
    """A digest of everything a section says (its statements, links, author text, status)."""
    return sha256_hex(section.model_dump(mode="json"))


def _changes(previous: Entry, payload: dict[str, Any]) -> dict[str, Changes]:
    before_docs = previous.payload.get("documents") or {}
    found = {}
    for kind, now in payload["documents"].items():
        before = (before_docs.get(kind) or {}).get("sections") or {}
        after = now["sections"]
        found[kind] = Changes(
            changed=[k for k in after if k in before and before[k] != after[k]],
            added=[k for k in after if k not in before],
            removed=[k for k in before if k not in after],
        )
    return found


def _render(project: Project, document: Document, fmt: str) -> str:
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(document)
    from .html import render_html
    from .images import project_images

    return render_html(document, project_images(project))


def _out_dir(project: Project, out_dir: str | Path | None, notebook: str) -> Path:
    """Where the files go: inside the project (links and ``..`` included), not in ``.mlops``."""
    if out_dir is None:
        return project.root / DOCS_DIR / Path(notebook).with_suffix("")
    out = Path(out_dir).expanduser()
    out = out if out.is_absolute() else Path.cwd() / out
    root = resolve(project.root)
    real = resolve(out, str(out_dir))
    if real != root and root not in real.parents:
        raise MlopsError(
            f"{out_dir} is outside the project at {project.root}",
            "write the documents into a folder inside the project",
        )
    if real == resolve(project.mlops_dir) or resolve(project.mlops_dir) in real.parents:
        raise MlopsError(
            f"{out_dir} is inside .mlops/, the ledger's folder",
            "write the documents into another folder of the project, e.g. docs/",
        )
    return Path(os.path.abspath(out))  # as the project's root is spelled (links checked above)
