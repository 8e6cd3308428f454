"""Evidence checks of the ``llm`` template: the prompts are versioned and are the ones the
evaluation scored (``prompts_versioned``), the evaluation meets the template's thresholds
(``llm_evaluated``), and the guardrail suites passed (``guardrails_passed``). Each reads the
entries recorded for the latest finished run of this notebook version."""

from __future__ import annotations

from typing import Any

from ...config import RISK_TIERS
from ...errors import MlopsError
from ...kinds import EVALUATION_RECORDED, GUARDRAILS_RECORDED, PROMPT_REGISTERED
from ..engine import Context, Outcome, evidence_check
from ..run_evidence import latest_run_reports, number, report_evidence

EVAL_FIX = "inside the run: jupyterlab_mlops.evaluate_llm(app, data)"
GUARD_FIX = "inside the run: jupyterlab_mlops.guardrails(app, canary_key=...)"


def _versions(prompts: Any) -> set[tuple[str, int, str]]:
    return {
        (str(p.get("name")), int(p.get("version", 0)), str(p.get("digest")))
        for p in (prompts if isinstance(prompts, list) else [])
        if isinstance(p, dict)
    }


@evidence_check("prompts_versioned")
def prompts_versioned(context: Context) -> Outcome:
    """The latest finished run formatted registered prompt versions, each still the newest
    version of its prompt, and its newest evaluation scored exactly those versions."""
    found = latest_run_reports(context, EVALUATION_RECORDED, "evaluation", EVAL_FIX)
    if isinstance(found, Outcome):
        return found
    used = _versions(found.run.payload.get("prompts"))
    if not used:
        return Outcome(
            False,
            f"run '{found.run.payload['name']}' formatted no registered prompt: register the "
            "prompts with %%mlops prompt NAME and format them with p.format(...)",
            tuple(found.evidence),
        )
    newest: dict[str, int] = {}
    for entry in context.project.ledger.entries(PROMPT_REGISTERED):
        name, version = entry.payload.get("name"), entry.payload.get("version")
        if isinstance(name, str) and isinstance(version, int):
            newest[name] = max(newest.get(name, 0), version)
    behind = [
        f"{n} v{v} (newest: v{newest[n]})" for n, v, _ in sorted(used) if newest.get(n, v) > v
    ]
    evaluation = found.reports[-1]
    evidence = [*found.evidence, *report_evidence(evaluation, "evaluation")]
    if behind:
        return Outcome(False, f"a newer prompt version exists: {', '.join(behind)}; run the evaluation on it", tuple(evidence))  # fmt: skip
    scored = _versions(evaluation.payload.get("prompts"))
    if scored != used:
        return Outcome(False, "the evaluation scored other prompt versions than the run formatted", tuple(evidence))  # fmt: skip
    names = ", ".join(f"{n} v{v}" for n, v, _ in sorted(used))
    return Outcome(True, f"prompts {names}, evaluated as run", tuple(evidence))


def _limits(thresholds: dict[str, Any], tier: str) -> dict[str, dict[str, float]]:
    hint = "fix the check's args in the template: thresholds: {SCORER: {min: 0.8}} or per tier"
    if not isinstance(thresholds, dict):
        raise MlopsError("llm_evaluated: thresholds must be a mapping", hint)
    if thresholds and all(k in RISK_TIERS for k in thresholds):
        thresholds = thresholds.get(tier) or {}
    for scorer, limit in thresholds.items():
        if not isinstance(limit, dict) or not set(limit) <= {"min", "max"} or not limit:
            raise MlopsError(f"llm_evaluated: the limit of {scorer!r} must be {{min: X}} or {{max: X}}", hint)  # fmt: skip
    return thresholds


@evidence_check("llm_evaluated")
def llm_evaluated(context: Context, thresholds: dict[str, Any] | None = None) -> Outcome:
    """The newest evaluation of the latest finished run meets every threshold (on each
    scorer's mean; the interval is shown with it)."""
    limits = _limits(thresholds or {}, context.project.config.risk_tier)
    found = latest_run_reports(context, EVALUATION_RECORDED, "evaluation", EVAL_FIX)
    if isinstance(found, Outcome):
        return found
    entry = found.reports[-1]
    evidence = (*found.evidence, *report_evidence(entry, "evaluation", f"{entry.payload.get('n')} examples"))  # fmt: skip
    summary = entry.payload.get("summary") or {}
    problems, met = [], []
    for scorer, limit in limits.items():
        s = summary.get(scorer) or {}
        mean = s.get("mean")
        shown = f"{scorer} {number(mean)} [{number(s.get('low'))}, {number(s.get('high'))}]"
        if not isinstance(mean, int | float):
            problems.append(f"{scorer} was not scored")
        elif "min" in limit and mean < limit["min"]:
            problems.append(f"{shown} is below {limit['min']}")
        elif "max" in limit and mean > limit["max"]:
            problems.append(f"{shown} is above {limit['max']}")
        else:
            met.append(shown)
    if problems:
        return Outcome(False, "; ".join(problems), evidence)
    return Outcome(True, ", ".join(met) or f"evaluated on {entry.payload.get('n')} examples", evidence)  # fmt: skip


@evidence_check("guardrails_passed")
def guardrails_passed(context: Context, suites: list[str] | None = None) -> Outcome:
    """The newest guardrails of the latest finished run ran ``suites`` and none failed."""
    required = list(suites or ["pii", "secrets", "injection"])
    found = latest_run_reports(context, GUARDRAILS_RECORDED, "guardrails", GUARD_FIX)
    if isinstance(found, Outcome):
        return found
    entry = found.reports[-1]
    evidence = (*found.evidence, *report_evidence(entry, "guardrails"))
    ran = entry.payload.get("suites") or {}
    missing = [s for s in required if s not in ran]
    if missing:
        return Outcome(False, f"the guardrails did not run {', '.join(missing)}", evidence)
    failed = [f for f in entry.payload.get("failures") or [] if f.get("suite") in required]
    templates = entry.payload.get("template_findings") or []
    if failed or (templates and {"pii", "secrets"} & set(required)):
        said = [f"{f['suite']}/{f['id']}: {f['why']}" for f in failed[:3]] + templates[:2]
        more = len(failed) + len(templates) - len(said)
        return Outcome(False, "; ".join(said) + (f" (and {more} more)" if more > 0 else ""), evidence)  # fmt: skip
    cases = sum(int(ran[s].get("cases", 0)) for s in required)
    return Outcome(True, f"{', '.join(required)}: {cases} cases passed", evidence)
