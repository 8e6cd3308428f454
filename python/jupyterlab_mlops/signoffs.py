"""Sign-offs as the ledger holds them: the bundle each one approves, and which still count.

An approval binds a :class:`Bundle`: the notebook fingerprint, its parameter schema, the data
versions and MLflow runs the checklist evidence points to, the checklist itself and the
kernel. Any change to the bundle makes every earlier approval stale. The current bundle is
computed by the checklist (:func:`~jupyterlab_mlops.checklists.bundle.current_bundle`);
recording a sign-off is :func:`~jupyterlab_mlops.approvals.sign_off`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .canonical import sha256_hex
from .kinds import GRANTED, REFUSED, REVOKED, SIGNOFF_KINDS
from .ledger import Entry
from .people import display_name, person_key
from .project import Project
from .roles import INDEPENDENT_ROLES, REQUIRED_ROLES, notebook_authors

#: what a retrained bundle may change and still run the same code
_EVIDENCE = ("data", "runs", "prompts")


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

    @classmethod
    def from_json(cls, found: Any) -> Bundle | None:
        """The bundle a sign-off recorded (None when it is not one)."""
        if not isinstance(found, dict):
            return None
        try:
            return cls(
                fingerprint=str(found["fingerprint"]),
                parameters=dict(found["parameters"]),
                data=list(found["data"]),
                runs=list(found["runs"]),
                checklist=dict(found.get("checklist") or {}),
                kernel=str(found.get("kernel") or ""),
                prompts=list(found.get("prompts") or []),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def same_code(self, other: Bundle) -> bool:
        """Whether ``other`` differs from this bundle at most in its data versions, runs and
        prompt versions (the same notebook code, parameters, kernel and checklist)."""
        return not other.changes_from(self.to_json(), code_only=True)

    @property
    def digest(self) -> str:
        return sha256_hex(self.to_json())

    def changes_from(self, other: dict[str, Any], *, code_only: bool = False) -> list[str]:
        """What differs from an earlier bundle, in words (``code_only``: leaving out the data
        versions, runs and prompt versions)."""
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
        keys = [k for k in labels if not code_only or k not in _EVIDENCE]
        return [labels[k] for k in keys if other.get(k) != now.get(k)]


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
    entries = project.ledger.entries(notebook=notebook)
    latest: dict[str, SignOff | None] = dict.fromkeys(REQUIRED_ROLES[project.config.risk_tier])
    by_person: dict[tuple[str, str], SignOff] = {}
    stale: list[str] = []
    for entry in entries:
        if entry.kind not in SIGNOFF_KINDS:
            continue
        signoff = SignOff.of(project, entry, entry.payload.get("bundle_digest") == bundle.digest)
        latest[entry.payload["role"]] = signoff
        by_person[(entry.payload["role"], signoff.person)] = signoff
        if entry.kind == GRANTED and not signoff.current:
            stale = bundle.changes_from(entry.payload["bundle"])
    problems, _ = _coverage(project, by_person, _Authors(project, notebook, entries))
    return latest, stale, problems


@dataclass(frozen=True)
class Champion:
    """The newest bundle every required role approved (and nobody withdrew since): what
    production runs while a newer bundle, the challenger, awaits its sign-offs."""

    bundle: Bundle
    approvals: dict[str, SignOff]  # required role -> the approval that counts

    @property
    def approved_at(self) -> str:
        """When the last of its counting approvals was given (it became the champion)."""
        return max(s.entry.time for s in self.approvals.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "bundle_digest": self.bundle.digest,
            "approved_at": self.approved_at,
            "approved_by_roles": {r: s.name for r, s in self.approvals.items()},
            "approvals": [s.entry.hash for s in self.approvals.values()],
        }


#: how many of a notebook's approved bundles, newest first, are looked at for its champion
CHAMPION_SEARCH = 50


def find_champion(project: Project, notebook: str) -> Champion | None:
    """The newest bundle of ``notebook`` whose approvals still count in every required role,
    by :func:`latest_signoffs`'s rules, except that approving a newer bundle does not withdraw
    a person's approval of this one (signing the challenger in one role keeps the champion);
    a later revocation in that role, or a refusal (in any role) that still stands, does."""
    entries = project.ledger.entries(notebook=notebook)
    authors = _Authors(project, notebook, entries)
    words = [SignOff.of(project, e, False) for e in entries if e.kind in SIGNOFF_KINDS]
    seen: set[str] = set()
    for entry in reversed(entries):
        digest = entry.payload.get("bundle_digest")
        if entry.kind != GRANTED or not isinstance(digest, str) or digest in seen:
            continue
        seen.add(digest)
        if len(seen) > CHAMPION_SEARCH:
            break
        bundle = Bundle.from_json(entry.payload.get("bundle"))
        if bundle is None or bundle.digest != digest:
            continue  # written by an older version: it cannot be run as recorded
        problems, valid = _coverage(project, _words_for(words, digest), authors)
        if not problems:
            return Champion(bundle, valid)
    return None


def _words_for(words: list[SignOff], digest: str) -> dict[tuple[str, str], SignOff]:
    """Each (role, person)'s word (of the sign-offs ``words``, oldest first) that bears on
    the bundle ``digest``: their approval of it, unless they revoked or refused since; a
    refusal that still stands."""
    by_person: dict[tuple[str, str], SignOff] = {}
    for word in words:
        entry = word.entry
        signoff = replace(word, current=entry.payload.get("bundle_digest") == digest)
        key = (entry.payload["role"], signoff.person)
        if entry.kind == GRANTED and not signoff.current:
            held = by_person.get(key)
            if held is None or held.entry.kind != GRANTED:
                by_person.pop(key, None)  # approving another bundle ends a refusal
            continue  # ... but does not withdraw an approval of this one
        by_person[key] = signoff
    return by_person


class _Authors:
    """The notebook's authors as person keys, read once and only when independence counts."""

    def __init__(self, project: Project, notebook: str, entries: list[Entry]) -> None:
        self.project, self.notebook, self.entries = project, notebook, entries
        self._keys: set[str] | None = None

    def __contains__(self, person: object) -> bool:
        if self._keys is None:
            config = self.project.config
            found = notebook_authors(self.project, self.notebook, self.entries)
            self._keys = {person_key(config, a) for a in found}
        return person in self._keys


def _coverage(
    project: Project, by_person: dict[tuple[str, str], SignOff], authors: _Authors
) -> tuple[list[str], dict[str, SignOff]]:
    """What keeps the words ``by_person`` from covering every required role, and the
    approval that counts in each role covered."""
    single_user = project.config.allow_anonymous
    tier = project.config.risk_tier
    problems = [
        f"{role} refused by {s.name}: {s.entry.payload.get('comment')}"
        for (role, _), s in by_person.items()
        if s.entry.kind == REFUSED
    ]
    used: set[str] = set()
    counted: dict[str, SignOff] = {}
    for role in REQUIRED_ROLES[tier]:
        granted = [s for (r, _), s in by_person.items() if r == role and s.entry.kind == GRANTED]
        valid = [s for s in granted if s.current]
        if role in INDEPENDENT_ROLES[tier] and not single_user:
            valid = [s for s in valid if s.person not in authors]
        if not single_user:
            valid = [s for s in valid if s.person not in used]
        if valid:
            used.add(valid[0].person)
            counted[role] = valid[0]
        elif any(s.current for s in granted):
            problems.append(
                f"the {role} sign-off does not count (its signer is an author or signs another role)"
            )
        elif granted:
            problems.append(f"the {role} sign-off is stale")
        else:
            problems.append(f"no {role} sign-off")
    return problems, counted
