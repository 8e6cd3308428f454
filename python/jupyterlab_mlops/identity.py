"""Who is acting: the identity recorded as ``actor`` on every ledger entry."""

from __future__ import annotations

import functools
import getpass
import os
import subprocess


def current_actor(cwd: str | os.PathLike[str] | None = None) -> str:
    """Identity of the person running a kernel or the CLI.

    ``MLOPS_USER`` wins; else git's ``user.name <user.email>``; else the OS user name.
    (In the Jupyter server the identity comes from jupyter-server's current user instead.)
    """
    explicit = os.environ.get("MLOPS_USER", "").strip()
    if explicit:
        return explicit
    return _git_identity(str(cwd) if cwd else None) or _os_user()


@functools.lru_cache(maxsize=8)
def _git_identity(cwd: str | None) -> str | None:
    def read(key: str) -> str:
        try:
            done = subprocess.run(
                ["git", "config", "--get", key],
                cwd=cwd,
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    name, email = read("user.name"), read("user.email")
    if name and email:
        return f"{name} <{email}>"
    return name or email or None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return f"uid:{os.getuid()}"
