"""May a notebook run in production? Its checklist, sign-offs and retirement, in one answer,
and recording a sign-off for the exact bundle it approves.

:func:`approval_status` is the one function the panel, the CLI and batch execution use to
decide whether a notebook may run in production. Sign-offs are bound to the bundle (see
:mod:`.signoffs`); who may sign in which role is :mod:`.roles`'s rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import alerts
from .checklists.bundle import current_bundle
from .checklists.evaluate import Report, check_notebook
from .errors import ForbiddenError, MlopsError
from .kinds import GRANTED, REFUSED, REVOKED
from .ledger import Entry
from .notebooks import notebook_state
from .project import Project, find_project
from .roles import REQUIRED_ROLES, check_independence, check_role_identity
from .signoffs import Bundle, Champion, SignOff, find_champion, latest_signoffs

#: checks of the project and notebook as they are now (the environment's lock file, the
#: parameters cell, secrets in the saved notebook), not of a bundle's evidence: when one fails,
#: the champion may not run in the challenger's place either
PRESENT_STATE_CHECKS = frozenset({"environment_pinned", "parameters_cell", "no_secrets"})


@dataclass
class ApprovalStatus:
    notebook: str
    bundle: Bundle
    required: list[str]
    latest: dict[str, SignOff | None]  # role -> latest sign-off entry in that role
    blocking: list[str] = field(default_factory=list)  # checklist items blocking approval
    stale_because: list[str] = field(default_factory=list)
    signoff_problems: list[str] = field(default_factory=list)
    retired: Entry | None = None
    #: the newest bundle every required role approved (it may be :attr:`bundle` itself)
    champion: Champion | None = None
    #: asked for a batch run: the champion may run while the current bundle awaits sign-off
    production: bool = False
    #: blocking items about the project as it is now, not the evidence of a bundle: they
    #: block the champion too
    present_blocking: list[str] = field(default_factory=list)

    @property
    def approved_roles(self) -> list[str]:
        return [r for r, s in self.latest.items() if s and s.entry.kind == GRANTED and s.current]

    @property
    def challenger(self) -> Bundle | None:
        """The current bundle, when it is not the champion (None without a champion)."""
        if self.champion is None or self.champion.bundle.digest == self.bundle.digest:
            return None
        return self.bundle

    @property
    def runs_champion(self) -> bool:
        """A batch run runs the champion: the current bundle may not run, it differs from the
        champion only in data versions, runs and prompts, and the notebook is not retired."""
        return (
            self.production
            and self.retired is None
            and bool(self.blocking or self.signoff_problems)
            and not self.present_blocking
            and self.challenger is not None
            and self.champion is not None
            and self.champion.bundle.same_code(self.bundle)
        )

    @property
    def may_run(self) -> bool:
        if self.runs_champion:
            return True
        return not self.blocking and not self.signoff_problems and self.retired is None

    @property
    def production_bundle(self) -> Bundle:
        """What a batch run runs and records: the champion's bundle, else the current one."""
        return self.champion.bundle if self.runs_champion and self.champion else self.bundle

    @property
    def production_approvals(self) -> list[str]:
        """The sign-off entries a batch run links: those of the bundle it runs."""
        if self.runs_champion and self.champion:
            return [s.entry.hash for s in self.champion.approvals.values()]
        return [s.entry.hash for s in self.latest.values() if s and s.current]

    def problems(self) -> list[str]:
        retired = (
            [f"retired by {self.retired.actor} ({self.retired.payload.get('why')})"]
            if self.retired is not None
            else []
        )
        items = [f"checklist item {item} fails" for item in self.blocking]
        return retired + items + self.signoff_problems + self._champion_problem()

    def _champion_problem(self) -> list[str]:
        """Why the champion cannot stand in for the current bundle in a batch run."""
        champion = self.champion
        if not self.production or self.challenger is None or champion is None:
            return []
        if champion.bundle.same_code(self.bundle):
            return []
        code = self.bundle.changes_from(champion.bundle.to_json(), code_only=True)
        return [
            f"the approved version {champion.bundle.digest[:12]} cannot run in its place: "
            f"{', '.join(code)} changed since it was approved"
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "notebook": self.notebook,
            "may_run": self.may_run,
            "bundle": {**self.bundle.to_json(), "digest": self.bundle.digest},
            "required_roles": self.required,
            "signoffs": {r: (s.to_json() if s else None) for r, s in self.latest.items()},
            "blocking": self.blocking,
            "stale_because": self.stale_because,
            "problems": self.problems(),
        }


def approval_status(
    path: str | Path, project: Project | None = None, report: Report | None = None, *,
    production: bool = False,
) -> ApprovalStatus:  # fmt: skip
    """May the notebook at ``path`` run in production? Every surface asks this function.

    ``report`` (the notebook's :func:`~.checklists.evaluate.check_notebook`, just made) saves
    evaluating the checklist twice. ``production``: asked by a batch run, which reads
    today's data (the data on disk need not be the training version any more), and which
    runs the champion (:func:`~.signoffs.find_champion`) while the current bundle, differing
    from it only in data versions, runs and prompts, awaits its sign-offs
    (:attr:`ApprovalStatus.production_bundle`)."""
    project = project or find_project(path)
    if report is None:
        report = check_notebook(project, path, production=production)
    bundle = current_bundle(project, path, report.context)
    latest, stale, problems = latest_signoffs(project, report.notebook, bundle)
    blocked = report.blocking("approval")
    blocking = [r.item.id for r in blocked]
    present = [r.item.id for r in blocked if r.item.check.name in PRESENT_STATE_CHECKS]
    required = REQUIRED_ROLES[project.config.risk_tier]
    if stale and project.config.alerts:  # approvals made stale by a change: tell once
        outdated = {r: s.entry.hash for r, s in latest.items() if s and s.entry.kind == GRANTED and not s.current}  # fmt: skip
        alerts.approvals_stale(project, report.notebook, outdated, bundle.digest, stale)
    return ApprovalStatus(
        report.notebook, bundle, required, latest, blocking, stale, problems, report.retired,
        find_champion(project, report.notebook), production, present,
    )  # fmt: skip


def sign_off(
    project: Project,
    notebook: str | Path,
    *,
    role: str,
    actor: str,
    decision: Literal["approve", "refuse", "revoke"],
    comment: str | None = None,
) -> Entry:
    """Record an approval, a refusal or a revocation in ``role`` for the notebook's bundle."""
    roles = project.config.roles
    if role not in roles and role not in REQUIRED_ROLES["high"]:
        raise MlopsError(
            f"unknown role {role!r}", f"roles of this project: {', '.join(sorted(roles))}"
        )
    check_role_identity(project, role, actor)
    if decision == "refuse" and not (comment or "").strip():
        raise MlopsError("a refusal needs its reason", 'add --why "..."')
    status = approval_status(project.root / project.relpath(notebook), project)
    if decision == "approve":
        if status.blocking:
            raise ForbiddenError(
                f"cannot approve: checklist items fail ({', '.join(status.blocking)})",
                "see `mlops check` for what blocks and how to fix it",
            )
        check_independence(project, status.notebook, role, actor)
    kind = {"approve": GRANTED, "refuse": REFUSED, "revoke": REVOKED}[decision]
    state = notebook_state(project, notebook)
    bundle = status.bundle
    entry = project.ledger.append(
        kind,
        {
            "role": role,
            "bundle": bundle.to_json(),
            "bundle_digest": bundle.digest,
            "comment": (comment or "").strip() or None,
            "single_user": project.config.allow_anonymous,
        },
        actor=actor,
        notebook=state.ref(),
        links=[
            *(f"entry:{d}" for d in bundle.data),
            *(f"mlflow-run:{r}" for r in bundle.runs),
            *(f"prompts:/{p.split('@')[0]}" for p in bundle.prompts),
        ],
    )
    alerts.signoff_recorded(project, entry)
    return entry
