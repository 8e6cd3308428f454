"""Key decisions: what was decided, why, what else was considered, bound to a notebook version."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import MlopsError, NotFoundError
from .kinds import DECISION
from .ledger import Entry
from .notebooks import NotebookState, notebook_state
from .project import Project

_TAG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
_RUN_ID = re.compile(r"^[0-9a-f]{32}$")
_MAX_TITLE, _MAX_TEXT = 200, 10_000


@dataclass(frozen=True)
class Decision:
    """A decision entry, and whether it was recorded on the notebook's current version."""

    entry: Entry
    current: bool | None = None  # None: not bound to a notebook, or the notebook is gone
    repeated: bool = False  # recording it again found this identical decision already there

    @property
    def title(self) -> str:
        return str(self.entry.payload.get("title", ""))

    def to_json(self) -> dict[str, Any]:
        payload, notebook = self.entry.payload, self.entry.notebook or {}
        cell = payload.get("cell") or {}
        return {
            "id": self.entry.hash,
            "short_id": self.entry.short_id,
            "title": payload.get("title", ""),
            "why": payload.get("why", ""),
            "alternatives": payload.get("alternatives"),
            "tags": list(payload.get("tags", [])),
            "links": list(self.entry.links),
            "actor": self.entry.actor,
            "time": self.entry.time,
            "notebook": notebook.get("path"),
            "fingerprint": notebook.get("fingerprint"),
            "cell_id": cell.get("id"),
            "current": self.current,
        }


def record_decision(
    project: Project,
    *,
    title: str,
    why: str,
    actor: str,
    alternatives: str | None = None,
    tags: Sequence[str] = (),
    links: Sequence[str] = (),
    notebook: str | Path | None = None,
    cell_id: str | None = None,
    cell_source: str | None = None,
) -> Decision:
    """Validate and append a decision; bound to ``notebook`` (and its cell) when given."""
    title, why = _text("title", title, _MAX_TITLE), _text("--why", why, _MAX_TEXT)
    alternatives = _text("--alternatives", alternatives, _MAX_TEXT) if alternatives else None
    clean_tags = _tags(tags)
    resolved_links = [_resolve_link(project, link) for link in links]
    state = notebook_state(project, notebook) if notebook is not None else None
    payload: dict[str, Any] = {
        "title": title,
        "why": why,
        "alternatives": alternatives,
        "tags": clean_tags,
    }
    if state is not None:  # without a cell id (papermill, a clean or batch run, nbclient) the
        # saved cell with this code is the one: the same decision from the same cell, whichever
        # runner ran it, is then recognised as one
        payload["cell"] = (
            state.cell_binding(cell_id, cell_source) if cell_id else state.locate_cell(cell_source)
        )
    entry, created = project.ledger.append_once(
        DECISION,
        payload,
        actor=actor,
        notebook=state.ref() if state else None,
        links=resolved_links,
        # the same decision from the same cell or notebook version (e.g. the notebook was run
        # again) is not recorded twice, even by parallel runs
        existing=lambda: _same_decision(project, payload, state, resolved_links),
    )
    if not created:
        return Decision(entry, current=state.is_current(entry) if state else None, repeated=True)
    return Decision(entry, current=True if state else None)


def list_decisions(
    project: Project, notebook: str | Path | None = None, state: NotebookState | None = None
) -> list[Decision]:
    """Decisions of one notebook (or of the whole project), oldest first.

    For one notebook each decision says whether it still describes the saved notebook
    (``state``, read here when not given).
    """
    relative = project.relpath(notebook) if notebook is not None else None
    entries = project.ledger.entries(DECISION, notebook=relative)
    if relative is None:
        return [Decision(e) for e in entries]
    if state is None:
        try:
            state = notebook_state(project, project.root / relative)
        except NotFoundError:
            return [Decision(e) for e in entries]
    return [Decision(e, state.is_current(e)) for e in entries]


def _same_decision(
    project: Project, payload: dict[str, Any], state: NotebookState | None, links: list[str]
) -> Entry | None:
    """An earlier entry recording exactly this decision from the same cell (same id and code,
    whichever runner ran it) or on the same notebook version (or project-wide, without one)."""
    text, cell = _decision_key(payload)
    for entry in project.ledger.entries(DECISION, notebook=state.path if state else None):
        if (entry.notebook is None) != (state is None):
            continue
        earlier_text, earlier_cell = _decision_key(entry.payload)
        if earlier_text != text or list(entry.links) != links:
            continue
        if (
            state is None
            or (cell[0] is not None and earlier_cell == cell)
            or entry.notebook["fingerprint"] == state.fingerprint
        ):
            return entry
    return None


def _decision_key(payload: dict[str, Any]) -> tuple[dict[str, Any], tuple[Any, Any]]:
    """What the decision says, and the cell it was recorded from (id, source digest)."""
    cell = payload.get("cell") or {}
    rest = {k: v for k, v in payload.items() if k != "cell"}
    return rest, (cell.get("id"), cell.get("source_sha256"))


def _text(name: str, value: str | None, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise MlopsError(f"{name} must not be empty", 'say it in words, e.g. --why "..."')
    if len(value) > limit:
        raise MlopsError(f"{name} is {len(value)} characters long (at most {limit})", "shorten it")
    return value


def _tags(tags: Iterable[str]) -> list[str]:
    clean: list[str] = []
    for tag in tags:
        if not _TAG.match(tag):
            raise MlopsError(
                f"invalid tag {tag!r}", "tags are short words: letters, digits, '-', '_' or '.'"
            )
        if tag not in clean:
            clean.append(tag)
    return clean


def _resolve_link(project: Project, link: str) -> str:
    """A ledger entry id (or unique prefix) becomes ``entry:<hash>``; an MLflow run id ``mlflow-run:<id>``."""
    link = link.strip()
    kind, _, value = link.partition(":")
    if value and kind in {"entry", "mlflow-run"}:
        link = value
    if _RUN_ID.match(link) and kind != "entry":
        return f"mlflow-run:{link}"
    try:
        return f"entry:{project.ledger.get(link).hash}"
    except NotFoundError:
        raise MlopsError(
            f"--link {link!r} is neither a ledger entry nor an MLflow run id",
            "give an entry id from `mlops decisions` or a 32-character MLflow run id",
        ) from None
