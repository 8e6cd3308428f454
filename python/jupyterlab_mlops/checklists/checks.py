"""Evidence checks: each reads the evidence (ledger, notebook, DVC, the project's files) and
says pass or fail, what it looked at, and what is missing. Nothing is ticked by hand.

A check is a function ``check(context, **args) -> Outcome`` registered under a name with
:func:`evidence_check`; templates refer to it by that name. New checks (explanations, fairness,
a clean run, sign-offs) are added the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..errors import MlopsError
from ..ledger import Entry
from ..notebooks import NotebookState
from ..project import Project
from ..kinds import EXECUTED, RUN_LOGGED


@dataclass(frozen=True)
class Evidence:
    """Something an outcome rests on: a ledger entry, an MLflow run, a data version, a file."""

    kind: str  # "entry", "mlflow-run", "data", "file", "cell"
    ref: str
    label: str

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
    def data_read(self) -> list[Any]:
        """The data versions the latest finished run of this version read."""
        from ..data.versions import DataVersion

        if not self.runs:
            return []
        entries = []
        for link in self.runs[0].links:
            if link.startswith("entry:"):
                entries.append(DataVersion(self.project.ledger.get(link.removeprefix("entry:"))))
        return entries


Check = Callable[..., Outcome]
CHECKS: dict[str, Check] = {}


def evidence_check(name: str) -> Callable[[Check], Check]:
    """Register ``function`` as the evidence check ``name``."""

    def register(function: Check) -> Check:
        CHECKS[name] = function
        return function

    return register


def run_check(name: str, context: Context, args: dict[str, Any]) -> Outcome:
    check = CHECKS.get(name)
    if check is None:
        raise MlopsError(
            f"the checklist names an unknown evidence check {name!r}",
            f"known checks: {', '.join(sorted(CHECKS))}",
        )
    import inspect

    try:
        inspect.signature(check).bind(context, **args)
    except TypeError as exc:
        raise MlopsError(
            f"evidence check {name}: {exc}", "fix the check's args in the template"
        ) from exc
    return check(context, **args)


def _run_evidence(run: Entry) -> Evidence:
    return Evidence("mlflow-run", run.payload["run_id"], f"run '{run.payload['name']}'")


def _no_run() -> Outcome:
    return Outcome(
        False, "no finished run of this notebook version uses jupyterlab-mlops' data API"
    )


@evidence_check("data_registered")
def data_registered(context: Context) -> Outcome:
    """The latest finished run read registered data, each the dataset's latest version, and
    the files on disk are still that version (for a production run: only the first)."""
    from ..data.versions import check_workspace, versions_of

    if not context.runs:
        return Outcome(False, "no finished run of this notebook version yet, so no data it read")
    read = context.data_read
    if not read:
        return Outcome(
            False,
            "the latest run read no registered data (read it with jupyterlab_mlops.data.path)",
            (_run_evidence(context.runs[0]),),
        )
    evidence, problems = [_run_evidence(context.runs[0])], []
    for version in read:
        evidence.append(Evidence("data", version.entry.hash, version.label))
        if context.production:
            continue  # production data moves on: a batch run measures its drift instead
        latest = versions_of(context.project, version.name)[-1]
        if latest.entry.hash != version.entry.hash:
            problems.append(f"{version.label} was read, but {latest.label} is registered since")
            continue
        try:
            check_workspace(context.project, version)
        except MlopsError as exc:
            problems.append(exc.message)
    if problems:
        return Outcome(False, "; ".join(problems), tuple(evidence))
    return Outcome(True, "read " + ", ".join(v.label for v in read), tuple(evidence))


@evidence_check("pii_reviewed")
def pii_reviewed(context: Context) -> Outcome:
    """Every data version the latest run read is cleared: no findings, or a recorded review."""
    from ..data.versions import review_status

    if not context.data_read:
        return Outcome(False, "no registered data read by a finished run of this version")
    evidence, waiting = [], []
    for version in context.data_read:
        review = review_status(context.project, version)
        evidence.append(Evidence("data", version.entry.hash, version.label))
        if review.decision is not None:
            evidence.append(
                Evidence("entry", review.decision.entry.hash, f"review: {review.decision.title}")
            )
        if not review.cleared:
            waiting.append(f"{version.label} ({len(version.findings)} finding(s))")
    if waiting:
        return Outcome(False, "not reviewed: " + ", ".join(waiting), tuple(evidence))
    return Outcome(True, "all data read is cleared", tuple(evidence))


@evidence_check("run_logged")
def run_logged(context: Context, metrics: list[dict[str, Any]] = ()) -> Outcome:
    """A finished run of this version logged the required metrics (name pattern, thresholds)."""
    if not context.runs:
        return Outcome(False, "no finished run of this notebook version")
    best: tuple[int, Entry, list[str]] | None = None
    for run in context.runs:
        logged = run.payload.get("metrics") or {}
        missing = [_metric_problem(spec, logged) for spec in metrics]
        missing = [m for m in missing if m]
        if not missing:
            names = ", ".join(
                f"{k}={v:.4g}" for k, v in list(logged.items())[:4] if isinstance(v, float)
            )
            return Outcome(True, f"run '{run.payload['name']}': {names}", (_run_evidence(run),))
        if best is None or len(missing) < best[0]:
            best = (len(missing), run, missing)
    assert best is not None
    return Outcome(
        False, f"run '{best[1].payload['name']}': " + "; ".join(best[2]), (_run_evidence(best[1]),)
    )


def _metric_problem(spec: dict[str, Any], logged: dict[str, Any]) -> str | None:
    pattern = re.compile(str(spec.get("match", "")), re.IGNORECASE)
    found = {k: v for k, v in logged.items() if pattern.search(k) and isinstance(v, int | float)}
    if not found:
        return f"no metric matching {spec.get('match')!r}"
    low, high = spec.get("min"), spec.get("max")
    good = {
        k: v for k, v in found.items() if (low is None or v >= low) and (high is None or v <= high)
    }
    if not good:
        bounds = " and ".join(
            b
            for b in (
                f">= {low}" if low is not None else "",
                f"<= {high}" if high is not None else "",
            )
            if b
        )
        return f"{', '.join(f'{k}={v:.4g}' for k, v in found.items())} not {bounds}"
    return None


@evidence_check("decisions_recorded")
def decisions_recorded(context: Context, topics: list[str] = ()) -> Outcome:
    """For each topic, a decision of this notebook tagged with it that still describes it."""
    from ..decisions import list_decisions

    notebook = context.project.root / context.state.path
    current = [d for d in list_decisions(context.project, notebook, context.state) if d.current]
    evidence, missing = [], []
    for topic in topics:
        tagged = [d for d in current if topic in (d.entry.payload.get("tags") or [])]
        if tagged:
            evidence.append(
                Evidence("entry", tagged[-1].entry.hash, f"{topic}: {tagged[-1].title}")
            )
        else:
            missing.append(topic)
    if missing:
        return Outcome(False, "no current decision tagged " + ", ".join(missing), tuple(evidence))
    return Outcome(
        True, f"{len(current)} current decision(s) cover " + ", ".join(topics), tuple(evidence)
    )


@evidence_check("parameters_cell")
def parameters_cell(context: Context) -> Outcome:
    """One cell tagged ``parameters`` with only literal, typed assignments."""
    from .params import parameter_schema

    schema = parameter_schema(context.notebook)
    evidence = (
        ()
        if schema.cell_index is None
        else (Evidence("cell", str(schema.cell_index), f"cell {schema.cell_index + 1}"),)
    )
    if schema.problems:
        return Outcome(False, "; ".join(schema.problems), evidence)
    listed = ", ".join(f"{k}: {v}" for k, v in schema.described().items())
    return Outcome(True, listed, evidence)


@evidence_check("no_secrets")
def no_secrets(context: Context) -> Outcome:
    """No credential-like text in any cell's code or text outputs (detect-secrets)."""
    from .secrets import scan_notebook

    findings = scan_notebook(context.notebook)
    if findings:
        evidence = tuple(Evidence("cell", str(f.cell), f.describe()) for f in findings[:10])
        more = f" (+{len(findings) - 10} more)" if len(findings) > 10 else ""
        return Outcome(False, "; ".join(f.describe() for f in findings[:3]) + more, evidence)
    return Outcome(True, "nothing found in code or outputs")


_LOCKS = ("uv.lock", "poetry.lock", "Pipfile.lock", "conda-lock.yml", "pdm.lock", "pixi.lock")
_PINNED = re.compile(r"^[A-Za-z0-9_.\-\[\],]+\s*===?\s*[\w.!+*-]+")


@evidence_check("environment_pinned")
def environment_pinned(context: Context) -> Outcome:
    """A lock file, or a requirements file whose every requirement is pinned with ``==``."""
    root = context.project.root
    for name in _LOCKS:
        if (root / name).is_file():
            return Outcome(True, f"{name}", (Evidence("file", name, name),))
    unpinned_files = []
    for file in sorted(root.glob("requirements*.txt")):
        lines = [
            line.split("#", 1)[0].strip()
            for line in file.read_text(encoding="utf-8", errors="replace").splitlines()
        ]
        requirements = [line for line in lines if line and not line.startswith("-")]
        loose = [line for line in requirements if not _PINNED.match(line)]
        if requirements and not loose:
            return Outcome(
                True,
                f"{file.name}: {len(requirements)} pinned",
                (Evidence("file", file.name, file.name),),
            )
        unpinned_files.append(f"{file.name} ({loose[0] if loose else 'empty'} is not pinned)")
    detail = "; ".join(unpinned_files) or "no lock file or requirements*.txt in the project root"
    return Outcome(False, detail)


@evidence_check("signoffs")
def signoffs(context: Context) -> Outcome:
    """Every role the risk tier requires approved this exact bundle (notebook version,
    parameters, data versions, runs, checklist), independently where required, and nobody's
    refusal stands."""
    from ..approvals import current_bundle, latest_signoffs

    bundle = current_bundle(context.project, context.project.root / context.state.path, context)
    latest, stale, problems = latest_signoffs(context.project, context.state.path, bundle)
    evidence = tuple(
        Evidence("entry", s.entry.hash, f"{role}: {s.to_json()['kind']} by {s.entry.actor}")
        for role, s in latest.items()
        if s is not None
    )
    if problems:
        changed = f" ({', '.join(stale)} changed)" if stale else ""
        return Outcome(False, "; ".join(problems) + changed, evidence)
    return Outcome(True, "signed for this version by every required role", evidence)


@evidence_check("clean_run")
def clean_run(context: Context) -> Outcome:
    """This notebook version ran top to bottom in a fresh kernel (``mlops check --run``)."""
    runs = [
        e
        for e in context.project.ledger.entries(EXECUTED, notebook=context.state.path)
        if (e.notebook or {}).get("fingerprint") == context.state.fingerprint
    ]
    if not runs:
        return Outcome(False, "this version has not been run top to bottom in a fresh kernel yet")
    latest = runs[-1]
    evidence = (Evidence("entry", latest.hash, f"executed in {latest.payload['seconds']} s"),)
    if latest.payload["ok"]:
        return Outcome(True, f"ran top to bottom in {latest.payload['seconds']} s", evidence)
    failure = latest.payload.get("failure") or {}
    where = f"cell {failure['cell']}" if failure.get("cell") else "the kernel"
    return Outcome(False, f"{where} failed: {failure.get('error')}", evidence)
