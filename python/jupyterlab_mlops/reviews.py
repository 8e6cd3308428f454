"""Review requests: asking the people who hold a role to look at a notebook.

A request is a ``review.requested`` entry naming the role. It stays pending, in the panel and
the portfolio of those who hold the role, until a sign-off or a refusal in that role answers it
(a revocation does not: it withdraws an answer, it does not give one). Asking again while a
request in the role is pending is refused, so a role holder sees each request once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import alerts
from .errors import ForbiddenError, MlopsError
from .kinds import GRANTED, REFUSED, REVIEW_REQUESTED
from .ledger import Entry
from .notebooks import notebook_state
from .people import is_anonymous
from .project import Project
from .roles import REQUIRED_ROLES

MAX_COMMENT = 2000
_ANSWERS = (GRANTED, REFUSED)


@dataclass(frozen=True)
class ReviewRequest:
    """A pending request for a review in one role."""

    entry: Entry

    @property
    def role(self) -> str:
        return str(self.entry.payload["role"])

    @property
    def notebook(self) -> str:
        return str((self.entry.notebook or {}).get("path", ""))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.entry.hash,
            "role": self.role,
            "notebook": self.notebook,
            "requester": self.entry.actor,
            "time": self.entry.time,
            "comment": self.entry.payload.get("comment"),
        }


def sign_off_roles(project: Project) -> list[str]:
    """The roles one can sign in, so be asked to review in: the tier's, then the project's."""
    required = REQUIRED_ROLES[project.config.risk_tier]
    return list(dict.fromkeys([*required, *project.config.roles]))


def request_review(
    project: Project, notebook: str | Path, *, role: str, actor: str, comment: str | None = None
) -> Entry:
    """Ask the holders of ``role`` to review the saved notebook; returns the entry."""
    roles = sign_off_roles(project)
    if role not in roles:
        raise MlopsError(
            f"unknown role {role[:64]!r}", f"roles of this project: {', '.join(roles)}"
        )
    if is_anonymous(actor) and not project.config.allow_anonymous:
        raise ForbiddenError(
            "review requests need a real identity; this user is anonymous to Jupyter",
            "log in with a named account",
        )
    text = (comment or "").strip() or None
    if text is not None and (
        len(text) > MAX_COMMENT or any(not c.isprintable() for c in text.replace("\n", " "))
    ):
        raise MlopsError(
            f"the comment must be printable text of at most {MAX_COMMENT} characters",
            "shorten it or remove control characters",
        )
    state = notebook_state(project, notebook)

    def waiting() -> Entry | None:  # asked under the ledger's lock: two at once record one
        return next(
            (r.entry for r in pending_requests(project, state.path) if r.role == role), None
        )

    entry, created = project.ledger.append_once(
        REVIEW_REQUESTED, {"role": role, "comment": text}, actor=actor, notebook=state.ref(),
        existing=waiting,
    )  # fmt: skip
    if not created:
        raise MlopsError(
            f"a {role} review of {state.path} was already requested by {entry.actor} "
            f"at {entry.time[:16].replace('T', ' ')}",
            "it stays pending until someone signs off or refuses in that role",
        )
    alerts.review_requested(project, entry)  # never raises
    return entry


def pending_requests(
    project: Project, notebook: str | None = None, entries: list[Entry] | None = None
) -> list[ReviewRequest]:
    """Requests not yet answered, oldest first: of ``notebook`` (project-relative), or of
    every notebook of the project. ``entries``: that notebook's entries, already read."""
    if entries is None:
        entries = project.ledger.entries(notebook=notebook)
    pending: dict[tuple[str, str], ReviewRequest] = {}
    for entry in entries:
        path = str((entry.notebook or {}).get("path", ""))
        if entry.kind == REVIEW_REQUESTED:
            request = ReviewRequest(entry)
            pending.setdefault((path, request.role), request)
        elif entry.kind in _ANSWERS:
            pending.pop((path, str(entry.payload.get("role"))), None)
    return list(pending.values())
