"""Sign-offs bound to the exact notebook version they approve, and whether a notebook may run.

An approval binds a *bundle*: the notebook fingerprint, its parameter schema, and the data
versions and MLflow runs the checklist evidence points to. Any change to the bundle makes
every earlier approval stale. Who may act in a role comes from ``.mlops/config``; the risk tier
says which roles must sign. Separation of duties: for the high tier, someone who worked on the
notebook (recorded its runs, decisions or data) cannot sign in the independent ``risk`` role.
Jupyter's anonymous users are refused unless the project allows local single-user mode.

:func:`approval_status` is the one function the panel, the CLI and batch execution use to
decide whether a notebook may run in production.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .canonical import sha256_hex
from .errors import ForbiddenError, MlopsError
from .ledger import Entry
from .project import Project
from .kinds import DATA_REGISTERED, DECISION, GRANTED, REFUSED, REVOKED, RUN_LOGGED, SIGNOFF_KINDS

#: roles that must sign, per EU AI Act risk tier
REQUIRED_ROLES = {
    "minimal": ["business"],
    "limited": ["business", "risk"],
    "high": ["business", "risk", "it-ops"],
}
#: roles that must be independent of the notebook's authors, per tier
INDEPENDENT_ROLES = {"minimal": [], "limited": [], "high": ["risk"]}


def is_anonymous(actor: str) -> bool:
    """Jupyter's identity for users it does not know ("Anonymous Ananke" and the like)."""
    return not actor.strip() or actor.strip().split()[0].lower() == "anonymous"


@dataclass(frozen=True)
class Bundle:
    """What an approval approves."""

    fingerprint: str
    parameters: dict[str, str]
    data: list[str]  # data version entry hashes
    runs: list[str]  # MLflow run ids
    checklist: dict[str, str] = field(default_factory=dict)  # template, tier, digest of its files
    kernel: str = ""  # the kernelspec that runs it (the fingerprint holds only the language)

    def to_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "parameters": self.parameters,
            "data": self.data,
            "runs": self.runs,
            "checklist": self.checklist,
            "kernel": self.kernel,
        }

    @property
    def digest(self) -> str:
        return sha256_hex(self.to_json())

    def changes_from(self, other: dict[str, Any]) -> list[str]:
        """What differs from an earlier bundle, in words."""
        now = self.to_json()
        labels = {
            "fingerprint": "the notebook's code",
            "parameters": "the parameter schema",
            "data": "the data versions",
            "runs": "the runs",
            "checklist": "the checklist (template, risk tier or its items)",
            "kernel": "the kernel",
        }
        return [labels[k] for k in labels if other.get(k) != now[k]]


def current_bundle(project: Project, notebook: str | Path, context: Any = None) -> Bundle:
    """The bundle the notebook would be approved with now. ``context`` (a checklist
    :class:`~.checklists.checks.Context` of this notebook) saves reading everything again."""
    from .checklists.checks import Context
    from .checklists.params import parameter_schema
    from .checklists.template import load_template, template_dirs
    from .fingerprint import read_notebook
    from .notebooks import notebook_state

    if context is None:
        state = notebook_state(project, notebook)
        context = Context(project, state, read_notebook(project.root / state.path))
    config = project.config
    files = context.cache.get("template_files")
    if files is None:
        _, files = load_template(
            config.template, template_dirs(project.root, config.checklist_dirs)
        )
    runs = context.runs
    return Bundle(
        fingerprint=context.state.fingerprint,
        parameters=parameter_schema(context.notebook).described(),
        data=sorted(v.entry.hash for v in context.data_read),
        runs=[runs[0].payload["run_id"]] if runs else [],
        checklist={
            "template": config.template,
            "risk_tier": config.risk_tier,
            "digest": sha256_hex([f.read_text(encoding="utf-8") for f in files]),
        },
        kernel=str(
            ((context.notebook.get("metadata") or {}).get("kernelspec") or {}).get("name")
            or "python3"
        ),
    )


@dataclass(frozen=True)
class SignOff:
    entry: Entry
    current: bool  # bound to the notebook's current bundle

    def to_json(self) -> dict[str, Any]:
        p = self.entry.payload
        return {
            "id": self.entry.hash,
            "kind": {GRANTED: "approved", REFUSED: "refused", REVOKED: "revoked"}[self.entry.kind],
            "role": p["role"],
            "actor": self.entry.actor,
            "time": self.entry.time,
            "comment": p.get("comment"),
            "fingerprint": p["bundle"]["fingerprint"],
            "current": self.current,
        }


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

    @property
    def approved_roles(self) -> list[str]:
        return [r for r, s in self.latest.items() if s and s.entry.kind == GRANTED and s.current]

    @property
    def may_run(self) -> bool:
        return not self.blocking and not self.signoff_problems and self.retired is None

    def problems(self) -> list[str]:
        retired = (
            [f"retired by {self.retired.actor} ({self.retired.payload.get('why')})"]
            if self.retired is not None
            else []
        )
        items = [f"checklist item {item} fails" for item in self.blocking]
        return retired + items + self.signoff_problems

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
    path: str | Path, project: Project | None = None, report: Any = None, *,
    production: bool = False,
) -> ApprovalStatus:  # fmt: skip
    """May the notebook at ``path`` run in production? Every surface asks this function.

    ``report`` (the notebook's :func:`~.checklists.evaluate.check_notebook`, just made) saves
    evaluating the checklist twice. ``production``: asked by a batch run, which reads
    today's data (the data on disk need not be the training version any more)."""
    from .checklists.evaluate import check_notebook
    from .project import find_project

    project = project or find_project(path)
    if report is None:
        report = check_notebook(project, path, production=production)
    bundle = current_bundle(project, path, report.context)
    latest, stale, problems = latest_signoffs(project, report.notebook, bundle)
    blocking = [r.item.id for r in report.blocking("approval")]
    required = REQUIRED_ROLES[project.config.risk_tier]
    return ApprovalStatus(
        report.notebook, bundle, required, latest, blocking, stale, problems, report.retired
    )


def latest_signoffs(
    project: Project, notebook: str, bundle: Bundle
) -> tuple[dict[str, SignOff | None], list[str], list[str]]:
    """The latest sign-off in each role (for display), what changed since stale approvals,
    and what keeps the sign-offs from counting (empty when every required role is covered).

    Each person's latest word in a role counts: a refusal stands (in any role) until that
    person approves or revokes; an approval counts only for the current bundle, only from
    someone who is not (or no longer) an author where the tier needs independence, and one
    person covers one required role (except in single-user mode).
    """
    single_user = project.config.allow_anonymous
    tier = project.config.risk_tier
    latest: dict[str, SignOff | None] = dict.fromkeys(REQUIRED_ROLES[tier])
    by_person: dict[tuple[str, str], SignOff] = {}
    stale: list[str] = []
    entries = project.ledger.entries(notebook=notebook)
    needs_independence = bool(INDEPENDENT_ROLES[tier]) and not single_user
    authors = notebook_authors(project, notebook, entries) if needs_independence else set()
    for entry in entries:
        if entry.kind not in SIGNOFF_KINDS:
            continue
        signoff = SignOff(entry, entry.payload.get("bundle_digest") == bundle.digest)
        latest[entry.payload["role"]] = signoff
        by_person[(entry.payload["role"], entry.actor)] = signoff
        if entry.kind == GRANTED and not signoff.current:
            stale = bundle.changes_from(entry.payload["bundle"])
    problems = [
        f"{role} refused by {actor}: {s.entry.payload.get('comment')}"
        for (role, actor), s in by_person.items()
        if s.entry.kind == REFUSED
    ]
    used: set[str] = set()
    for role in REQUIRED_ROLES[tier]:
        granted = [s for (r, _), s in by_person.items() if r == role and s.entry.kind == GRANTED]
        valid = [s for s in granted if s.current]
        if role in INDEPENDENT_ROLES[tier] and not single_user:
            valid = [s for s in valid if s.entry.actor not in authors]
        if not single_user:
            valid = [s for s in valid if s.entry.actor not in used]
        if valid:
            used.add(valid[0].entry.actor)
        elif any(s.current for s in granted):
            problems.append(
                f"the {role} sign-off does not count (its signer is an author or signs another role)"
            )
        elif granted:
            problems.append(f"the {role} sign-off is stale")
        else:
            problems.append(f"no {role} sign-off")
    return latest, stale, problems


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
    _check_identity(project, role, actor)
    if decision == "refuse" and not (comment or "").strip():
        raise MlopsError("a refusal needs its reason", 'add --why "..."')
    status = approval_status(project.root / project.relpath(notebook), project)
    if decision == "approve":
        if status.blocking:
            raise ForbiddenError(
                f"cannot approve: checklist items fail ({', '.join(status.blocking)})",
                "see `mlops check` for what blocks and how to fix it",
            )
        _check_independence(project, status.notebook, role, actor)
    kind = {"approve": GRANTED, "refuse": REFUSED, "revoke": REVOKED}[decision]
    from .notebooks import notebook_state

    state = notebook_state(project, notebook)
    bundle = status.bundle
    return project.ledger.append(
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
        links=[*(f"entry:{d}" for d in bundle.data), *(f"mlflow-run:{r}" for r in bundle.runs)],
    )


def roles_of(project: Project, actor: str) -> list[str]:
    """The roles ``actor`` may sign in (the same rules :func:`sign_off` applies)."""
    roles = list(dict.fromkeys([*REQUIRED_ROLES[project.config.risk_tier], *project.config.roles]))
    held = []
    for role in roles:
        try:
            _check_identity(project, role, actor)
        except ForbiddenError:
            continue
        held.append(role)
    return held


def _check_identity(project: Project, role: str, actor: str) -> None:
    single_user = project.config.allow_anonymous
    if is_anonymous(actor) and not single_user:
        raise ForbiddenError(
            "sign-offs need a real identity; this user is anonymous to Jupyter",
            "log in with a named account, or set allow_anonymous: true in .mlops/config for local single-user mode",
        )
    members = project.config.roles.get(role) or []
    if members and actor not in members:
        raise ForbiddenError(
            f"{actor} may not sign off as {role}",
            f"the {role} role is held by: {', '.join(members)}",
        )
    if not members and not single_user:
        raise ForbiddenError(
            f"nobody is named for the {role} role yet",
            f"list who may sign as {role} under roles in .mlops/config",
        )


def notebook_authors(
    project: Project, notebook: str, entries: list[Entry] | None = None
) -> set[str]:
    """Who worked on the notebook: recorded its runs (outside batch jobs), decisions or data,
    or committed changes to it in git (as ``name <email>``, the form identities take)."""
    if entries is None:
        entries = project.ledger.entries(notebook=notebook)
    authors = {
        e.actor
        for e in entries
        if e.kind in (DECISION, DATA_REGISTERED)
        or (e.kind == RUN_LOGGED and not e.payload.get("batch_id"))
    }
    return authors | _git_authors(project.root, notebook)


def _git_authors(root: Path, notebook: str) -> set[str]:
    import subprocess

    try:
        done = subprocess.run(
            ["git", "log", "--format=%an <%ae>", "--", notebook],
            cwd=root, capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return set()
    return (
        {line.strip() for line in done.stdout.splitlines() if line.strip()}
        if done.returncode == 0
        else set()
    )


def _check_independence(project: Project, notebook: str, role: str, actor: str) -> None:
    if role not in INDEPENDENT_ROLES[project.config.risk_tier] or project.config.allow_anonymous:
        return
    if actor in notebook_authors(project, notebook):
        raise ForbiddenError(
            f"{actor} worked on {notebook}, so cannot sign as {role} (independent review)",
            f"the {project.config.risk_tier} risk tier needs someone who did not author the notebook",
        )


def check_waiver_identity(project: Project, actor: str) -> None:
    """Waivers are for people who hold a sign-off role (anyone in single-user mode)."""
    if project.config.allow_anonymous:
        return
    if is_anonymous(actor):
        raise ForbiddenError("waivers need a real identity", "log in with a named account")
    holders = {member for members in project.config.roles.values() for member in members}
    if actor not in holders:
        raise ForbiddenError(
            f"{actor} holds no sign-off role, so cannot waive items or change the checklist",
            "ask someone listed under roles in .mlops/config",
        )
