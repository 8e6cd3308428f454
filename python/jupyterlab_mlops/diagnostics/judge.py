"""Judging diagnostics against the template's thresholds: the one place that says whether a
figure breaches the policy, used by the report when it is made and by the checklist checks
when they re-judge a recorded report with the template as it is now.

Pure functions over JSON figures (no numpy, no model): ``args`` are a check's template
arguments, or None when the template has no item for that check at the tier (the finding is
then ``info``: measured, not judged). A finding is ``{check, status, detail, evidence}``,
status ``pass``, ``warn``, ``fail`` or ``info``.
"""

from __future__ import annotations

from typing import Any

from ..errors import MlopsError

HINT = "fix the check's args in the template"
#: the common reading of the PSI, as :mod:`..data.drift` states it
PSI_READING = "PSI below 0.1 reads as stable, 0.1-0.2 moderate, above 0.2 a shift"


def finding(check: str, status: str, detail: str, **evidence: Any) -> dict[str, Any]:
    return {"check": check, "status": status, "detail": detail, "evidence": evidence}


def threshold(args: dict[str, Any], key: str, check: str, *, optional: bool = False) -> Any:
    """``args[key]`` as a number (a per-tier mapping already narrowed); a malformed template
    argument is an error naming it."""
    value = args.get(key)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MlopsError(f"{check}: {key} must be a number, not {value!r}", HINT)
    return float(value)


def n(value: Any, digits: int = 3) -> str:
    """A figure as details show it (``?`` when it is not a number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "?"
    return f"{value:.{digits}g}"


def _not_judged(check: str, item: str, text: str, **evidence: Any) -> dict[str, Any]:
    return finding(
        check,
        "info",
        f"{text} (not judged: the template has no {item} item at this risk tier)",
        **evidence,
    )


# --- overfit ---------------------------------------------------------------------------------


def judge_overfit(figures: dict[str, Any], args: dict[str, Any] | None) -> dict[str, Any]:
    """Fail when the train-test gap of the template's metric is over ``max_gap``."""
    limit = None if args is None else threshold(args, "max_gap", "no_overfit")
    metric = figures["metric"]
    gap = figures["gap"]
    ci = f" (95% interval {n(figures.get('low'))} to {n(figures.get('high'))})"
    cv = figures.get("cv")
    cv_text = ""
    if isinstance(cv, dict):
        sd = f" ± {n(cv.get('sd'))}" if cv.get("sd") is not None else ""
        cv_text = f"; cross-validation {n(cv.get('mean'))}{sd} over {cv.get('folds')} folds"
    text = (
        f"{metric} train {n(figures['train'])}, test {n(figures['test'])}: gap {n(gap)}{ci}"
        f"{cv_text}"
    )
    evidence = {k: figures.get(k) for k in ("metric", "train", "test", "gap", "low", "high")}
    if args is None:
        return _not_judged("overfit", "no_overfit", text, **evidence)
    wanted = args.get("metric")
    if wanted != metric:
        return finding(
            "overfit",
            "fail",
            f"the gap on record is of {metric}, the template asks for {wanted}: diagnose again",
            **evidence,
        )
    if not isinstance(gap, int | float) or isinstance(gap, bool):
        raise MlopsError("the overfit figures hold no gap", "diagnose again")
    assert limit is not None
    over = gap > limit
    verdict = f"over the maximum {n(limit)}" if over else f"within the maximum {n(limit)}"
    return finding("overfit", "fail" if over else "pass", f"{text}, {verdict}",
                   **evidence, max_gap=limit)  # fmt: skip


# --- leakage ---------------------------------------------------------------------------------


def judge_leakage(figures: dict[str, Any], args: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One finding per sign of leakage: single feature, near-copy of the target, train-test
    duplicates, identifier-like columns, the target among the features."""
    limits = None
    if args is not None:
        limits = {
            key: threshold(args, key, "no_leakage")
            for key in (
                "max_single_feature_score",
                "max_target_correlation",
                "max_duplicate_share",
                "max_identifier_unique_share",
            )
        }
    return [
        _over(figures["single_feature"], "score", "single_feature", "max_single_feature_score",
              limits, "one feature alone predicts the label"),
        _over(figures["target_correlation"], "value", "target_correlation",
              "max_target_correlation", limits, "near-copy of the target"),
        _duplicates(figures["duplicates"], limits),
        _identifiers(figures["identifiers"], limits),
        _target(figures["target_in_features"], limits),
    ]  # fmt: skip


def _over(
    rows: list[dict[str, Any]],
    key: str,
    check: str,
    limit_key: str,
    limits: dict[str, float] | None,
    what: str,
) -> dict[str, Any]:
    scored = [r for r in rows if isinstance(r.get(key), int | float)]
    top = scored[0] if scored else None
    best = f"highest {top['column']} {n(top[key])} ({top.get('method')})" if top else "none scored"
    evidence = {"top": scored[:5]}
    if limits is None:
        return _not_judged(check, "no_leakage", best, **evidence)
    limit = limits[limit_key]
    over = [r for r in scored if r[key] > limit]
    if over:
        names = ", ".join(f"{r['column']} {n(r[key])} ({r.get('method')})" for r in over[:5])
        return finding(check, "fail", f"{what}: {names}, over {n(limit)}", **evidence,
                       limit=limit)  # fmt: skip
    return finding(check, "pass", f"{best}, within {n(limit)}", **evidence, limit=limit)


def _duplicates(figures: dict[str, Any], limits: dict[str, float] | None) -> dict[str, Any]:
    share = figures["share"]
    text = f"{figures['found']:,} of {figures['test_rows']:,} test rows are also training rows"
    evidence = dict(figures)
    if limits is None:
        return _not_judged("duplicates", "no_leakage", text, **evidence)
    limit = limits["max_duplicate_share"]
    over = share > limit
    text += f" ({share:.1%}, {'over' if over else 'within'} {limit:.1%})"
    return finding("duplicates", "fail" if over else "pass", text, **evidence, limit=limit)


def _identifiers(rows: list[dict[str, Any]], limits: dict[str, float] | None) -> dict[str, Any]:
    pii = [r for r in rows if r.get("pii")]
    evidence = {"top": rows[:5]}
    if limits is None:
        top = rows[0] if rows else None
        text = (
            f"most unique {top['column']} ({n(top['unique_share'])} of training rows)"
            if top and top.get("unique_share") is not None
            else "no identifier-like column measured"
        )
        if pii:
            text += f"; flagged as personal data: {', '.join(r['column'] for r in pii[:5])}"
        return _not_judged("identifiers", "no_leakage", text, **evidence)
    limit = limits["max_identifier_unique_share"]
    named = []
    for r in rows:
        why = []
        share = r.get("unique_share")
        if isinstance(share, int | float) and share > limit:
            shape = f", {r['shape']}" if r.get("shape") else ""
            why.append(f"unique on {share:.1%} of training rows{shape}")
        if r.get("pii"):
            why.append(f"flagged at registration: {', '.join(map(str, r['pii']))}")
        if why:
            named.append(f"{r['column']} ({'; '.join(why)})")
    if named:
        return finding(
            "identifiers",
            "fail",
            f"identifier-like columns used as features: {', '.join(named[:5])}",
            **evidence,
            limit=limit,
        )
    return finding(
        "identifiers",
        "pass",
        f"no identifier-shaped column (text, near-consecutive or ordered whole numbers) is unique "
        f"on more than {limit:.0%} of training rows, none flagged as personal data at "
        "registration",
        **evidence,
        limit=limit,
    )


def _target(rows: list[dict[str, Any]], limits: dict[str, float] | None) -> dict[str, Any]:
    evidence = {"columns": rows}
    if limits is None:
        text = ", ".join(f"{r['column']} ({r['reason']})" for r in rows) or "not found"
        return _not_judged("target_in_features", "no_leakage", f"the target: {text}", **evidence)
    if rows:
        names = ", ".join(f"{r['column']} ({r['reason']})" for r in rows)
        return finding("target_in_features", "fail", f"the target among the features: {names}",
                       **evidence)  # fmt: skip
    return finding("target_in_features", "pass", "the target is not among the features", **evidence)


# --- calibration -----------------------------------------------------------------------------


def judge_calibration(
    figures: dict[str, Any] | None, args: dict[str, Any] | None
) -> dict[str, Any]:
    """Fail when the expected calibration error is over ``max_ece`` (with the template's bins)."""
    limit = None if args is None else threshold(args, "max_ece", "calibrated")
    if figures is None or figures.get("unavailable"):
        why = (figures or {}).get("unavailable", "a regression has no probabilities")
        status = "fail" if args is not None and figures is not None else "info"
        return finding("calibration", status, f"not measured: {why}")
    evidence = {k: figures.get(k) for k in ("brier", "ece", "low", "high", "bins")}
    text = (
        f"ECE {n(figures['ece'])} (95% interval {n(figures.get('low'))} to "
        f"{n(figures.get('high'))}, {figures.get('bins')} equal-width bins), Brier "
        f"{n(figures.get('brier'))}"
    )
    if args is None:
        return _not_judged("calibration", "calibrated", text, **evidence)
    bins = args.get("bins", 10)
    if bins != figures.get("bins"):
        return finding(
            "calibration",
            "fail",
            f"the ECE on record uses {figures.get('bins')} bins, the template asks for {bins}: "
            "diagnose again",
            **evidence,
        )
    assert limit is not None
    over = figures["ece"] > limit
    verdict = f"over the maximum {n(limit)}" if over else f"within the maximum {n(limit)}"
    return finding("calibration", "fail" if over else "pass", f"{text}, {verdict}",
                   **evidence, max_ece=limit)  # fmt: skip


# --- balance and shift (warnings only) -------------------------------------------------------


def judge_balance(figures: dict[str, Any] | None, args: dict[str, Any] | None) -> dict[str, Any]:
    """Warn when the positive share differs between train and test by more than the
    template's optional ``max_class_share_difference`` (a no_leakage argument); else info."""
    if figures is None:
        return finding("class_balance", "info", "a regression target: no classes to count")
    positive = figures["classes"][1]
    text = (
        f"class {positive}: {figures['train_share'][positive]:.1%} of training rows "
        f"({figures['train'][positive]:,}), {figures['test_share'][positive]:.1%} of test rows "
        f"({figures['test'][positive]:,})"
    )
    evidence = dict(figures)
    limit = None
    if args is not None:
        limit = threshold(args, "max_class_share_difference", "no_leakage", optional=True)
    if limit is None:
        return finding("class_balance", "info", text, **evidence)
    over = figures["difference"] > limit
    text += f": a difference of {figures['difference']:.1%} ({'over' if over else 'within'} {limit:.1%})"
    return finding("class_balance", "warn" if over else "pass", text, **evidence, limit=limit)


def judge_shift(figures: dict[str, Any], args: dict[str, Any] | None) -> dict[str, Any]:
    """Warn for columns whose test rows moved from the training rows by a PSI over the
    template's optional ``max_shift_psi`` (a no_leakage argument); else info."""
    columns = figures["columns"]
    worst = figures.get("max")
    text = (
        f"largest train/test shift {worst['column']} PSI {n(worst['psi'])} over {len(columns)} "
        f"compared columns ({PSI_READING})"
        if worst
        else "no column compared"
    )
    if figures.get("problems"):
        text += f"; not comparable: {', '.join(list(figures['problems'])[:5])}"
    evidence = {"max": worst, "problems": figures.get("problems") or {}}
    limit = None
    if args is not None:
        limit = threshold(args, "max_shift_psi", "no_leakage", optional=True)
    if limit is None:
        return finding("shift", "info", text, **evidence)
    over = sorted(((c, v) for c, v in columns.items() if v > limit), key=lambda p: -p[1])
    if over:
        named = ", ".join(f"{c} {n(v)}" for c, v in over[:5])
        return finding("shift", "warn", f"shifted between train and test (PSI over {n(limit)}): "
                       f"{named} ({PSI_READING})", **evidence, limit=limit)  # fmt: skip
    return finding("shift", "pass", text, **evidence, limit=limit)


def all_findings(figures: dict[str, Any], thresholds: dict[str, Any]) -> list[dict[str, Any]]:
    """Every finding of a report's figures under ``thresholds`` (the args of each check)."""
    leakage = thresholds.get("no_leakage")
    return [
        judge_overfit(figures["overfit"], thresholds.get("no_overfit")),
        *judge_leakage(figures["leakage"], leakage),
        judge_calibration(figures.get("calibration"), thresholds.get("calibrated")),
        judge_balance(figures.get("balance"), leakage),
        judge_shift(figures["shift"], leakage),
    ]
