"""jupyterlab-mlops: notebook-native MLOps governance for JupyterLab.

This module is imported by ``%load_ext jupyterlab_mlops`` and by Jupyter's extension
discovery, so it must stay cheap: everything heavy is imported inside the functions below.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "__version__",
    "active_run",
    "approval_status",
    "batch_run",
    "data",
    "diagnose",
    "evaluate_llm",
    "explain",
    "fairness",
    "guardrails",
    "load_ipython_extension",
    "prompt",
    "run",
    "unload_ipython_extension",
    "whatif",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("jupyterlab-mlops")
        except PackageNotFoundError:  # running from a source tree that was never installed
            return "0+unknown"
    if name == "data":  # ``jupyterlab_mlops.data.path("credit")`` without importing it first
        import importlib

        return importlib.import_module(".data", __name__)
    if name == "approval_status":  # the one answer to "may this notebook run in production?"
        from .approvals import approval_status

        return approval_status
    if name == "batch_run":  # the approved notebook as a parameterized job
        from .batch.api import batch_run

        return batch_run
    if name == "diagnose":  # overfit, leakage, calibration, balance, shift: as evidence
        from .diagnostics.api import diagnose

        return diagnose
    if name == "explain":  # importance with intervals, local, stability, cohorts: as evidence
        from .explanations.api import explain

        return explain
    if name == "fairness":  # per-group metrics with intervals, disparities, the policy's verdict
        from .fairness_assessment.api import fairness

        return fairness
    if name == "evaluate_llm":  # an LLM application scored on a dataset, with intervals
        from .prompts.evaluate import evaluate_llm

        return evaluate_llm
    if name == "guardrails":  # PII, secrets and prompt-injection suites against an LLM app
        from .prompts.guardrails import guardrails

        return guardrails
    if name == "prompt":  # a prompt template as a version in the project's MLflow registry
        from .prompts.api import prompt

        return prompt
    if name == "whatif":  # one row's prediction as sliders and dropdowns, in the notebook
        from .widgets import whatif

        return whatif
    if name in ("run", "active_run"):  # ``with jupyterlab_mlops.run("baseline") as run:``
        from .experiments import runs

        return getattr(runs, name)
    raise AttributeError(name)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "../../labextension", "dest": "jupyterlab-mlops"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyterlab_mlops"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    from .server import load_server_extension

    load_server_extension(server_app)


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%mlops`` and ``%%mlops`` (``%load_ext jupyterlab_mlops``)."""
    from .magics import register

    register(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from .magics import unregister

    unregister(ipython)
