"""Who the ledger records as the actor, outside the server."""

from __future__ import annotations

import getpass
import subprocess
from pathlib import Path

import pytest

from jupyterlab_mlops import identity


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # no global git identity
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    monkeypatch.delenv("MLOPS_USER", raising=False)
    identity._git_identity.cache_clear()


def test_mlops_user_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLOPS_USER", "  Risk Officer <risk@example.com> ")
    assert identity.current_actor(tmp_path) == "Risk Officer <risk@example.com>"


def test_then_git_user_name_and_email(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "config", "user.name", "Ada Lovelace"], check=True)
    subprocess.run(
        ["git", "-C", str(tmp_path), "config", "user.email", "ada@example.com"], check=True
    )
    assert identity.current_actor(tmp_path) == "Ada Lovelace <ada@example.com>"


def test_then_the_os_user(tmp_path: Path) -> None:
    assert identity.current_actor(tmp_path) == getpass.getuser()
