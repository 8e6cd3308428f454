"""Evidence check ``documentation_complete``: the notebook's newest generated documentation
(a ``documentation.generated`` entry) describes its CURRENT bundle, and its Annex IV coverage
leaves no point missing. Only the entry's payload is read (the checklist does not import the
documentation feature, which sits above it)."""

from __future__ import annotations

from ...kinds import DOCUMENTATION_GENERATED
from ..bundle import current_bundle
from ..engine import Context, Evidence, Outcome, evidence_check

DOCUMENT = "annex-iv"


@evidence_check("documentation_complete")
def documentation_complete(context: Context) -> Outcome:
    """The newest generated documents are of this bundle and no Annex IV point is missing."""
    path = context.state.path
    entries = context.project.ledger.entries(DOCUMENTATION_GENERATED, notebook=path)
    if not entries:
        return Outcome(False, f"no documentation generated yet: mlops docs {path}")
    entry = entries[-1]
    evidence = (Evidence("entry", entry.hash, f"documentation of {entry.time[:10]}"),)
    digest = context.cache.get("bundle_digest")
    if digest is None:  # the bundle from what this evaluation already read
        digest = context.cache["bundle_digest"] = current_bundle(
            context.project, path, context
        ).digest
    if entry.payload.get("bundle_digest") != digest:
        return Outcome(
            False,
            "the documentation is stale: the bundle changed since it was generated "
            f"(regenerate it: mlops docs {path})",
            evidence,
        )
    annex = (entry.payload.get("documents") or {}).get(DOCUMENT)
    coverage = annex.get("coverage") if isinstance(annex, dict) else None
    if not isinstance(coverage, dict) or not isinstance(coverage.get("missing"), int):
        return Outcome(False, "the documentation records no Annex IV coverage", evidence)
    total = sum(v for v in coverage.values() if isinstance(v, int))
    missing = [str(k) for k in annex.get("missing") or []]
    if coverage["missing"]:
        points = f": {', '.join(missing)}" if missing else ""
        return Outcome(
            False,
            f"Annex IV: {coverage['missing']} of {total} points need the author's "
            f"input{points} (%%mlops doc SECTION, then mlops docs {path})",
            evidence,
        )
    return Outcome(
        True,
        f"Annex IV: all {total} points covered ({coverage.get('evidence', 0)} from evidence, "
        f"{coverage.get('author', 0)} by the author, {coverage.get('not_applicable', 0)} not "
        f"applicable), generated for this bundle",
        evidence,
    )
