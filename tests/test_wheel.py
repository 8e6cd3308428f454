"""The wheel ships the prebuilt labextension and the server config: installing it needs no Node.js."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from jupyterlab_mlops.kinds import EXECUTED
from jupyterlab_mlops.project import find_project

from .helpers import ACTOR
from .helpers.batch import approved_project

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
SHARE = "jupyterlab_mlops-{v}.data/data/share/jupyter/labextensions/jupyterlab-mlops"


SOURCES = [
    "python",
    "src",
    "style",
    "schema",
    "jupyter-config",
    "package.json",
    "yarn.lock",
    ".yarnrc.yml",
    "pyproject.toml",
    "install.json",
    "README.md",
    "tsconfig.json",
    "babel.config.js",
    "jest.config.js",
]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel as `make dist` does (production labextension), in a copy of the sources."""
    tree, out = tmp_path_factory.mktemp("tree"), tmp_path_factory.mktemp("wheel")
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(
                source, tree / name, ignore=shutil.ignore_patterns("__pycache__", "__tests__")
            )
        else:
            shutil.copy2(source, tree / name)
    (tree / "node_modules").symlink_to(REPO / "node_modules")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(
        ["jlpm", "build:prod"], cwd=tree, env=env, check=True, timeout=600, capture_output=True
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(tree),
        ],
        env=env,
        check=True,
        timeout=600,
    )
    (found,) = out.glob("jupyterlab_mlops-*.whl")
    return found


def test_wheel_contents(wheel: Path) -> None:
    version = wheel.name.split("-")[1]
    names = set(zipfile.ZipFile(wheel).namelist())
    share = SHARE.format(v=version)
    assert f"{share}/package.json" in names and f"{share}/install.json" in names
    assert f"{share}/static/style.js" in names
    assert any(n.startswith(f"{share}/static/remoteEntry.") for n in names)
    assert f"{share}/schemas/jupyterlab-mlops/plugin.json" in names
    assert (
        f"jupyterlab_mlops-{version}.data/data/etc/jupyter/jupyter_server_config.d/jupyterlab_mlops.json"
        in names
    )
    assert "jupyterlab_mlops/ledger/store.py" in names
    assert "jupyterlab_mlops/prompts/suites/guardrails.yaml" in names  # the shipped suites
    entry_points = (
        zipfile.ZipFile(wheel)
        .read(f"jupyterlab_mlops-{version}.dist-info/entry_points.txt")
        .decode()
    )
    assert "mlops = jupyterlab_mlops.cli:main" in entry_points


def test_installing_the_wheel_needs_no_node(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    no_node = {**os.environ, "PATH": str(venv / "bin")}  # no node, no jlpm on the PATH
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        env=no_node,
        timeout=300,
    )
    labext = venv / "share" / "jupyter" / "labextensions" / "jupyterlab-mlops"
    assert (labext / "package.json").is_file() and any((labext / "static").glob("remoteEntry.*.js"))
    assert (
        venv / "etc" / "jupyter" / "jupyter_server_config.d" / "jupyterlab_mlops.json"
    ).is_file()
    assert (venv / "bin" / "mlops").is_file()


@pytest.mark.timeout(1800)  # a fresh environment: pip installs every dependency
def test_the_wheel_alone_runs_clean_runs_and_batch_runs(wheel: Path, tmp_path: Path) -> None:
    """``pip install`` of the wheel, without extras, in a fresh environment: the documented
    commands that start kernels (papermill, nbclient, ipykernel come with it) work there."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
        "PATH": f"{venv / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "MLOPS_USER": ACTOR,
    }
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True, env=env, timeout=1500,
    )  # fmt: skip
    project, _ = approved_project(tmp_path / "work", rows=100)
    mlops = str(venv / "bin" / "mlops")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [mlops, *args], cwd=project.root, env=env, capture_output=True, text=True, timeout=600
        )

    check = run("check", "score.ipynb", "--run", "--json")
    assert check.returncode == 0, check.stderr
    assert json.loads(check.stdout)["stage"] == "approved"
    (clean,) = find_project(project.root).ledger.entries(EXECUTED)
    assert clean.payload["ok"], clean.payload
    batch = run("batch", "run", "score.ipynb", "-p", "n", "2")
    assert batch.returncode == 0, batch.stdout + batch.stderr
    assert json.loads((project.root / "result-2.json").read_text())["n"] == 2
    for done in (check, batch):
        assert "Traceback" not in done.stderr and "IProgress not found" not in done.stderr
