"""Evidence check ``explanations_recorded``: the model of the latest finished run of this
notebook version was explained, on that run's data, with the kinds the template requires
(which run counts: :mod:`..run_evidence`).

An explanation whose attributions do not add up to the model's output (the additivity check)
fails the item: the report says so, and the checklist does not hide it.
"""

from __future__ import annotations

from ...config import RISK_TIERS
from ...errors import MlopsError
from ...explanations.report import KINDS
from ...kinds import EXPLANATION_RECORDED
from ...ledger import Entry
from ..engine import Context, Outcome, evidence_check
from ..run_evidence import latest_run_reports, number, report_evidence

FIX = "explain the model of the latest finished run: jupyterlab_mlops.explain(model, X, run=...)"


@evidence_check("explanations_recorded")
def explanations_recorded(
    context: Context, kinds: list[str] | dict[str, list[str]] = ("global",)
) -> Outcome:
    """An explanation of the latest finished run of this version, recorded at this version on
    the data that run read, has every kind required (``kinds``: a list, or a list per risk
    tier); the newest such one's attributions add up to the model's output."""
    required = _required(kinds, context.project.config.risk_tier)
    found = latest_run_reports(context, EXPLANATION_RECORDED, "explanation", FIX)
    if isinstance(found, Outcome):
        return found
    matching, evidence = found.reports, list(found.evidence)
    entry = next((e for e in reversed(matching) if not _missing(e, required)), matching[-1])
    explainer = f"{entry.payload.get('explainer', '?')} explainer"
    evidence += report_evidence(entry, "explanation", explainer)
    missing = _missing(entry, required)
    if missing:
        return Outcome(
            False,
            f"the explanation of run '{found.run_name}' lacks {', '.join(missing)} "
            f"(required: {', '.join(required)}){_hint(missing)}",
            tuple(evidence),
        )
    problem = _additivity_problem(entry)
    if problem:
        return Outcome(False, problem, tuple(evidence))
    return Outcome(True, _summary(entry, found.run, required), tuple(evidence))


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
        f"{number(check.get('max_error'))} (tolerance {number(check.get('tolerance'))}), so "
        f"the attributions do not describe this model"
    )


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
