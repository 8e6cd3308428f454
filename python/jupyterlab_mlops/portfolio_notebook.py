"""One notebook's row in the portfolio: its stage and the flags a risk manager scans for.

Flags (``FLAGS``): failing checklist items, stale approvals, review requests pending per role,
drift flagged by the last batch run, the last batch run not succeeding, and the generated
documents stale or with sections missing (their coverage meter's numbers, as the generation
recorded them).
One readiness evaluation per notebook; everything else is read from the ledger it already holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .approvals import approval_status
from .checklists.evaluate import Report, check_notebook
from .documentation.api import documentation_status
from .kinds import BATCH_RUN
from .ledger import Entry
from .production import needs_review
from .project import Project
from .reviews import pending_requests

#: every flag a notebook can raise, in the order the portfolio shows them
FLAGS = {
    "failing": "failing checklist items",
    "stale": "stale approvals",
    "review": "review requested",
    "drift": "needs review: drift flagged in the last batch run",
    "batch_failed": "last batch run failed",
    "docs_stale": "documentation stale",
    "docs_incomplete": "documentation incomplete",
}


def notebook_row(project: Project, path: Path) -> tuple[dict[str, Any], list[str]]:
    """The portfolio row of the saved notebook at ``path`` (its ``path`` project-relative), and
    the project-relative data paths its evaluation read (what else can change the answer)."""
    report = check_notebook(project, path)
    status = approval_status(path, project, report)
    documents = documentation_status(project, path, status.bundle)
    entries = project.ledger.entries(notebook=report.notebook)
    failing = [r.item.id for r in report.results if r.status == "fail"]
    row: dict[str, Any] = {
        "path": report.notebook,
        "stage": report.stage,
        "failing": len(failing),
        "failing_items": failing,
        "blocking_approval": [r.item.id for r in report.blocking("approval")],
        "stale": bool(status.stale_because),
        "stale_because": list(status.stale_because),
        "may_run": status.may_run,
        "reviews": pending_reviews(project, report.notebook, entries),
        "batch": last_batch(entries),
        "needs_review": needs_review(project, report.notebook, status),
        "documentation": _documentation(documents.to_json()),
        "last_activity": entries[-1].time if entries else None,
        "error": None,
    }
    row["flags"] = flags_of(row)
    return row, _data_read(report)


def pending_reviews(project: Project, notebook: str, entries: list[Entry]) -> list[dict[str, Any]]:
    """Review requests still waiting for an answer, one per role (``role``, ``id``, ``time``,
    ``requester``, ``comment``), oldest first; ``entries``: the notebook's, already read."""
    return [r.to_json() for r in pending_requests(project, notebook, entries)]


def last_batch(entries: list[Entry]) -> dict[str, Any] | None:
    """The newest batch run among ``entries``: its id, status, time and the drift it flagged
    (``dataset.column`` with the PSI, or the problem when it could not be measured)."""
    runs = [e for e in entries if e.kind == BATCH_RUN]
    if not runs:
        return None
    entry = runs[-1]
    drift = entry.payload.get("drift") or {}
    flagged = [f for f in drift.get("flagged") or [] if isinstance(f, dict)]
    return {
        "id": entry.hash,
        "status": str(entry.payload.get("status", "")),
        "time": entry.time,
        "drift_threshold": drift.get("threshold"),
        "drift": [
            {
                "dataset": str(f.get("dataset", "")),
                "column": str(f.get("column", "")),
                "psi": f.get("psi"),
                "problem": f.get("problem"),
            }
            for f in flagged
        ],
    }


def _documentation(status: dict[str, Any]) -> dict[str, Any]:
    """Generated? stale? and per document its coverage: ``covered`` of ``total`` sections,
    with the ``missing`` ones."""
    documents = {}
    for kind, coverage in status["documents"].items():
        missing = list(coverage.get("missing") or [])
        total = int(coverage.get("total") or 0)
        documents[kind] = {"covered": total - len(missing), "total": total, "missing": missing}
    return {
        "generated": status["generated"],
        "time": status["time"],
        "stale": status["stale"],
        "documents": documents,
    }


def flags_of(row: dict[str, Any]) -> list[str]:
    """The flags a row raises, in ``FLAGS`` order; none for a retired notebook (nothing about
    it needs anyone any more). Documents never generated raise none: the checklist says when
    the tier needs them."""
    if row["stage"] == "retired":
        return []
    docs = row["documentation"]
    batch = row["batch"]
    raised = {
        "failing": row["failing"] > 0,
        "stale": row["stale"],
        "review": bool(row["reviews"]),
        "drift": row.get("needs_review") is not None,  # cleared once approved again
        "batch_failed": bool(batch and batch["status"] != "succeeded"),
        "docs_stale": docs["stale"] is True,
        "docs_incomplete": any(d["covered"] < d["total"] for d in docs["documents"].values()),
    }
    return [flag for flag in FLAGS if raised[flag]]


def _data_read(report: Report) -> list[str]:
    if report.context is None:
        return []
    return sorted({v.path for v in report.context.data_read})
