"""The panel's document for one notebook: everything the side panel shows, in one call.

Its project, fingerprint and decisions (:mod:`.status`), who is looking and the roles they
may sign in (:mod:`.roles`), the readiness report, the approvals, whether drift needs a review
and the champion and challenger (:mod:`.production`), the generated documents and the
timeline. The REST handler answers it as it is; nothing here knows about HTTP.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .approvals import approval_status
from .checklists.evaluate import check_notebook
from .config import ProjectConfig, context_form
from .documentation.api import documentation_status
from .paths import relative_to_root
from .people import acting_identity, display_name, person_key
from .production import needs_review, production_document
from .reviews import pending_requests
from .roles import is_anonymous, roles_of
from .status import notebook_status
from .timeline import timeline


def panel_document(notebook: Path, actor: str, root: Path) -> dict[str, Any]:
    """The panel's view of the saved ``notebook`` for the server's user ``actor``; projects
    are looked for no higher than ``root`` (the server's root), and the project's root is
    given relative to it. ``me`` says who the user acts as, in one short line (``name``), and
    ``names`` how to show every identity the document mentions."""
    status = notebook_status(notebook, stop=root)
    body = status.to_json()
    project = status.project
    config = project.config if project else None
    if project is not None:
        actor = acting_identity(project, actor)
    body["me"] = {
        "identity": actor,
        "name": display_name(config, actor),
        "person": person_key(config, actor) if config else f"identity:{actor}",
        "anonymous": is_anonymous(actor),
        "single_user": bool(config and config.allow_anonymous),
        "roles": roles_of(project, actor) if project else [],
    }
    body["report"] = body["approvals"] = body["documentation"] = None
    body["timeline"], body["review_requests"] = [], []
    body["needs_review"] = body["production"] = None
    if project is not None:
        body["project"]["root"] = relative_to_root(root, project.root)
        body["project"]["context_form"] = list(context_form())
        report = check_notebook(project, notebook)
        body["report"] = report.to_json()
        approvals = approval_status(notebook, project, report)
        body["approvals"] = approvals.to_json()
        body["needs_review"] = needs_review(project, report.notebook, approvals)
        body["production"] = production_document(project, approvals)
        documents = documentation_status(project, notebook, approvals.bundle)
        body["documentation"] = documents.to_json()
        entries = project.ledger.entries(notebook=report.notebook)
        body["timeline"] = timeline(entries, status.notebook)
        requests = pending_requests(project, report.notebook, entries)
        body["review_requests"] = [r.to_json() for r in requests]
    body["names"] = _names(config, body)
    return body


def _names(config: ProjectConfig | None, body: dict[str, Any]) -> dict[str, str]:
    """Identity -> short name, for every actor the document shows."""
    actors = {body["me"]["identity"]}
    actors |= {row["actor"] for row in body["timeline"]}
    actors |= {d["actor"] for d in body.get("decisions") or []}
    actors |= {r["requester"] for r in body.get("review_requests") or []}
    for signoff in ((body.get("approvals") or {}).get("signoffs") or {}).values():
        if signoff:
            actors.add(signoff["actor"])
    for item in (body.get("report") or {}).get("items") or []:
        if item.get("waiver"):
            actors.add(item["waiver"]["actor"])
    generated_by = (body.get("documentation") or {}).get("actor")
    if generated_by:
        actors.add(generated_by)
    retired = (body.get("report") or {}).get("retired")
    if retired:
        actors.add(retired["actor"])
    return {actor: display_name(config, actor) for actor in sorted(actors)}
