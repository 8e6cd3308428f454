"""Who may act in which role: identities, role holders, a notebook's authors, anonymity.

Roles (``business``, ``risk``, ``it-ops`` and any a project adds) and who may act in them come
from ``.mlops/config``; the risk tier says which roles must sign and which must be independent
of the notebook's authors. Jupyter's anonymous users hold no role unless the project allows
local single-user mode. Sign-offs, waivers, retirement and reconfiguration all ask here.
Roles name people; a person acts through any identity listed as theirs (:mod:`.people`).
"""

from __future__ import annotations

from .errors import ForbiddenError
from .git_history import git_authors
from .kinds import DATA_REGISTERED, DECISION, RUN_LOGGED
from .ledger import Entry
from .people import is_anonymous, member_key, person_key
from .project import Project

__all__ = ["is_anonymous"]  # re-exported: the surfaces ask roles about anonymity

#: roles that must sign, per EU AI Act risk tier
REQUIRED_ROLES = {
    "minimal": ["business"],
    "limited": ["business", "risk"],
    "high": ["business", "risk", "it-ops"],
}
#: roles that must be independent of the notebook's authors, per tier
INDEPENDENT_ROLES: dict[str, list[str]] = {"minimal": [], "limited": [], "high": ["risk"]}


def check_role_identity(project: Project, role: str, actor: str) -> None:
    """Refuse ``actor`` in ``role`` unless the config names them for it (anyone in
    single-user mode, where unassigned roles are open)."""
    single_user = project.config.allow_anonymous
    if is_anonymous(actor) and not single_user:
        raise ForbiddenError(
            "sign-offs need a real identity; this user is anonymous to Jupyter",
            "log in with a named account, or set allow_anonymous: true in .mlops/config for local single-user mode",
        )
    config = project.config
    members = config.roles.get(role) or []
    if members and person_key(config, actor) not in {member_key(config, m) for m in members}:
        raise ForbiddenError(
            f"{actor} may not sign off as {role}",
            f"the {role} role is held by: {', '.join(members)}; if {actor} is one of them, "
            "list it among their identities under people in .mlops/config",
        )
    if not members and not single_user:
        raise ForbiddenError(
            f"nobody is named for the {role} role yet",
            f"list who may sign as {role} under roles in .mlops/config",
        )


def roles_of(project: Project, actor: str) -> list[str]:
    """The roles ``actor`` may sign in (the rules :func:`check_role_identity` applies)."""
    roles = list(dict.fromkeys([*REQUIRED_ROLES[project.config.risk_tier], *project.config.roles]))
    held = []
    for role in roles:
        try:
            check_role_identity(project, role, actor)
        except ForbiddenError:
            continue
        held.append(role)
    return held


def check_waiver_identity(project: Project, actor: str) -> None:
    """Waivers, retirement and checklist changes are for people who hold a sign-off role
    (anyone in single-user mode)."""
    if project.config.allow_anonymous:
        return
    if is_anonymous(actor):
        raise ForbiddenError("waivers need a real identity", "log in with a named account")
    config = project.config
    holders = {member_key(config, m) for members in config.roles.values() for m in members}
    if person_key(config, actor) not in holders:
        raise ForbiddenError(
            f"{actor} holds no sign-off role, so cannot waive items or change the checklist",
            "ask someone listed under roles in .mlops/config",
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
    return authors | git_authors(project.root, notebook)


def check_independence(project: Project, notebook: str, role: str, actor: str) -> None:
    """Refuse an author of ``notebook`` in a role the tier needs independent of its authors."""
    if role not in INDEPENDENT_ROLES[project.config.risk_tier] or project.config.allow_anonymous:
        return
    config = project.config
    me = person_key(config, actor)
    authored = [a for a in notebook_authors(project, notebook) if person_key(config, a) == me]
    if authored:
        also = f" (as {', '.join(sorted(authored))})" if authored != [actor] else ""
        raise ForbiddenError(
            f"{actor} worked on {notebook}{also}, so cannot sign as {role} (independent review)",
            f"the {project.config.risk_tier} risk tier needs someone who did not author the notebook",
        )
