"""Kernels started one run ahead in a long-lived worker, so that a run need not wait for one.

Booting a Python kernel costs most of a short batch run. A worker that runs one combination
after another (``mlops batch grid``) takes its kernel from a :class:`KernelPool`, which starts
the next one while the current run executes. A kernel taken from the pool is still fresh:
nothing has run in it. It was started in the run's folder with the run's environment, which
names the batch id; the id is therefore chosen when the kernel starts, and the run adopts it.

Kernels talk over Unix sockets in a private folder (not localhost TCP). A worker that dies
leaves no kernel behind for long: the kernel exits when its parent process is gone. A run's
kernel is killed when the run ends, without waiting for it to exit; the pool reaps it at its
next run, and every kernel is waited for when the pools close (no zombie outlives a grid).
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import os
import threading
import uuid
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..execution import reap_kernels, shut_down, start_kernel

_POOLS: dict[int, KernelPool] = {}  # one per thread
_LOCK = threading.Lock()
_CONTEXTS = threading.local()
T = TypeVar("T")


@dataclass(frozen=True)
class Lease:
    """A started kernel and the batch id its environment names."""

    batch_id: str
    manager: Any  # jupyter_client AsyncKernelManager


class KernelPool:
    """At most one spare kernel, started for the next run with the same key."""

    def __init__(self) -> None:
        self._spare: tuple[Hashable, Lease] | None = None

    def take(
        self,
        key: Hashable,
        kernel_name: str,
        cwd: Path,
        env_for: Callable[[str], Mapping[str, str]],
        *,
        prestart: bool = True,
    ) -> Lease:
        """A kernel for a run identified by ``key`` (same notebook, same kernel): the spare if
        it matches and is alive, else a new one. With ``prestart`` the next spare starts now."""
        spare, self._spare = self._spare, None
        lease = None
        if spare is not None:
            if spare[0] == key and _alive(spare[1].manager):
                lease = spare[1]
            else:
                shut_down(spare[1].manager)
        reap_kernels()  # the kernels of earlier runs, killed when they ended
        if lease is None:
            lease = _start(kernel_name, cwd, env_for)
        if prestart:
            with contextlib.suppress(Exception):  # no spare: the next run starts its own
                self._spare = (key, _start(kernel_name, cwd, env_for))
        return lease

    def prepare(
        self,
        key: Hashable,
        kernel_name: str,
        cwd: Path,
        env_for: Callable[[str], Mapping[str, str]],
    ) -> None:
        """Start a spare for the first run of ``key`` (when a worker starts)."""
        if self._spare is None:
            self._spare = (key, _start(kernel_name, cwd, env_for))

    def close(self) -> None:
        spare, self._spare = self._spare, None
        if spare is not None:
            shut_down(spare[1].manager)


def worker_pool() -> KernelPool:
    """This thread's pool (created on first use; closed when the process exits)."""
    ident = threading.get_ident()
    with _LOCK:
        pool = _POOLS.get(ident)
        if pool is None:
            if not _POOLS:
                _register_exit()
            pool = _POOLS[ident] = KernelPool()
    return pool


def in_worker_context(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call ``function`` in this thread's own context. The kernel machinery keeps its event
    loop in a context variable, and thread pools (Dask's) may copy one context into several
    threads: each thread must keep its own loop, run after run."""
    context = getattr(_CONTEXTS, "context", None)
    if context is None:
        context = _CONTEXTS.context = contextvars.Context()
    return context.run(function, *args, **kwargs)


def close_all() -> None:
    """Shut down every spare kernel of this process, and wait for every kernel of its runs."""
    with _LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close()
    reap_kernels(wait=True)


def _start(kernel_name: str, cwd: Path, env_for: Callable[[str], Mapping[str, str]]) -> Lease:
    batch_id = uuid.uuid4().hex
    return Lease(batch_id, start_kernel(kernel_name, cwd, {**os.environ, **env_for(batch_id)}))


def _alive(manager: Any) -> bool:
    from jupyter_core.utils import run_sync

    try:
        return bool(run_sync(manager.is_alive)())
    except Exception:
        return False


def _register_exit() -> None:
    """Close the pools when the process ends: at interpreter exit, and in multiprocessing
    workers (which skip ``atexit``) through their finalizers."""
    atexit.register(close_all)
    with contextlib.suppress(Exception):
        from multiprocessing import util

        util.Finalize(None, close_all, exitpriority=10)
