"""The checklist engine: what evidence checks share, and their registry.

A check is a function ``check(context, **args) -> Outcome`` in its own module under
:mod:`.checks`, registered under a name with :func:`evidence_check`; templates refer to it by
that name (:func:`~.checks.run_check` runs one). It reads the evidence (ledger, notebook, DVC, MLflow, the project's files) and says
pass or fail, what it looked at, and what is missing. Nothing is ticked by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..data.versions import DataVersion
from ..kinds import RUN_LOGGED
from ..ledger import Entry
from ..notebooks import NotebookState
from ..project import Project


@dataclass(frozen=True)
class Evidence:
    """Something an outcome rests on: a ledger entry, an MLflow run, a data version, a file."""

    kind: str  # "entry", "mlflow-run", "mlflow-artifact" (ref RUN_ID/PATH), "data", "file", "cell"
    ref: str
    label: str

    @classmethod
    def of_run(cls, run: Entry) -> Evidence:
        """The MLflow run a ``run.logged`` entry records."""
        return cls("mlflow-run", run.payload["run_id"], f"run '{run.payload['name']}'")

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "ref": self.ref, "label": self.label}


@dataclass(frozen=True)
class Outcome:
    passed: bool
    detail: str
    evidence: tuple[Evidence, ...] = ()


@dataclass
class Context:
    """What the checks of one notebook share (read once per evaluation)."""

    project: Project
    state: NotebookState
    notebook: dict[str, Any]
    cache: dict[str, Any] = field(default_factory=dict)
    #: evaluated for a production (batch) run: the data on disk may have moved on since
    #: training (its drift is measured by the run); the training evidence still must hold
    production: bool = False

    @cached_property
    def runs(self) -> list[Entry]:
        """Finished runs of this notebook version, newest first (not those of batch runs:
        production runs are not evidence for the checklist)."""
        entries = self.project.ledger.entries(RUN_LOGGED, notebook=self.state.path)
        current = [
            e
            for e in entries
            if e.payload.get("status") == "FINISHED"
            and not e.payload.get("batch_id")
            and (e.notebook or {}).get("fingerprint") == self.state.fingerprint
        ]
        return list(reversed(current))

    @cached_property
    def data_read(self) -> list[DataVersion]:
        """The data versions the latest finished run of this version read."""
        if not self.runs:
            return []
        return [
            DataVersion(self.project.ledger.get(link.removeprefix("entry:")))
            for link in self.runs[0].links
            if link.startswith("entry:")
        ]


Check = Callable[..., Outcome]
CHECKS: dict[str, Check] = {}


def evidence_check(name: str) -> Callable[[Check], Check]:
    """Register ``function`` as the evidence check ``name``."""

    def register(function: Check) -> Check:
        CHECKS[name] = function
        return function

    return register
