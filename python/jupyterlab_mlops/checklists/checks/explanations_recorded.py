"""Evidence check ``explanations_recorded``: the model of the latest finished run of this
notebook version was explained, on that run's data, with the kinds the template requires.

Only the latest finished run counts: it is the run an approval bundle names, and an older run
of the same version trained another model (other parameters, seed or data), so its
explanation describes a model nobody is asked to approve. An explanation whose attributions do
not add up to the model's output (the additivity check) fails the item: the report says so,
and the checklist does not hide it.
"""

from __future__ import annotations

from typing import Any

from ...config import RISK_TIERS
from ...errors import MlopsError
from ...explanations.report import KINDS
from ...kinds import EXPLANATION_RECORDED, RUN_LOGGED
from ...ledger import Entry
from ..engine import Context, Evidence, Outcome, evidence_check

FIX = "explain the model of the latest finished run: jupyterlab_mlops.explain(model, X, run=...)"


@evidence_check("explanations_recorded")
def explanations_recorded(
    context: Context, kinds: list[str] | dict[str, list[str]] = ("global",)
) -> Outcome:
    """An explanation of the latest finished run of this version, recorded at this version on
    the data that run read, has every kind required (``kinds``: a list, or a list per risk
    tier); the newest such one's attributions add up to the model's output."""
    required = _required(kinds, context.project.config.risk_tier)
    mine = context.project.ledger.entries(EXPLANATION_RECORDED, notebook=context.state.path)
    if not context.runs:
        stale = " (the explanation on record is of an earlier version: the code changed since)"
        return Outcome(
            False, "no finished run of this notebook version to explain" + (stale if mine else "")
        )
    latest = context.runs[0]
    run_id = latest.payload["run_id"]
    evidence = [Evidence.of_run(latest)]
    current = [e for e in mine if _fingerprint(e) == context.state.fingerprint]
    ours = [e for e in current if e.payload.get("run_id") == run_id]
    if not ours:
        return Outcome(False, _why_none(context, mine, current, latest), tuple(evidence))
    read = {v.entry.hash: v.label for v in context.data_read}
    matching = [e for e in ours if set(_data(e)) == set(read)]
    if not matching:
        explained = ", ".join(_data(ours[-1]).values()) or "no registered data"
        return Outcome(
            False,
            f"the explanation of run '{latest.payload['name']}' names {explained}, but the run "
            f"read {', '.join(read.values()) or 'no registered data'}: explain it on its data",
            tuple(evidence),
        )
    entry = next((e for e in reversed(matching) if not _missing(e, required)), matching[-1])
    evidence += _evidence(entry, run_id)
    missing = _missing(entry, required)
    if missing:
        return Outcome(
            False,
            f"the explanation of run '{latest.payload['name']}' lacks {', '.join(missing)} "
            f"(required: {', '.join(required)}){_hint(missing)}",
            tuple(evidence),
        )
    problem = _additivity_problem(entry)
    if problem:
        return Outcome(False, problem, tuple(evidence))
    return Outcome(True, _summary(entry, latest, required), tuple(evidence))


def _required(kinds: list[str] | dict[str, list[str]], tier: str) -> list[str]:
    """The kinds required at ``tier``; a malformed template argument is an error naming it."""
    hint = "fix the check's args in the template: kinds: [global, local] or per tier"
    if isinstance(kinds, dict):
        unknown = [t for t in kinds if t not in RISK_TIERS]
        if unknown:
            raise MlopsError(f"explanations_recorded: unknown risk tier {unknown[0]!r}", hint)
        if tier not in kinds:
            raise MlopsError(f"explanations_recorded names no kinds for risk tier {tier!r}", hint)
        kinds = kinds[tier]
    if isinstance(kinds, str) or not all(isinstance(k, str) for k in kinds):
        raise MlopsError("explanations_recorded: kinds must be a list of names", hint)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise MlopsError(
            f"explanations_recorded: unknown kind {unknown[0]!r} (kinds: {', '.join(KINDS)})", hint
        )
    return list(dict.fromkeys(kinds))


def _why_none(context: Context, mine: list[Entry], current: list[Entry], latest: Entry) -> str:
    """Why no explanation of this version names the latest finished run."""
    name = latest.payload["name"]
    if not mine:
        unbound = [
            e
            for e in context.project.ledger.entries(EXPLANATION_RECORDED)
            if e.payload.get("run_id") == latest.payload["run_id"] and not e.notebook
        ]
        if unbound:
            return (
                f"the explanation of run '{name}' names no notebook version (it was not made "
                f"from the saved notebook): explain from the notebook, or pass notebook=PATH"
            )
        return f"no explanation of run '{name}' recorded: {FIX}"
    if not current:
        return (
            f"stale: the explanation on record is of an earlier notebook version (the code "
            f"changed since); {FIX}"
        )
    other = current[-1].payload.get("run_id")
    if other in {r.payload["run_id"] for r in context.runs}:
        return (
            f"the explanation is of an older run ({_short(other)}); the latest finished run "
            f"'{name}' is the one an approval names: explain its model"
        )
    ended = [
        e
        for e in context.project.ledger.entries(RUN_LOGGED, notebook=context.state.path)
        if e.payload.get("run_id") == other
    ]
    if not ended:
        state = "is still open (not recorded as finished)"
    elif ended[-1].payload.get("batch_id"):
        state = "is a batch run (production runs are not evidence)"
    elif ended[-1].payload.get("status") != "FINISHED":
        state = f"ended {ended[-1].payload.get('status')}"
    else:
        state = "is of another notebook version"
    return f"the explanation is of run {_short(other)}, which {state}; {FIX}"


def _fingerprint(entry: Entry) -> str | None:
    return (entry.notebook or {}).get("fingerprint")


def _data(entry: Entry) -> dict[str, str]:
    """The data versions an explanation names: ledger entry id -> ``name vN``."""
    data = entry.payload.get("data")
    versions = data.get("versions") if isinstance(data, dict) else None
    found = {}
    for v in versions if isinstance(versions, list) else []:
        if isinstance(v, dict) and isinstance(v.get("entry"), str):
            found[v["entry"]] = f"{v.get('name')} v{v.get('version')}"
    return found


def _missing(entry: Entry, required: list[str]) -> list[str]:
    recorded = entry.payload.get("kinds")
    recorded = recorded if isinstance(recorded, list) else []
    return [k for k in required if k not in recorded]


def _hint(missing: list[str]) -> str:
    return "; cohorts need groups: explain(..., by=groups)" if "cohorts" in missing else ""


def _additivity_problem(entry: Entry) -> str | None:
    """Why the explanation's attributions cannot be trusted to describe the model, if so."""
    check = entry.payload.get("additivity")
    if not isinstance(check, dict) or "ok" not in check:
        return "the explanation records no additivity check (base value + attributions = output)"
    if check.get("ok") is True:
        return None
    return (
        f"additivity failed: base value + attributions differ from the model's output by up to "
        f"{_number(check.get('max_error'))} (tolerance {_number(check.get('tolerance'))}), so "
        f"the attributions do not describe this model"
    )


def _evidence(entry: Entry, run_id: str) -> list[Evidence]:
    p = entry.payload
    found = [Evidence("entry", entry.hash, f"explanation ({p.get('explainer', '?')} explainer)")]
    artifacts = p.get("artifacts")
    if isinstance(artifacts, str) and artifacts.strip("/"):
        found.append(
            Evidence("mlflow-artifact", f"{run_id}/{artifacts.strip('/')}", "explanation report")
        )
    return found


def _summary(entry: Entry, run: Entry, required: list[str]) -> str:
    p = entry.payload
    rows = p.get("rows") if isinstance(p.get("rows"), dict) else {}
    used = f"{rows.get('explained')} of {rows.get('given')} rows" if rows else "rows not stated"
    if rows.get("sampled"):
        used += f" (sampled, seed {rows.get('seed')})"
    top = p.get("top") if isinstance(p.get("top"), list) else []
    first = top[0].get("feature") if top and isinstance(top[0], dict) else None
    lead = f", top feature {first}" if first else ""
    return (
        f"run '{run.payload['name']}': {', '.join(required)} explained on {used} "
        f"({p.get('explainer', '?')} explainer{lead}); additivity holds"
    )


def _short(run_id: Any) -> str:
    return str(run_id)[:8]


def _number(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, int | float) else "?"
