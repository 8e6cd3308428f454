"""Stopping a batch kernel frees what it held, even when the orderly shutdown fails."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from jupyterlab_mlops.execution import shut_down, start_kernel


@pytest.mark.slow
def test_a_kernel_whose_shutdown_fails_is_killed_and_its_resources_freed(tmp_path: Path) -> None:
    manager = start_kernel(
        "python3", tmp_path, {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    )
    process, folder = manager.provisioner.process, Path(manager._mlops_folder)

    async def refused(**_: object) -> None:
        raise RuntimeError("the kernel did not answer")

    manager.shutdown_kernel = refused
    shut_down(manager)
    assert process.poll() is not None  # killed and waited for
    assert manager.context.closed  # the manager's zmq context (and its I/O thread) is gone
    assert not folder.exists()
