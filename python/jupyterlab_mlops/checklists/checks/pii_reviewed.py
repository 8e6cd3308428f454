"""Evidence check ``pii_reviewed``: every data version the latest run read is cleared of PII."""

from __future__ import annotations

from ...data.versions import review_status
from ..engine import Context, Evidence, Outcome, evidence_check


@evidence_check("pii_reviewed")
def pii_reviewed(context: Context) -> Outcome:
    """Every data version the latest run read is cleared: no findings, or a recorded review."""
    if not context.data_read:
        return Outcome(False, "no registered data read by a finished run of this version")
    evidence, waiting = [], []
    for version in context.data_read:
        review = review_status(context.project, version)
        evidence.append(Evidence("data", version.entry.hash, version.label))
        if review.decision is not None:
            evidence.append(
                Evidence("entry", review.decision.entry.hash, f"review: {review.decision.title}")
            )
        if not review.cleared:
            waiting.append(f"{version.label} ({len(version.findings)} finding(s))")
    if waiting:
        return Outcome(False, "not reviewed: " + ", ".join(waiting), tuple(evidence))
    return Outcome(True, "all data read is cleared", tuple(evidence))
