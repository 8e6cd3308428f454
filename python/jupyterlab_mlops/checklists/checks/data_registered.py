"""Evidence check ``data_registered``: the latest run read registered data, still that version."""

from __future__ import annotations

from ...data.versions import check_workspace, versions_of
from ...errors import MlopsError
from ..engine import Context, Evidence, Outcome, evidence_check


@evidence_check("data_registered")
def data_registered(context: Context) -> Outcome:
    """The latest finished run read registered data, each the dataset's latest version, and
    the files on disk are still that version (for a production run: only the first)."""
    if not context.runs:
        return Outcome(False, "no finished run of this notebook version yet, so no data it read")
    read = context.data_read
    if not read:
        return Outcome(
            False,
            "the latest run read no registered data (read it with jupyterlab_mlops.data.path)",
            (Evidence.of_run(context.runs[0]),),
        )
    evidence, problems = [Evidence.of_run(context.runs[0])], []
    for version in read:
        evidence.append(Evidence("data", version.entry.hash, version.label))
        if context.production:
            continue  # production data moves on: a batch run measures its drift instead
        latest = versions_of(context.project, version.name)[-1]
        if latest.entry.hash != version.entry.hash:
            problems.append(f"{version.label} was read, but {latest.label} is registered since")
            continue
        try:
            check_workspace(context.project, version)
        except MlopsError as exc:
            problems.append(exc.message)
    if problems:
        return Outcome(False, "; ".join(problems), tuple(evidence))
    return Outcome(True, "read " + ", ".join(v.label for v in read), tuple(evidence))
