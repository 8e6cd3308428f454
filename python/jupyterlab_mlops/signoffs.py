"""Sign-offs as the ledger holds them: the bundle each one approves, and which still count.

An approval binds a :class:`Bundle`: the notebook fingerprint, its parameter schema, the data
versions and MLflow runs the checklist evidence points to, the checklist itself and the
kernel. Any change to the bundle makes every earlier approval stale. The current bundle is
computed by the checklist (:func:`~jupyterlab_mlops.checklists.bundle.current_bundle`);
recording a sign-off is :func:`~jupyterlab_mlops.approvals.sign_off`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .canonical import sha256_hex
from .kinds import GRANTED, REFUSED, REVOKED, SIGNOFF_KINDS
from .ledger import Entry
from .people import display_name, person_key
from .project import Project
from .roles import INDEPENDENT_ROLES, REQUIRED_ROLES, notebook_authors


@dataclass(frozen=True)
class Bundle:
    """What an approval approves."""

    fingerprint: str
    parameters: dict[str, str]
    data: list[str]  # data version entry hashes
    runs: list[str]  # MLflow run ids
    checklist: dict[str, str] = field(default_factory=dict)  # template, tier, digest of its files
    kernel: str = ""  # the kernelspec that runs it (the fingerprint holds only the language)
    prompts: list[str] = field(default_factory=list)  # ``NAME/VERSION@sha256`` the run formatted

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "fingerprint": self.fingerprint,
            "parameters": self.parameters,
            "data": self.data,
            "runs": self.runs,
            "checklist": self.checklist,
            "kernel": self.kernel,
        }
        if self.prompts:  # only when there are any: bundles without prompts keep their digest
            found["prompts"] = self.prompts
        return found

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
            "prompts": "the prompt versions",
        }
        return [labels[k] for k in labels if other.get(k) != now.get(k)]


@dataclass(frozen=True)
class SignOff:
    entry: Entry
    current: bool  # bound to the notebook's current bundle
    person: str = ""  # who signed (:func:`~.people.person_key`; default: the identity)
    name: str = ""  # how to show them in one short line (default: the identity)

    @classmethod
    def of(cls, project: Project, entry: Entry, current: bool) -> SignOff:
        """The sign-off ``entry`` with the person behind its identity."""
        config, actor = project.config, entry.actor
        return cls(entry, current, person_key(config, actor), display_name(config, actor))

    def to_json(self) -> dict[str, Any]:
        p = self.entry.payload
        return {
            "id": self.entry.hash,
            "kind": {GRANTED: "approved", REFUSED: "refused", REVOKED: "revoked"}[self.entry.kind],
            "role": p["role"],
            "actor": self.entry.actor,
            "person": self.person or f"identity:{self.entry.actor}",
            "name": self.name or self.entry.actor,
            "time": self.entry.time,
            "comment": p.get("comment"),
            "fingerprint": p["bundle"]["fingerprint"],
            "current": self.current,
        }


def latest_signoffs(
    project: Project, notebook: str, bundle: Bundle
) -> tuple[dict[str, SignOff | None], list[str], list[str]]:
    """The latest sign-off in each role (for display), what changed since stale approvals,
    and what keeps the sign-offs from counting (empty when every required role is covered).

    Each person's latest word in a role counts, whichever of their identities gave it: a
    refusal stands (in any role) until that person approves or revokes; an approval counts
    only for the current bundle, only from someone who is not (or no longer) an author (by
    any of their identities) where the tier needs independence, and one person covers one
    required role (except in single-user mode).
    """
    single_user = project.config.allow_anonymous
    tier = project.config.risk_tier
    config = project.config
    latest: dict[str, SignOff | None] = dict.fromkeys(REQUIRED_ROLES[tier])
    by_person: dict[tuple[str, str], SignOff] = {}
    stale: list[str] = []
    entries = project.ledger.entries(notebook=notebook)
    needs_independence = bool(INDEPENDENT_ROLES[tier]) and not single_user
    authors = (
        {person_key(config, a) for a in notebook_authors(project, notebook, entries)}
        if needs_independence
        else set()
    )
    for entry in entries:
        if entry.kind not in SIGNOFF_KINDS:
            continue
        signoff = SignOff.of(project, entry, entry.payload.get("bundle_digest") == bundle.digest)
        latest[entry.payload["role"]] = signoff
        by_person[(entry.payload["role"], signoff.person)] = signoff
        if entry.kind == GRANTED and not signoff.current:
            stale = bundle.changes_from(entry.payload["bundle"])
    problems = [
        f"{role} refused by {s.name}: {s.entry.payload.get('comment')}"
        for (role, _), s in by_person.items()
        if s.entry.kind == REFUSED
    ]
    used: set[str] = set()
    for role in REQUIRED_ROLES[tier]:
        granted = [s for (r, _), s in by_person.items() if r == role and s.entry.kind == GRANTED]
        valid = [s for s in granted if s.current]
        if role in INDEPENDENT_ROLES[tier] and not single_user:
            valid = [s for s in valid if s.person not in authors]
        if not single_user:
            valid = [s for s in valid if s.person not in used]
        if valid:
            used.add(valid[0].person)
        elif any(s.current for s in granted):
            problems.append(
                f"the {role} sign-off does not count (its signer is an author or signs another role)"
            )
        elif granted:
            problems.append(f"the {role} sign-off is stale")
        else:
            problems.append(f"no {role} sign-off")
    return latest, stale, problems
