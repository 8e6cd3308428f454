"""``jupyterlab_mlops.evaluate_llm``: run an LLM application over an evaluation dataset, score
every output, and record the scores as evidence of a run.

``data`` is MLflow's evaluation format: records with ``inputs`` (the app's keyword
arguments) and optional ``expectations``, as a list of dicts or a DataFrame. Each scorer's
mean comes with a 95% bootstrap interval over the examples; latency is measured around each
call to the app.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..canonical import sha256_hex
from ..errors import MlopsError, NotFoundError
from ..experiments.evidence import record_report, target_run, why_not_recorded
from ..experiments.prompt_uses import prompts_used
from ..experiments.stats import CONFIDENCE, percentile_interval
from ..identity import current_actor
from ..kernel import current_notebook
from ..kinds import EVALUATION_RECORDED
from ..notebooks import notebook_ref
from ..project import locate_project
from .scorers import Scorer, as_number, resolve

METHOD_VERSION = 1
_MAX_EXAMPLES = 100_000


@dataclass
class Evaluation:
    """Per-example outputs and scores, each scorer's mean with its interval, and where it was
    recorded (``entry`` None: shown, not recorded)."""

    name: str
    examples: list[dict[str, Any]]
    scorers: list[Scorer]
    summary: dict[str, dict[str, Any]]
    prompts: list[dict[str, Any]]
    resamples: int
    seed: int
    app_seconds: float
    scoring_seconds: float
    entry: Any = None
    not_recorded: str | None = None

    @property
    def table(self) -> Any:
        """One row per example: its inputs, output, latency and scores (a DataFrame)."""
        import pandas as pd

        rows = [
            {"inputs": e["inputs"], "output": e["output"], "latency_s": e["latency_s"], **e["scores"]}
            for e in self.examples
        ]  # fmt: skip
        return pd.DataFrame(rows)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "n": len(self.examples),
            "summary": self.summary,
            "scorers": {s.name: {"says": s.says, "better": s.better} for s in self.scorers},
            "prompts": self.prompts,
            "interval": f"{CONFIDENCE:.0%} bootstrap over the examples ({self.resamples} resamples, seed {self.seed})",
            "timing": {"app_s": self.app_seconds, "scoring_s": self.scoring_seconds},
            "entry": getattr(self.entry, "hash", None),
            "not_recorded": self.not_recorded,
        }

    def _repr_html_(self) -> str:
        from .evaluation_view import evaluation_html

        return evaluation_html(self)

    def __repr__(self) -> str:
        from .evaluation_view import evaluation_text

        return evaluation_text(self)


def _registered(name: str, project: Any) -> list[dict[str, Any]]:
    """The rows of registered table ``name`` as records: ``expected_*`` columns are the
    expectations, the others the app's inputs. Read through ``data.path``, so the run (and
    the evaluation recorded with it) names the data version."""
    from .. import data
    from ..data.tables import table_format, table_sample

    if project is None:
        raise NotFoundError(f"no MLOps project here to find dataset {name!r} in", "mlops init")
    file = data.path(name, start=project.root)
    if file.is_dir() or table_format(file) is None:
        raise MlopsError(f"dataset {name!r} is not a CSV or Parquet table", "register one table file")  # fmt: skip
    table = table_sample(file, sample_rows=_MAX_EXAMPLES)
    if table.sampled:
        raise MlopsError(f"dataset {name!r} has {table.rows:,} rows", f"evaluate at most {_MAX_EXAMPLES:,} at once")  # fmt: skip
    inputs = [c for c in table.names if not c.startswith("expected_")]
    if not inputs:
        raise MlopsError(f"dataset {name!r} has only expected_ columns", "add the app's input columns")  # fmt: skip
    return [
        {"inputs": {c: row[c] for c in inputs},
         "expectations": {c: row[c] for c in table.names if c.startswith("expected_") and row[c] is not None}}
        for row in table.raw.to_pylist()
    ]  # fmt: skip


def _records(data: Any) -> list[dict[str, Any]]:
    """``data`` as a list of ``{"inputs": {...}, "expectations": {...}}``."""
    if hasattr(data, "to_dict") and hasattr(data, "columns"):
        data = data.to_dict(orient="records")
    if isinstance(data, Mapping | str | bytes) or not isinstance(data, Sequence):
        raise MlopsError(
            "data is a list of records (or a DataFrame) with 'inputs' and optional 'expectations'",
            'e.g. [{"inputs": {"question": "..."}, "expectations": {"expected_facts": ["..."]}}]',
        )
    if not data:
        raise MlopsError("the evaluation dataset is empty", "give it at least one record")
    if len(data) > _MAX_EXAMPLES:
        raise MlopsError(f"{len(data):,} examples", f"evaluate at most {_MAX_EXAMPLES:,} at once")
    found = []
    for i, record in enumerate(data):
        inputs = record.get("inputs") if isinstance(record, Mapping) else None
        expectations = record.get("expectations") if isinstance(record, Mapping) else None
        if not isinstance(inputs, Mapping) or not all(isinstance(k, str) for k in inputs):
            raise MlopsError(
                f"record {i}: 'inputs' must be a dict of the app's keyword arguments",
                'e.g. {"inputs": {"question": "Where is my refund?"}}',
            )
        if expectations is not None and not isinstance(expectations, Mapping):
            raise MlopsError(f"record {i}: 'expectations' must be a dict", "or leave it out")
        found.append({"inputs": dict(inputs), "expectations": dict(expectations or {})})
    return found


def _summary(examples: list[dict[str, Any]], scorers: list[Scorer], resamples: int, seed: int) -> dict[str, dict[str, Any]]:  # fmt: skip
    import numpy as np

    rng = np.random.default_rng(seed)
    found = {}
    columns = [s.name for s in scorers] + ["latency_s"]
    for name in columns:
        values = np.array(
            [e["latency_s"] if name == "latency_s" else e["scores"][name] for e in examples],
            dtype=float,
        )
        values = values[~np.isnan(values)]
        n = int(values.size)
        if n == 0:
            found[name] = {"n": 0, "mean": None, "low": None, "high": None}
            continue
        means = values[rng.integers(0, n, size=(resamples, n))].mean(axis=1)
        low, high = percentile_interval(means)
        found[name] = {"n": n, "mean": float(values.mean()), "low": float(low), "high": float(high)}
    return found


def evaluate_llm(
    app: Callable[..., Any],
    data: Any,
    *,
    scorers: Sequence[Any] | None = None,
    prompt: Any = None,
    name: str | None = None,
    run: Any = None,
    resamples: int = 1000,
    seed: int = 0,
    notebook: str | os.PathLike[str] | None = None,
) -> Evaluation:
    """Call ``app(**inputs)`` for every record of ``data`` (records, a DataFrame, or the name
    of a registered table whose ``expected_*`` columns are the expectations), score each output with ``scorers``
    (built-in names or functions ``f(inputs, outputs, expectations)``; default: every built-in
    one), and record the scores to ``run`` (default: the run open now) with one
    ``evaluation.recorded`` ledger entry naming the prompt versions used (``prompt``: a
    :class:`Prompt` or several; default: those formatted in this process)."""
    if not callable(app):
        raise MlopsError("app must be a function", "e.g. evaluate_llm(answer, data)")
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 100:
        raise MlopsError(f"resamples={resamples!r}", "at least 100 (default 1000)")
    if notebook is None:
        notebook, _ = current_notebook()
    project = locate_project(Path(notebook).parent if notebook else Path.cwd())
    records = _records(_registered(data, project) if isinstance(data, str) else data)
    chosen = resolve(scorers)
    caches = _judge_caches(chosen, project)
    examples = []
    app_seconds = scoring_seconds = 0.0
    for i, record in enumerate(records):
        started = time.perf_counter()
        try:
            output = app(**record["inputs"])
        except Exception as exc:
            raise MlopsError(
                f"the app failed on record {i}: {type(exc).__name__}: {exc}"[:300],
                "fix the app or the record, then evaluate again",
            ) from exc
        latency = time.perf_counter() - started
        app_seconds += latency
        started = time.perf_counter()
        scores = {
            s.name: as_number(
                caches[s.name].score(s, record["inputs"], output, record["expectations"])
                if s.name in caches
                else s.fn(record["inputs"], output, record["expectations"])
            )
            for s in chosen
        }
        scoring_seconds += time.perf_counter() - started
        examples.append({**record, "output": output, "latency_s": latency, "scores": scores})
    summary = _summary(examples, chosen, resamples, seed)
    for name, cache in caches.items():  # what the judges cost this time
        summary[name] |= {"judge_asked": cache.asked, "judge_replayed": cache.replayed}
    if project is None and run is not None:
        raise NotFoundError("no MLOps project here to record the evaluation in", "mlops init")
    used = [
        {"name": p.name, "version": p.version, "digest": p.digest}
        for p in prompts_given(prompt, project)
    ]
    evaluation = Evaluation(
        name or getattr(app, "__name__", "app"), examples, chosen, summary, used, resamples, seed,
        app_seconds, scoring_seconds,
    )  # fmt: skip
    target = target_run(project, run) if project is not None else None
    evaluation.not_recorded = why_not_recorded(project, target, "evaluate_llm")
    if project is not None and target is not None:
        evaluation.entry = _record(project, target, evaluation, notebook)
    return evaluation


def _judge_caches(chosen: list[Scorer], project: Any) -> dict[str, Any]:
    """A verdict cache per judge scorer (only inside a project: outside, judges just run)."""
    from .judges import JudgeCache

    if project is None:
        return {}
    folder = project.mlops_dir / "cache" / "judges"
    return {s.name: JudgeCache(folder, s.name) for s in chosen if s.cached}


def prompts_given(prompt: Any, project: Any) -> list[Any]:
    """The prompt versions a result is about: ``prompt`` (one :class:`Prompt` or several),
    else those formatted in this process (``name``, ``version`` and ``digest`` only)."""
    from types import SimpleNamespace

    if prompt is None:
        used = prompts_used(str(project.root)) if project is not None else []
        return [SimpleNamespace(**p) for p in used]
    items = prompt if isinstance(prompt, list | tuple) else [prompt]
    for p in items:
        if not all(hasattr(p, a) for a in ("name", "version", "digest")):
            raise MlopsError(
                "prompt= takes the prompt objects used",
                "e.g. prompt=p, where p = jupyterlab_mlops.prompt(...)",
            )
    return list(items)


def _record(project: Any, target: Any, evaluation: Evaluation, notebook: Any) -> Any:
    import json

    report = evaluation.to_json()
    examples = [
        {**{k: e[k] for k in ("inputs", "expectations", "latency_s", "scores")}, "output": e["output"]}
        for e in evaluation.examples
    ]  # fmt: skip
    report_id = sha256_hex(
        {
            "v": METHOD_VERSION,
            "prompts": evaluation.prompts,  # timings vary: not in the id
            "summary": {
                k: {m: x for m, x in v.items() if not m.startswith("judge_")}
                for k, v in evaluation.summary.items()
                if k != "latency_s"
            },
            "examples": [
                {k: e[k] for k in ("inputs", "expectations", "scores")}
                | {"output": str(e["output"])}
                for e in examples
            ],
        }
    )

    def artifacts(out: Path) -> None:
        (out / "evaluation.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
        (out / "examples.json").write_text(json.dumps(examples, indent=1, default=str), encoding="utf-8")  # fmt: skip

    key = re.sub(r"[^A-Za-z0-9_.\-]", "_", evaluation.name)[:100]
    metrics = {
        f"eval_{key}_{k}": v["mean"] for k, v in evaluation.summary.items() if v["mean"] is not None
    }
    payload = {
        "name": evaluation.name,
        "n": len(examples),
        "summary": evaluation.summary,
        "scorers": sorted(s.name for s in evaluation.scorers),
        "prompts": evaluation.prompts,
        "method": {"interval": report["interval"], "version": METHOD_VERSION},
    }
    return record_report(
        project, EVALUATION_RECORDED, target, report_id=report_id, folder="evaluation",
        artifacts=artifacts, payload=payload, actor=current_actor(project.root),
        notebook=notebook_ref(project, notebook), metrics=metrics,
    )  # fmt: skip
