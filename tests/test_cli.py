"""The ``mlops`` command line: same core as the magics, clear errors and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import ACTOR, make_notebook


def test_init_creates_the_project_files(mlops, tmp_path: Path) -> None:
    done = mlops("init", "--name", "credit", "--template", "regression", "--risk-tier", "high")
    assert done.returncode == 0, done.stderr
    assert "Initialised MLOps project 'credit'" in done.stdout
    mlops_dir = tmp_path / ".mlops"
    assert sorted(p.name for p in mlops_dir.iterdir()) == [
        ".gitattributes",
        ".gitignore",
        "config",
        "ledger.jsonl",
    ]
    assert "cache/" in (mlops_dir / ".gitignore").read_text()
    assert "ledger.jsonl merge=union" in (mlops_dir / ".gitattributes").read_text()
    first = json.loads((mlops_dir / "ledger.jsonl").read_text())
    assert first["kind"] == "project.created" and first["actor"] == ACTOR
    assert first["payload"]["template"] == "regression" and first["payload"]["risk_tier"] == "high"


def test_init_refuses_a_second_project_and_bad_values(mlops, tmp_path: Path) -> None:
    assert mlops("init").returncode == 0
    (tmp_path / "sub").mkdir()
    again = mlops("init", cwd=tmp_path / "sub")
    assert (
        again.returncode == 1
        and "already an MLOps project" in again.stderr
        and "hint:" in again.stderr
    )
    bad = mlops("init", "--risk-tier", "extreme", cwd=tmp_path / "sub")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_commands_outside_a_project_say_so_and_suggest_init(mlops) -> None:
    for command in (["status"], ["decisions"], ["verify"], ["decide", "x", "--why", "y"]):
        done = mlops(*command)
        assert done.returncode == 1, command
        assert "not inside an MLOps project" in done.stderr and "mlops init" in done.stderr
        assert "Traceback" not in done.stderr


def test_decide_list_and_status_for_a_notebook(mlops, tmp_path: Path) -> None:
    mlops("init", check=True)
    nb = make_notebook(tmp_path / "nb" / "train.ipynb", ["x = 1"])
    done = mlops(
        "decide",
        "Use gradient boosting",
        "--why",
        "Best AUC",
        "--alternatives",
        "logistic regression",
        "--tag",
        "model",
        "--notebook",
        "nb/train.ipynb",
        check=True,
    )
    assert "Recorded decision" in done.stdout and "nb/train.ipynb" in done.stdout
    mlops("decide", "Project-wide choice", "--why", "policy", check=True)

    listed = json.loads(mlops("decisions", "--json", check=True).stdout)
    assert [d["title"] for d in listed] == ["Use gradient boosting", "Project-wide choice"]
    first = listed[0]
    assert (
        first["notebook"] == "nb/train.ipynb"
        and first["tags"] == ["model"]
        and first["actor"] == ACTOR
    )
    assert (
        first["alternatives"] == "logistic regression" and first["current"] is None
    )  # project scope

    only_nb = json.loads(
        mlops("decisions", "--notebook", "nb/train.ipynb", "--json", check=True).stdout
    )
    assert [d["title"] for d in only_nb] == ["Use gradient boosting"] and only_nb[0][
        "current"
    ] is True

    status = json.loads(mlops("status", "nb/train.ipynb", "--json", check=True).stdout)
    assert status["notebook"]["fingerprint"].startswith("sha256:")
    assert status["counts"]["entries"] == 3 and status["counts"]["notebook_entries"] == 1
    # from inside a subfolder the project is found by walking up
    text = mlops("status", "train.ipynb", cwd=nb.parent, check=True).stdout
    assert "Fingerprint" in text and "sha256:" in text

    make_notebook(nb, ["x = 2"])  # the notebook changes: the decision was on an earlier version
    only_nb = json.loads(
        mlops("decisions", "--notebook", "nb/train.ipynb", "--json", check=True).stdout
    )
    assert only_nb[0]["current"] is False
    assert (
        "[earlier version]" in mlops("decisions", "--notebook", "nb/train.ipynb", check=True).stdout
    )


def test_decide_links_to_entries_and_runs(mlops) -> None:
    mlops("init", check=True)
    first = mlops("decide", "A", "--why", "a", "--json", check=True)
    first_id = json.loads(first.stdout)["id"]
    second = mlops(
        "decide",
        "B",
        "--why",
        "b",
        "--link",
        first_id[:8],
        "--link",
        "0" * 32,
        "--json",
        check=True,
    )
    assert json.loads(second.stdout)["links"] == [f"entry:{first_id}", f"mlflow-run:{'0' * 32}"]
    bad = mlops("decide", "C", "--why", "c", "--link", "nonsense")
    assert bad.returncode == 1 and "neither a ledger entry nor an MLflow run id" in bad.stderr


def test_bad_input_is_refused_and_nothing_is_written(mlops, tmp_path: Path) -> None:
    mlops("init", check=True)
    before = (tmp_path / ".mlops" / "ledger.jsonl").read_bytes()
    for args, message in [
        (["decide", "No reason"], "needs its reasoning"),
        (["decide", "  ", "--why", "x"], "title must not be empty"),
        (["decide", "T", "--why", "x", "--tag", "bad tag!"], "invalid tag"),
        (["decide", "T", "--why", "x", "--notebook", "missing.ipynb"], "notebook not found"),
        (["status", "missing.ipynb"], "notebook not found"),
        (
            ["decide", "T", "--why", "x", "--notebook", "../elsewhere.ipynb"],
            "not inside an MLOps project",
        ),
    ]:
        done = mlops(*args)
        assert done.returncode != 0 and message in done.stderr, (args, done.stderr)
    assert (tmp_path / ".mlops" / "ledger.jsonl").read_bytes() == before


def test_verify_exit_codes(mlops, tmp_path: Path) -> None:
    mlops("init", check=True)
    mlops("decide", "A", "--why", "a", check=True)
    ok = mlops("verify")
    assert ok.returncode == 0 and ok.stdout.startswith("OK: 2 entries")
    ledger = tmp_path / ".mlops" / "ledger.jsonl"
    ledger.write_text(ledger.read_text().replace('"why":"a"', '"why":"b"'))
    bad = mlops("verify")
    assert bad.returncode == 1 and "TAMPERED: line 2" in bad.stdout
    report = json.loads(mlops("verify", "--json").stdout)
    assert report["ok"] is False and report["first_problem"]["kind"] == "altered"


def test_help_everywhere(mlops) -> None:
    top = mlops("--help")
    assert top.returncode == 0
    for sub in ("init", "decide", "decisions", "status", "verify"):
        assert sub in top.stdout
        sub_help = mlops(sub, "--help")
        assert sub_help.returncode == 0 and f"usage: mlops {sub}" in sub_help.stdout
    assert "usage: mlops decide" in mlops("help", "decide").stdout
    unknown = mlops("frobnicate")
    assert unknown.returncode == 2 and "invalid choice" in unknown.stderr


def test_broken_projects_and_file_errors_are_one_line(mlops, tmp_path: Path) -> None:
    (tmp_path / ".mlops" / "cache").mkdir(parents=True)  # a leftover folder, no config
    done = mlops("init")
    assert (
        done.returncode == 1 and "holds no config" in done.stderr and "Traceback" not in done.stderr
    )
    (tmp_path / ".mlops" / "cache").rmdir()
    (tmp_path / ".mlops").rmdir()
    mlops("init", check=True)
    ledger = tmp_path / ".mlops" / "ledger.jsonl"
    ledger.unlink()
    ledger.mkdir()  # something odd where the ledger should be
    done = mlops("decide", "T", "--why", "W")
    assert done.returncode == 1 and "Traceback" not in done.stderr and "hint:" in done.stderr


def test_verify_only_reads(mlops, tmp_path: Path) -> None:
    mlops("init", check=True)
    ledger = tmp_path / ".mlops" / "ledger.jsonl"
    ledger.write_bytes(ledger.read_bytes() + b'{"half an ent')  # a writer died mid-append
    before = ledger.read_bytes()
    done = mlops("verify")
    assert done.returncode == 0 and "unfinished write" in done.stdout
    assert ledger.read_bytes() == before and not (tmp_path / ".mlops" / "cache").exists()


def test_a_reader_that_goes_away_ends_quietly(mlops, tmp_path: Path) -> None:
    """``mlops check NOTEBOOK | head -3``: once the reader is gone, no traceback, exit 141."""
    mlops("init", "--name", "credit", check=True)
    mlops("decide", "Use AUC", "--why", "ranking matters", check=True)
    for args in (["decisions"], ["status", "--json"]):
        read, write = os.pipe()
        os.close(read)  # the reader is gone before mlops writes a byte
        try:
            done = subprocess.run(
                [sys.executable, "-m", "jupyterlab_mlops.cli", *args],
                cwd=tmp_path, stdout=write, stderr=subprocess.PIPE, text=True, timeout=120,
                env={**os.environ, "MLOPS_USER": ACTOR},
            )  # fmt: skip
        finally:
            os.close(write)
        assert (done.returncode, done.stderr) == (141, ""), args


def test_the_first_command_to_open_the_store_prints_no_mlflow_logs(mlops, tmp_path: Path) -> None:
    """MLflow logs its schema migrations at INFO when it creates a store: not the user's news."""
    mlops("init", "--name", "credit", check=True)
    done = mlops("compare", "abcdef", "abcdef")  # opens the store (created now), then finds no run
    assert (tmp_path / ".mlops" / "mlflow" / "mlflow.db").exists()
    assert done.returncode == 1 and done.stderr.splitlines() == [
        "mlops: error: no recorded run abcdef",
        "hint: list the project's runs with `mlops runs --all`",
    ], done.stderr


def test_an_unexpected_error_is_one_line_and_debug_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from jupyterlab_mlops import cli, commands

    def broken(args, where):
        raise RuntimeError("planted bug")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(commands._HANDLERS, "status", broken)
    assert cli.main(["status"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "mlops: error: unexpected RuntimeError: planted bug",
        "hint: this is a bug; MLOPS_DEBUG=1 shows the traceback for a report",
    ]
    monkeypatch.setenv("MLOPS_DEBUG", "1")
    with pytest.raises(RuntimeError, match="planted bug"):
        cli.main(["status"])
    assert capsys.readouterr().err == ""  # the traceback instead of the one line, not both
