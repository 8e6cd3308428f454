"""The panel's document for one notebook: everything the side panel shows, in one call.

Its project, fingerprint and decisions (:mod:`.status`), who is looking and the roles they
may sign in (:mod:`.roles`), the readiness report, the approvals and the timeline. The REST
handler answers it as it is; nothing here knows about HTTP.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .approvals import approval_status
from .checklists.evaluate import check_notebook
from .paths import relative_to_root
from .roles import is_anonymous, roles_of
from .status import notebook_status
from .timeline import timeline


def panel_document(notebook: Path, actor: str, root: Path) -> dict[str, Any]:
    """The panel's view of the saved ``notebook`` for ``actor``; projects are looked for no
    higher than ``root`` (the server's root), and the project's root is given relative to it."""
    status = notebook_status(notebook, stop=root)
    body = status.to_json()
    project = status.project
    body["me"] = {
        "identity": actor,
        "anonymous": is_anonymous(actor),
        "single_user": bool(project and project.config.allow_anonymous),
        "roles": roles_of(project, actor) if project else [],
    }
    body["report"] = body["approvals"] = None
    body["timeline"] = []
    if project is not None:
        body["project"]["root"] = relative_to_root(root, project.root)
        report = check_notebook(project, notebook)
        body["report"] = report.to_json()
        body["approvals"] = approval_status(notebook, project, report).to_json()
        entries = project.ledger.entries(notebook=report.notebook)
        body["timeline"] = timeline(entries, status.notebook)
    return body
