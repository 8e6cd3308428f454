"""Any command line, however hostile: the CLI answers with its own error (a message, a hint,
exit 1 or 2) or its output, never a traceback or an "unexpected" error (issue 14)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jupyterlab_mlops.cli import main
from jupyterlab_mlops.ledger import verify_ledger
from jupyterlab_mlops.project import init_project

from .helpers import ACTOR

SUBCOMMANDS = [
    "init", "decide", "decisions", "status", "verify", "configure", "data", "run", "log", "runs",
    "compare", "model", "check", "approve", "refuse", "revoke", "waive", "approvals", "retire",
    "portfolio", "batch",
]  # fmt: skip
SECOND = ["add", "list", "review", "diff", "show", "register", "export", "undo", "--json"]
TOKENS = [
    "train.ipynb", "missing.ipynb", "../x.ipynb", "/etc/passwd", "bad.yaml", "huge.yaml", "--json",
    "--role", "business", "risk", "--why", "", "\udcff", "x" * 300, "-p", "x", "1", "-f", "--all",
    "--tag", "a b", "last", "abcdef", "0" * 64, "--template", "nope", "--risk-tier", "mega",
    "--name", "{}", "[1,2", "-o", "/", "\x00", "--notebook", "--decision", "--title", "--undo",
    "NaN", "1e999", "--threshold", "-1", "9" * 5000,
]  # fmt: skip
ARGV = st.tuples(
    st.sampled_from(SUBCOMMANDS),
    st.lists(st.sampled_from(SECOND), max_size=1),
    st.lists(st.sampled_from(TOKENS) | st.text(max_size=12), max_size=5),
).map(lambda t: [t[0], *t[1], *t[2]])


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    init_project(root, name="f", template="classification", risk_tier="minimal", actor=ACTOR)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})]
    nbformat.write(notebook, root / "train.ipynb")
    (root / "bad.yaml").write_text("a: [")
    (root / "huge.yaml").write_text("x: " + "9" * 5000)
    return root


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(argv=ARGV)
def test_no_command_line_gets_a_traceback(
    root: Path, argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if "--run" in argv or argv[:2] in (["batch", "run"], ["batch", "grid"]):
        return  # these execute the notebook: covered by the batch and checklist tests
    monkeypatch.chdir(root)
    monkeypatch.setenv("MLOPS_USER", ACTOR)
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(argv)
    shown = err.getvalue()
    event(f"exit {code}")
    assert "unexpected" not in shown and "Traceback" not in shown, (argv, shown)
    if shown.startswith("mlops: error:") or shown.startswith("usage:"):
        assert code in (1, 2), (argv, code, shown)
    assert verify_ledger(root / ".mlops" / "ledger.jsonl", check_git=False).ok, argv
