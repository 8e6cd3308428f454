"""Retraining: the approved notebook (the champion) run again, on today's data, as a new
bundle awaiting sign-off (the challenger) while the champion keeps running in production.

:func:`retrain` refuses a notebook with no approved version, a retired one, and one whose code
(or parameters, kernel, checklist) changed since its approved version: a retrained bundle may
differ from the champion only in data versions, runs and prompts, which is what lets batch
runs keep using the champion meanwhile (:attr:`~..approvals.ApprovalStatus.production_bundle`).
It registers the current content of each of the champion's datasets (their paths) as new
versions (unchanged data records nothing), runs the notebook top to bottom in a fresh kernel
as the actor (the clean-run check's machinery, so the run counts as that evidence too) and
answers the champion and the challenger side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..approvals import ApprovalStatus, approval_status
from ..checklists.cleanrun import clean_run
from ..data.register import ProgressFactory, register_data
from ..data.versions import DataVersion
from ..errors import MlopsError
from ..ledger import Entry
from ..production import production_document
from ..project import Project


@dataclass(frozen=True)
class Registered:
    """What registering one of the champion's datasets again did."""

    name: str
    path: str
    trained_on: int  # the champion's version of it
    version: int  # the version registered now (or the latest, when unchanged)
    created: bool

    def describe(self) -> str:
        if self.created:
            return f"{self.name}: registered {self.path} as v{self.version} (the champion trained on v{self.trained_on})"  # fmt: skip
        if self.version == self.trained_on:
            return f"{self.name}: unchanged since v{self.version}, the version the champion trained on"  # fmt: skip
        return f"{self.name}: unchanged since v{self.version} (already registered; the champion trained on v{self.trained_on})"  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "path": self.path, "trained_on": self.trained_on,
            "version": self.version, "created": self.created, "summary": self.describe(),
        }  # fmt: skip


@dataclass(frozen=True)
class Retraining:
    """A retraining: the data registered, the fresh-kernel run, and where that leaves the
    notebook (its champion and challenger)."""

    notebook: str
    registered: list[Registered]
    execution: Entry  # the ``notebook.executed`` entry
    status: ApprovalStatus  # after the run
    production: dict[str, Any] | None

    @property
    def ok(self) -> bool:
        return bool(self.execution.payload.get("ok"))

    def to_json(self) -> dict[str, Any]:
        p = self.execution.payload
        challenger = self.status.challenger
        return {
            "notebook": self.notebook,
            "ok": self.ok,
            "registered": [r.to_json() for r in self.registered],
            "execution": {k: p.get(k) for k in ("seconds", "failure", "output")}
            | {"id": self.execution.hash},
            "challenger": challenger.digest if challenger else None,
            "blocking": self.status.blocking,
            "awaiting": [r for r in self.status.required if r not in self.status.approved_roles],
            "production": self.production,
        }


def retrain(
    project: Project,
    notebook: str | Path,
    *,
    actor: str,
    timeout: int = 1800,
    progress_bar: bool = False,
    data_progress: ProgressFactory | None = None,
    step: Callable[[str], None] | None = None,
) -> Retraining:
    """Register the champion's data again and run the notebook on it in a fresh kernel as
    ``actor``; the result is a challenger awaiting sign-off. ``step`` hears each step as it
    starts; ``progress_bar`` and ``data_progress`` draw the run's cells and large data."""
    relative = project.relpath(project.root / notebook)
    source = project.root / relative
    before = approval_status(source, project, production=True)
    champion = _champion(before, relative)
    say = step or (lambda _text: None)
    registered = []
    for entry_hash in champion.bundle.data:
        trained = DataVersion(project.ledger.get(entry_hash))
        say(f"registering {trained.path} (dataset {trained.name})")
        done = register_data(
            project, project.root / trained.path, actor=actor, name=trained.name,
            notebook=source, progress=data_progress,
        )  # fmt: skip
        number, created = done.version.number, done.created
        registered.append(Registered(trained.name, trained.path, trained.number, number, created))
    say(f"running {relative} top to bottom in a fresh kernel")
    execution = clean_run(
        project, source, actor=actor, timeout=timeout, env={"MLOPS_USER": actor},
        progress_bar=progress_bar,
    )  # fmt: skip
    after = approval_status(source, project)
    return Retraining(relative, registered, execution, after, production_document(project, after))


def _champion(status: ApprovalStatus, relative: str) -> Any:
    """The champion to retrain, or the error that says why there is none to retrain."""
    if status.retired is not None:
        raise MlopsError(
            f"{relative} is retired: it is not retrained",
            f"reinstate it first: mlops retire {relative} --undo --why ...",
        )
    champion = status.champion
    if champion is None:
        raise MlopsError(
            f"{relative} has no approved version to retrain",
            "retraining reruns the approved notebook on new data: get it signed in every "
            f"required role first (see `mlops approvals {relative}`)",
        )
    changed = status.bundle.changes_from(champion.bundle.to_json(), code_only=True)
    if changed:
        raise MlopsError(
            f"{relative} cannot be retrained: {', '.join(changed)} changed since its approved "
            f"version {champion.bundle.digest[:12]}",
            "retraining runs the approved code on new data only: undo the change, or get the "
            "new version approved (`mlops check`, `mlops approve`)",
        )
    return champion
