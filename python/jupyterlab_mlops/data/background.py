"""Work that runs on a thread beside the caller's (profiling data while it is hashed and
copied into DVC's cache): its result or its error, and a way to stop it early.

Profiling is CPU work (pyarrow parses and converts with the GIL released); hashing and DVC's
copy are I/O and md5 (which also release the GIL): on two cores both proceed at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Cancelled(Exception):
    """Raised inside the background work when the caller no longer wants its result."""


class Background(Generic[T]):
    """``work(check)`` on a daemon thread; ``check()`` raises :class:`Cancelled` once
    :meth:`cancel` was called (the work calls it between batches)."""

    def __init__(self, work: Callable[[Callable[[], None]], T], name: str = "mlops-profile"):
        self._stop = threading.Event()
        self._result: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), name=name, daemon=True)
        self._thread.start()

    def _check(self) -> None:
        if self._stop.is_set():
            raise Cancelled

    def _run(self, work: Callable[[Callable[[], None]], T]) -> None:
        try:
            self._result = work(self._check)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    @property
    def failed(self) -> bool:
        """The work finished with an error (other than being cancelled)."""
        return not self._thread.is_alive() and self._error is not None and not self._stop.is_set()

    def result(self) -> T:
        """Wait for the work; its result, or its error raised here."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def cancel(self) -> None:
        """Stop the work (at its next check) and wait for the thread to end."""
        self._stop.set()
        self._thread.join()
