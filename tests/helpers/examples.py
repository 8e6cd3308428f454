"""A fresh copy of an example project, initialised as ``make example`` does."""

from __future__ import annotations

import shutil
from pathlib import Path

from jupyterlab_mlops.project import init_project

from . import ACTOR

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def credit_risk_copy(base: Path) -> Path:
    """``base/credit-risk``: the credit-risk example without its data or ledger, initialised
    single-user at the high tier (as ``make lab`` sets it up)."""
    root = base / "credit-risk"
    shutil.copytree(
        EXAMPLES / "credit-risk",
        root,
        ignore=shutil.ignore_patterns("data", ".mlops", ".ipynb_checkpoints"),
    )
    init_project(
        root, name="credit-risk", template="classification", risk_tier="high", actor=ACTOR,
        single_user=True,
    )  # fmt: skip
    return root
