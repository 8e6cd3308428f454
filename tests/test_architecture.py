"""The import contracts (pyproject.toml, docs/architecture.md) hold, and they can fail.

Each violation is planted in a copy of the package, inside a function body, where an import
is easiest to overlook; ``lint-imports`` must then name the broken contract.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree / "python"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package and its contracts, to plant violations in."""
    root = tmp_path_factory.mktemp("arch")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(
        REPO / "python" / "jupyterlab_mlops",
        root / "python" / "jupyterlab_mlops",
        ignore=shutil.ignore_patterns("__pycache__", "templates"),
    )
    return root


def plant(tree: Path, module: str, code: str) -> Path:
    """Append ``code`` to ``module`` (a path under the package) and return the file."""
    file = tree / "python" / "jupyterlab_mlops" / module
    file.write_text(file.read_text(encoding="utf-8") + "\n\n" + code, encoding="utf-8")
    return file


def test_the_package_keeps_every_contract(tree: Path) -> None:
    done = lint_imports(tree)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout


@pytest.mark.parametrize(
    ("module", "code", "contract"),
    [
        pytest.param(
            "kinds.py",
            "def _upward():\n    from .approvals import approval_status\n",
            "imports run top to bottom",
            id="ground-imports-a-feature",
        ),
        pytest.param(
            "data/__init__.py",
            "def _upward():\n    from ..checklists import engine\n",
            "imports run top to bottom",
            id="data-imports-the-checklist",
        ),
        pytest.param(
            "checklists/engine.py",
            "def _framework():\n    import tornado.web\n",
            "Only the surfaces import",
            id="core-imports-tornado",
        ),
        pytest.param(
            "roles.py",
            "def _framework():\n    from IPython.core.magic import Magics\n",
            "Only the surfaces import",
            id="core-imports-ipython",
        ),
        pytest.param(
            "checklists/bundle.py",
            "def _circle():\n    from .checks import run_check\n",
            "No import circles",
            id="circle-inside-a-package",
        ),
    ],
)
def test_a_planted_import_breaks_its_contract(
    tree: Path, module: str, code: str, contract: str
) -> None:
    file = tree / "python" / "jupyterlab_mlops" / module
    original = file.read_text(encoding="utf-8")
    try:
        plant(tree, module, code)
        done = lint_imports(tree)
    finally:
        file.write_text(original, encoding="utf-8")
    assert done.returncode == 1, done.stdout
    broken = [line for line in done.stdout.splitlines() if " BROKEN" in line]
    assert any(contract in line for line in broken), done.stdout
