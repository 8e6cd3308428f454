"""A notebook's readiness report: every checklist item of its template and risk tier,
evaluated from evidence, and the lifecycle stage that follows.

Stages: ``draft`` until every item gating review passes, then ``ready for review``, then
``approved`` once every item passes, the required sign-offs included, then ``in production``
once a batch run of the approved bundle succeeded; ``retired`` once someone in a sign-off role
retires it (``mlops retire``), whatever the rest says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import MlopsError
from ..fingerprint import read_notebook
from ..kinds import BATCH_RUN, DECISION, WAIVED
from ..ledger import Entry
from ..lifecycle import retirement
from ..notebooks import NotebookState, notebook_state
from ..project import Project
from ..roles import check_waiver_identity
from ..templates import STAGES, Item, load_template, template_dirs
from .bundle import current_bundle
from .checks import run_check
from .engine import Context, Outcome

#: the lifecycle stages a notebook passes through, in order (see :attr:`Report.stage`)
LIFECYCLE = ("draft", "ready for review", "approved", "in production", "retired")


@dataclass(frozen=True)
class ItemResult:
    item: Item
    outcome: Outcome
    waiver: Entry | None = None  # a recorded waiver of a failing item (shown as waived)

    @property
    def status(self) -> str:
        if self.outcome.passed:
            return "pass"
        return "waived" if self.waiver is not None else "fail"

    @property
    def ok(self) -> bool:
        return self.status != "fail"

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
            "waiver": None
            if self.waiver is None
            else {
                "id": self.waiver.hash,
                "actor": self.waiver.actor,
                "time": self.waiver.time,
                "why": self.waiver.payload.get("why"),
            },
        }


@dataclass(frozen=True)
class Report:
    project: Project
    notebook: str
    fingerprint: str
    template: str
    files: list[Path]
    results: list[ItemResult]
    retired: Entry | None = None  # the entry that retired the notebook
    production: Entry | None = None  # the latest succeeded batch run of the current bundle
    context: Context | None = field(default=None, repr=False, compare=False)  # what was read

    @property
    def stage(self) -> str:
        """draft -> ready for review -> approved -> in production; or retired."""
        if self.retired is not None:
            return "retired"
        if all(r.ok for r in self.results):
            return "in production" if self.production is not None else "approved"
        review = [r for r in self.results if r.item.gates == "review"]
        return "ready for review" if all(r.ok for r in review) else "draft"

    def blocking(self, gate: str) -> list[ItemResult]:
        """Failing items that gate ``gate`` or an earlier stage."""
        upto = STAGES[: STAGES.index(gate) + 1]
        return [r for r in self.results if r.item.gates in upto and not r.ok]

    def to_json(self) -> dict[str, Any]:
        return {
            "notebook": self.notebook,
            "fingerprint": self.fingerprint,
            "project": self.project.config.name,
            "template": self.template,
            "risk_tier": self.project.config.risk_tier,
            "stage": self.stage,
            "retired": None
            if self.retired is None
            else {
                "id": self.retired.hash,
                "actor": self.retired.actor,
                "time": self.retired.time,
                "why": self.retired.payload.get("why"),
            },
            "last_batch_run": None if self.production is None else self.production.hash,
            "items": [r.to_json() for r in self.results],
            "blocking": {gate: [r.item.id for r in self.blocking(gate)] for gate in STAGES},
        }


def check_notebook(project: Project, notebook: str | Path, *, production: bool = False) -> Report:
    """Evaluate every item of the project's template that applies to its risk tier
    (``production``: for a batch run, see :class:`~.engine.Context`)."""
    config = project.config
    template, files = load_template(
        config.template, template_dirs(project.root, config.checklist_dirs)
    )
    state = notebook_state(project, notebook)
    context = Context(
        project, state, read_notebook(project.root / state.path), production=production
    )
    context.cache["template_files"] = files
    waivers = _waivers(project, state.path, state.fingerprint)
    batch = _succeeded_batch_runs(project, state.path, state.fingerprint)
    digest = (
        _bundle_digest(project, project.root / state.path, context) if waivers or batch else None
    )
    results = []
    for item in template.items:
        if config.risk_tier not in item.tiers:
            continue
        outcome = run_check(item.check.name, context, item.check.args)
        waiver = waivers.get(item.id) if item.waivable and not outcome.passed else None
        if waiver is not None and (
            waiver.payload.get("bundle_digest") != digest
            or waiver.payload.get("detail") != outcome.detail
            or (item.waiver_decision and not waiver.payload.get("decision"))
        ):
            waiver = None  # it excused another failure, or another bundle: not this one
        results.append(ItemResult(item, outcome, waiver))
    order = {stage: index for index, stage in enumerate(STAGES)}
    results.sort(key=lambda r: order[r.item.gates])
    production = next((e for e in batch if e.payload.get("bundle_digest") == digest), None)
    return Report(
        project, state.path, state.fingerprint, config.template, files, results,
        retirement(project, state.path), production, context,
    )  # fmt: skip


def _succeeded_batch_runs(project: Project, notebook: str, fingerprint: str) -> list[Entry]:
    """Succeeded batch runs of this notebook version, newest first."""
    return [
        e
        for e in reversed(project.ledger.entries(BATCH_RUN, notebook=notebook))
        if e.payload.get("status") == "succeeded"
        and (e.notebook or {}).get("fingerprint") == fingerprint
    ]


def _waivers(project: Project, notebook: str, fingerprint: str) -> dict[str, Entry]:
    """Waivers recorded for this notebook version, the latest per item."""
    found: dict[str, Entry] = {}
    for entry in project.ledger.entries(WAIVED, notebook=notebook):
        if (entry.notebook or {}).get("fingerprint") == fingerprint:
            found[entry.payload["item"]] = entry
    return found


def waive_item(
    project: Project, notebook: str | Path, item_id: str, *, why: str, actor: str
) -> Entry:
    """Record that a failing, waivable item is accepted for this notebook version, and why.

    Only someone who holds a sign-off role may waive (anyone in local single-user mode).
    """
    report = check_notebook(project, notebook)
    result = next((r for r in report.results if r.item.id == item_id), None)
    if result is None:
        known = ", ".join(r.item.id for r in report.results)
        raise MlopsError(f"no checklist item {item_id!r}", f"items: {known}")
    if not result.item.waivable:
        raise MlopsError(f"{item_id} cannot be waived", f"fix it: {result.item.fix}")
    if result.outcome.passed:
        raise MlopsError(f"{item_id} passes: there is nothing to waive", "see `mlops check`")
    state = notebook_state(project, notebook)
    decision = _waiver_decision(project, result, state) if result.item.waiver_decision else None
    why = (why or "").strip() or (str(decision.payload.get("why", "")) if decision else "")
    if not why:
        raise MlopsError("a waiver needs its justification", 'add --why "..."')
    check_waiver_identity(project, actor)
    payload = {
        "item": item_id,
        "why": why,
        "check": result.item.check.name,
        "detail": result.outcome.detail,
        "bundle_digest": _bundle_digest(project, notebook),
    }
    if decision is not None:
        payload["decision"] = decision.hash
    return project.ledger.append(
        WAIVED,
        payload,
        actor=actor,
        notebook=state.ref(),
        links=[f"entry:{decision.hash}"] if decision is not None else (),
    )


def _waiver_decision(project: Project, result: ItemResult, state: NotebookState) -> Entry:
    """The decision (tagged as the item requires, at this notebook version) that explains why
    the failing evidence is accepted and links to it; the newest if several."""
    tag = result.item.waiver_decision
    reports = [e.ref for e in result.outcome.evidence if e.kind == "entry"]
    found = [
        d
        for d in project.ledger.entries(DECISION, notebook=state.path)
        if tag in (d.payload.get("tags") or [])
        and (d.notebook or {}).get("fingerprint") == state.fingerprint
        and any(f"entry:{r}" in d.links for r in reports)
    ]
    if not found:
        link = f" --link {reports[-1][:12]}" if reports else ""
        raise MlopsError(
            f"{result.item.id} may be waived only with a recorded decision tagged "
            f"{tag!r}, linked to its report, that explains why",
            f'record it first: %mlops decide "TITLE" --why "..." --tag {tag}{link}',
        )
    return found[-1]


def _bundle_digest(project: Project, notebook: str | Path, context: Context | None = None) -> str:
    return current_bundle(project, notebook, context).digest
