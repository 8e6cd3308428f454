"""Run every benchmark and save the figures to bench/results/<UTC time>.json.

usage: python -m bench.run        (``make bench``, from the repository root)
Set BENCH_DIR to put temporary projects on another disk (default: the system temp folder).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import platform
from pathlib import Path

from . import (
    _goals,
    bench_batch,
    bench_check,
    bench_data,
    bench_diagnostics,
    bench_docs,
    bench_explain,
    bench_fairness,
    bench_ledger,
    bench_load_ext,
    bench_panel,
    bench_portfolio,
    bench_prompts,
    bench_runs,
    bench_scaling,
    bench_status,
    bench_whatif,
)


def main() -> None:
    results = {
        "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print("== %load_ext")
    results["load_ext"] = bench_load_ext.run()
    print("== ledger")
    results["ledger"] = bench_ledger.run()
    print("== a notebook's status in a 10,000-entry ledger")
    results["status"] = bench_status.run()
    print("== readiness check")
    results["check"] = bench_check.run()
    print("== how costs grow with the ledger: 1k, 10k, 100k entries (1M: --max-entries)")
    results["scaling"] = bench_scaling.run()
    print("== panel refresh (REST, against jupyter-server's contents API)")
    results["panel"] = bench_panel.run()
    print("== portfolio, 200 projects x 1,000 entries (goal: warm under 1 s)")
    results["portfolio"] = bench_portfolio.run()
    results["git_authors"] = bench_portfolio.run_git_authors()
    print("== runs (against MLflow directly)")
    results["runs"] = bench_runs.run()
    print("== data add (against dvc add)")
    results["data"] = bench_data.run()
    print("== batch grid (against a papermill CLI loop)")
    results["batch"] = bench_batch.run()
    print("== explanation reports (against shap on all rows)")
    results["explain"] = bench_explain.run()
    print("== what-if update (against one predict_proba call)")
    results["whatif"] = bench_whatif.run()
    print("== fairness across groups (against fairlearn's MetricFrame bootstrap)")
    results["fairness"] = bench_fairness.run()
    print("== diagnostics (goal: 10k + 10k rows under 10 s)")
    results["diagnostics"] = bench_diagnostics.run()
    print("== documentation: model card and Annex IV (against nbconvert HTML of the notebook)")
    results["docs"] = bench_docs.run()
    print("== prompts and LLM evaluation (against MLflow's prompt registry and the app alone)")
    results["prompts"] = bench_prompts.run()
    print("\n== every figure against its goal")
    print(_goals.summary())
    results["goals"] = [dataclasses.asdict(figure) for figure in _goals.FIGURES]
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    path = out / f"{results['when'].replace(':', '')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"saved {path}")


if __name__ == "__main__":
    main()
