"""The explanation report of one fitted model on one data set: every figure of an
:class:`~.report.ExplanationReport` is computed here, with the sampling it used stated."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MlopsError
from . import dependence as dep
from . import sections
from .attribution import Attributions, Attributor
from .cohorts import COHORT_BANDS, groupings, top_up
from .inputs import as_frame, as_labels
from .local import local_entry, picks, row_positions
from .model import FittedModel, fitted_model
from .permutation import (
    PERMUTATION_REPEATS,
    PERMUTATION_ROWS,
    PermutationImportance,
    permutation_importance,
)
from .report import FORMAT, VERSION, ExplanationReport
from .stats import RESAMPLES, UNSTABLE_RANK_SPAN, bootstrap_importance, stability
from .values import clean, json_scalar

#: rows explained for global importance; from bigger data, a seeded uniform random sample
SAMPLE_ROWS = 2000
#: seconds the model-agnostic (permutation) explainer may spend on the explained rows
BUDGET_S = 30.0
#: the permutation explainer explains at least this many rows, even beyond its budget
MIN_EXPLAINED_ROWS = 30
#: rows per attribution call of the tree and linear explainers (the progress bar's steps)
CHUNK_ROWS = 500
#: the permutation explainer's calls are sized to take about this long (seconds)
CHUNK_SECONDS = 1.0
#: memory one call for interaction values may take (rows x transformed columns² floats)
INTERACTION_BYTES = 64 << 20

Progress = Callable[[int, str], contextlib.AbstractContextManager[Callable[[int], None]]]


@contextlib.contextmanager
def no_progress(_total: int, _description: str) -> Iterator[Callable[[int], None]]:
    yield lambda _n: None


def build_report(
    model: Any,
    X: pd.DataFrame,
    y: Any = None,
    *,
    by: Any = None,
    rows: Any = None,
    seed: int = 0,
    sample_rows: int = SAMPLE_ROWS,
    budget_s: float = BUDGET_S,
    progress: Progress | None = None,
    bands: int = COHORT_BANDS,
    rank_span: int = UNSTABLE_RANK_SPAN,
    resamples: int = RESAMPLES,
) -> ExplanationReport:
    """Explain ``model`` on ``X`` (and ``y``): global importance with intervals,
    permutation importance, dependence, interactions, local explanations, stability,
    cohorts of ``by`` and additivity, in X's own columns.

    ``by``: None, column names of X, or a Series/DataFrame aligned with X's index (numeric
    columns with many values are cut into ``bands`` quantile bands). ``rows``: index labels
    of X to explain locally. ``sample_rows``: bigger X is explained on a seeded uniform
    random sample of this many rows; the permutation explainer takes fewer when
    ``budget_s`` allows fewer. ``progress``: a factory ``progress(total, description)``
    giving a context manager that yields ``advance(n)``. ``rank_span``: the unstable rule
    (see :func:`.stats.stability`); ``resamples``: bootstrap resamples. Every sampling
    choice is stated in the report.
    """
    X = as_frame(X)
    fitted = fitted_model(model, X)
    target = _target(y, X, fitted)
    asked = row_positions(rows, X)
    grouping = groupings(by, X, bands=bands)
    progress = progress or no_progress
    rng = np.random.default_rng(seed)
    columns = list(fitted.columns)

    attributor = Attributor(fitted, X, seed=seed)
    scores = fitted.score(X)
    chosen = picks(asked, scores, _errors(fitted, X, scores, target), fitted.task)
    n_explain, how, room, chunk = plan_rows(attributor, X, sample_rows, budget_s, len(chosen))
    sample = sample_positions(len(X), n_explain, rng)
    extra = top_up(grouping, sample, rng, room)
    cohort_rows = np.union1d(sample, extra)
    every = np.union1d(cohort_rows, np.fromiter(chosen, dtype=int, count=len(chosen)))
    att = attribute_rows(attributor, X, every, chunk, progress)
    at = {int(p): k for k, p in enumerate(every)}
    values = att.values[[at[p] for p in sample]]

    overall = bootstrap_importance(values, resamples=resamples, seed=seed)
    steady = stability(overall, rank_span=rank_span)
    order = np.argsort(-overall.estimate, kind="stable")
    perm, left_out = _permutation(fitted, X, sample, target, rng, progress)
    frame = X.iloc[sample]
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "model": {
            "class": _qualified(model),
            "estimator": _qualified(fitted.estimator),
            "task": fitted.task,
            "positive_class": json_scalar(fitted.positive_class),
        },
        "explainer": {
            "kind": attributor.kind,
            "name": attributor.explainer_name,
            "space": attributor.space,
        },
        "columns": columns,
        "rows": {
            "given": len(X),
            "explained": len(sample),
            "sampled": len(sample) < len(X),
            "seed": seed,
            "how": how,
            "attributed": len(every),
        },
        "global": sections.global_meta(overall, len(X), resamples),
        "global_importance": sections.global_importance(overall, steady, perm, columns),
        "permutation": sections.permutation(perm, left_out, overall, len(X)),
        "stability": sections.stability(steady, columns, len(overall.resampled)),
    }
    interactions, partners, method = _interactions(attributor, frame, values, order, rng, progress)
    data["interactions"] = interactions
    data["dependence"] = dep.dependence_section(
        values, frame, order, partners, rng=rng, method=method
    )
    data["local"] = [
        local_entry(
            X.index[p],
            reasons,
            X.iloc[p],
            att.values[at[p]],
            score=scores[p],
            output=att.output[at[p]],
            base=att.base,
            y=None if target is None else target[p],
            columns=columns,
        )
        for p, reasons in chosen.items()
    ]
    cohort_values = att.values[[at[int(p)] for p in cohort_rows]]
    data["cohorts"] = sections.cohorts(
        grouping, cohort_rows, cohort_values, overall, columns, len(extra), resamples, seed
    )
    data["additivity"] = sections.additivity(att)
    data["kinds"] = sections.kinds(data)
    return ExplanationReport(clean(data))


def _target(y: Any, X: pd.DataFrame, fitted: FittedModel) -> np.ndarray | None:
    """``y`` by position of X, as an object array (None where missing)."""
    labels = as_labels(y, X)
    if labels is None:
        return None
    values = np.array([None if pd.isna(v) else v for v in labels], dtype=object)
    if fitted.task == "classification":
        classes = list(fitted.full.classes_)
        strange = sorted({str(v) for v in values if v is not None and v not in classes})
        if strange:
            raise MlopsError(
                f"y has values the model does not predict: {', '.join(strange[:5])}",
                f"the model's classes are {', '.join(map(str, classes))}",
            )
    return values


def _errors(
    fitted: FittedModel, X: pd.DataFrame, scores: np.ndarray, target: np.ndarray | None
) -> np.ndarray | None:
    """How wrong the model is per row (NaN: no y, or a right prediction), for local picks."""
    if target is None:
        return None
    known = np.array([v is not None for v in target])
    errors = np.full(len(X), np.nan)
    if fitted.task == "classification":
        # what predict() answers for a binary classifier (argmax: a tie goes to the first class)
        first, second = fitted.full.classes_
        predicted = np.where(scores > 0.5, second, first).astype(object)
        wrong = known & (predicted != target)
        positive = np.array([v == fitted.positive_class for v in target], dtype=float)
        errors[wrong] = np.abs(scores - positive)[wrong]
    else:
        actual = np.array([np.nan if v is None else float(v) for v in target])
        errors[known] = np.abs(actual - scores)[known]
    return errors


def plan_rows(
    attributor: Attributor, X: pd.DataFrame, sample_rows: int, budget_s: float, local: int
) -> tuple[int, str, int, int]:
    """How many rows to explain, how that is said, how many rows cohorts may add, and the
    rows per attribution call."""
    given = len(X)
    n = min(given, max(1, sample_rows))
    if attributor.kind != "permutation":
        how = (
            f"all {given:,} rows"
            if n == given
            else f"a seeded uniform random sample of {n:,} of {given:,} rows (sample_rows={sample_rows:,})"
        )
        return n, how, n, CHUNK_ROWS
    per_row = attributor.seconds_per_row(X)
    chunk = max(1, int(CHUNK_SECONDS / max(per_row, 1e-9)))
    fits = int(budget_s / per_row) if per_row > 0 else given
    n_budget = max(MIN_EXPLAINED_ROWS, fits - local)
    n = min(n, n_budget)
    room = max(0, fits - local - n)
    timing = (
        f"the permutation explainer takes about {per_row:.3g} s per row (timed on "
        f"{min(5, max(1, given - 1))} rows), so {max(fits, 0):,} rows fit its budget of {budget_s:g} s"
    )
    if n == given:
        return n, f"all {given:,} rows ({timing})", room, chunk
    if fits - local < MIN_EXPLAINED_ROWS:
        timing += f"; at least {MIN_EXPLAINED_ROWS} rows are explained, beyond the budget"
    return n, f"a seeded uniform random sample of {n:,} of {given:,} rows ({timing})", room, chunk


def sample_positions(given: int, n: int, rng: np.random.Generator) -> np.ndarray:
    if n >= given:
        return np.arange(given)
    return np.sort(rng.choice(given, size=n, replace=False))


def attribute_rows(
    attributor: Attributor, X: pd.DataFrame, positions: np.ndarray, size: int, progress: Progress
) -> Attributions:
    """Attributions of the rows at ``positions``, ``size`` rows per call (progress steps)."""
    parts = []
    with progress(len(positions), "explaining rows") as advance:
        for start in range(0, len(positions), size):
            chunk = positions[start : start + size]
            parts.append(attributor.attribute(X.iloc[chunk]))
            advance(len(chunk))
    return Attributions(
        np.vstack([p.values for p in parts]),
        parts[0].base,
        np.concatenate([p.output for p in parts]),
        parts[0].columns,
    )


def _permutation(
    fitted: FittedModel,
    X: pd.DataFrame,
    sample: np.ndarray,
    target: np.ndarray | None,
    rng: np.random.Generator,
    progress: Progress,
) -> tuple[PermutationImportance, int]:
    """Permutation importance on (a sample of) the explained rows, and how many of them
    were left out for having no y."""
    rows = sample
    if len(rows) > PERMUTATION_ROWS:
        rows = np.sort(rng.choice(sample, PERMUTATION_ROWS, replace=False))
    y, left_out = None, 0
    if target is not None:
        known = np.array([target[p] is not None for p in rows], dtype=bool)
        rows, left_out = rows[known], int((~known).sum())
        if fitted.task == "classification":
            y = np.array([v == fitted.positive_class for v in target[rows]], dtype=int)
        else:
            y = target[rows].astype(float)
    with progress(X.shape[1], "permutation importance") as advance:
        perm = permutation_importance(
            fitted,
            X.iloc[rows],
            y,
            repeats=PERMUTATION_REPEATS,
            seed=int(rng.integers(2**31)),
            advance=advance,
        )
    return perm, left_out


def _interactions(
    attributor: Attributor,
    frame: pd.DataFrame,
    values: np.ndarray,
    order: np.ndarray,
    rng: np.random.Generator,
    progress: Progress,
) -> tuple[dict[str, Any], list[int | None], str]:
    top = [int(j) for j in order[: dep.DEPENDENCE_FEATURES]]
    columns = list(map(str, frame.columns))
    if attributor.kind != "tree":
        partners = dep.approximate_partners(values, frame, top)
        note = (
            f"not available: SHAP interaction values exist for tree models only, and the "
            f"{attributor.kind} explainer was used"
        )
        return {"available": False, "note": note}, partners, dep.APPROXIMATION
    take = np.sort(rng.permutation(len(frame))[: dep.INTERACTION_ROWS])
    width = np.asarray(attributor.fitted.transform(frame.iloc[:1])).shape[1]
    size = max(1, min(len(take), INTERACTION_BYTES // max(1, 8 * 2 * width * width)))
    total = np.zeros((len(columns), len(columns)))
    with progress(len(take), "interaction values") as advance:
        for start in range(0, len(take), size):
            chunk = take[start : start + size]
            total += attributor.interactions(frame.iloc[chunk]) * len(chunk)
            advance(len(chunk))
    matrix = total / max(len(take), 1)
    section = dep.interaction_section(matrix, columns, order, len(take))
    section["note"] = (
        f"mean |SHAP interaction value| of each pair (both halves added) on a seeded random "
        f"sample of {len(take):,} of the {len(frame):,} explained rows"
    )
    every_partner = dep.partners_from_matrix(matrix)
    partners = [every_partner[j] for j in top]
    method = (
        f"coloured by the feature with the strongest interaction values (on {len(take):,} rows)"
    )
    return section, partners, method


def _qualified(obj: Any) -> str:
    kind = type(obj)
    return f"{kind.__module__.split('.')[0]}.{kind.__qualname__}"
