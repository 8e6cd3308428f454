"""Who is who: the person behind an identity, and the identity a surface acts as.

A person is listed once in ``.mlops/config`` with every identity that is theirs (git's
``Name <email>`` for the kernel and the CLI, a Jupyter username for the server); roles name
people. Everything that asks "is this the same person?" (role holders, a notebook's
authors, one person covering one role, the panel's "your sign-off") compares
:func:`person_key`\\ s, never raw identities. An identity that belongs to nobody listed stands
for itself, as in projects that list no people.
"""

from __future__ import annotations

import re

from .config import ProjectConfig
from .identity import current_actor
from .project import Project

_NAME_EMAIL = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<[^<>]*>\s*$")


def is_anonymous(actor: str) -> bool:
    """Jupyter's identity for users it does not know ("Anonymous Ananke" and the like)."""
    return not actor.strip() or actor.strip().split()[0].lower() == "anonymous"


def person_key(config: ProjectConfig, actor: str) -> str:
    """One key per person: ``person:NAME`` for an identity a listed person holds, else
    ``identity:ACTOR`` (an unlisted identity is its own person, and never a listed one)."""
    person = config.person_of(actor)
    return f"person:{person.name}" if person else f"identity:{actor}"


def member_key(config: ProjectConfig, member: str) -> str:
    """The key of a person a role lists: by their name or (as older configs do) by one of
    their identities; an unlisted identity stands for itself."""
    person = config.person_named(member)
    return f"person:{person.name}" if person else f"identity:{member}"


def display_name(config: ProjectConfig | None, actor: str) -> str:
    """How to show ``actor`` in one short line: the person's name, else the name part of
    ``Name <email>``, else the identity as it is."""
    person = config.person_of(actor) if config is not None else None
    if person is not None:
        return person.name
    match = _NAME_EMAIL.match(actor)
    return match.group("name") if match and match.group("name") else actor


def acting_identity(project: Project, server_actor: str) -> str:
    """The identity the Jupyter server acts as for its user in ``project``: in single-user
    mode Jupyter's anonymous user is the local person, the same identity the kernel and the
    CLI use (``MLOPS_USER``, else git's); otherwise the server's authenticated user."""
    if is_anonymous(server_actor) and project.config.allow_anonymous:
        return current_actor(project.root)
    return server_actor
