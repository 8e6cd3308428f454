"""A notebook's readiness report: every checklist item of its template and risk tier,
evaluated from evidence, and the lifecycle stage that follows.

Stages: ``draft`` until every item gating review passes, then ``ready for review``. (The
``approved``, ``in production`` and ``retired`` stages follow from sign-offs and batch runs,
which later work adds.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..fingerprint import read_notebook
from ..notebooks import notebook_state
from ..project import Project
from .checks import Context, Outcome, run_check
from .template import STAGES, Item, load_template, template_dirs


@dataclass(frozen=True)
class ItemResult:
    item: Item
    outcome: Outcome

    @property
    def status(self) -> str:
        return "pass" if self.outcome.passed else "fail"

    def to_json(self) -> dict[str, Any]:
        i = self.item
        return {
            "id": i.id,
            "title": i.title,
            "status": self.status,
            "gates": i.gates,
            "detail": self.outcome.detail,
            "evidence": [e.to_json() for e in self.outcome.evidence],
            "why": i.why,
            "fix": i.fix,
            "check": i.check.name,
            "waivable": i.waivable,
        }


@dataclass(frozen=True)
class Report:
    project: Project
    notebook: str
    fingerprint: str
    template: str
    files: list[Path]
    results: list[ItemResult]

    @property
    def stage(self) -> str:
        review = [r for r in self.results if r.item.gates == "review"]
        return "ready for review" if all(r.outcome.passed for r in review) else "draft"

    def blocking(self, gate: str) -> list[ItemResult]:
        """Failing items that gate ``gate`` or an earlier stage."""
        upto = STAGES[: STAGES.index(gate) + 1]
        return [r for r in self.results if r.item.gates in upto and not r.outcome.passed]

    def to_json(self) -> dict[str, Any]:
        return {
            "notebook": self.notebook,
            "fingerprint": self.fingerprint,
            "project": self.project.config.name,
            "template": self.template,
            "risk_tier": self.project.config.risk_tier,
            "stage": self.stage,
            "items": [r.to_json() for r in self.results],
            "blocking": {gate: [r.item.id for r in self.blocking(gate)] for gate in STAGES},
        }


def check_notebook(project: Project, notebook: str | Path) -> Report:
    """Evaluate every item of the project's template that applies to its risk tier."""
    config = project.config
    template, files = load_template(
        config.template, template_dirs(project.root, config.checklist_dirs)
    )
    state = notebook_state(project, notebook)
    context = Context(project, state, read_notebook(project.root / state.path))
    results = [
        ItemResult(item, run_check(item.check.name, context, item.check.args))
        for item in template.items
        if config.risk_tier in item.tiers
    ]
    order = {stage: index for index, stage in enumerate(STAGES)}
    results.sort(key=lambda r: order[r.item.gates])
    return Report(project, state.path, state.fingerprint, config.template, files, results)
