"""The two pieces of a durable append: the writers' lock and the kept, group-committed file.

* :class:`WriterLock` is ``.mlops/ledger.lock``: on POSIX an ``flock`` on one descriptor kept
  open by the process (the same kind of lock ``filelock`` takes, so the two exclude each
  other); elsewhere ``filelock``. After a ``fork`` the child opens its own descriptor (an
  inherited one shares the parent's lock), and a lock file removed or replaced while waiting
  is opened again, so every writer locks the same file.
* :class:`AppendFile` is the ledger file open for appending, kept open between appends.
  :meth:`AppendFile.sync` is a group commit: a caller waits for one ``fsync`` that began after
  its write, and one ``fsync`` covers every thread that wrote before it began (an ``fsync``
  covers every earlier write to the file, whichever descriptor or process made it).
"""

from __future__ import annotations

import _thread
import contextlib
import io
import os
import queue
import threading
import time
from pathlib import Path
from typing import Any

from ..confinement import readable
from .tip import NOTE_MAX

try:
    import fcntl
except ImportError:  # Windows: filelock's own lock
    fcntl = None

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class _Wait:
    """One wait for the lock: the descriptor to lock, and what came of it."""

    __slots__ = ("fd", "guard", "locked", "outcome")

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.locked, self.guard = threading.Event(), threading.Lock()
        self.outcome: list[BaseException | None] = []  # [error or None] once flock returned


def _serve_waits(waits: queue.SimpleQueue[_Wait]) -> None:
    """A lock's waiter thread: block in ``flock`` for each wait in turn (daemon, lives on)."""
    assert fcntl is not None
    while True:
        wait = waits.get()
        try:
            fcntl.flock(wait.fd, fcntl.LOCK_EX)
        except OSError as exc:
            error: OSError | None = exc
        else:
            error = None
        with wait.guard:
            if wait.outcome:  # given up: closing the descriptor releases the lock
                os.close(wait.fd)
                continue
            wait.outcome.append(error)
            wait.locked.set()


class LockTimeout(Exception):
    """The lock stayed held by another process for the whole timeout."""


class WriterLock:
    """An exclusive lock on one lock file, shared by the threads of a process in turn."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = -1
        self._inode = (0, 0)  # (st_dev, st_ino) of the open lock file
        self._pid = 0
        self._fallback: Any = None
        self._waits: queue.SimpleQueue[_Wait] | None = None
        self._waits_pid = 0

    def acquire(self, timeout: float) -> None:
        """Take the lock, waiting at most ``timeout`` seconds (then :class:`LockTimeout`)."""
        if fcntl is None:
            self._acquire_filelock(timeout)
            return
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(self._descriptor(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._wait(deadline)
            if self._still_the_lock_file():
                return
            fcntl.flock(self._fd, fcntl.LOCK_UN)  # removed or replaced meanwhile: lock the new one
            self._close()

    def _wait(self, deadline: float) -> None:
        """Another process holds the lock: wait in the kernel until it is ours, up to ``deadline``.

        This lock's waiter thread blocks in ``flock`` on a descriptor of its own (no polling:
        it wakes when the lock is released, and waiting takes no CPU from the writer holding
        it; the thread is started once, not per wait). Given up at the deadline, the waiter
        closes that descriptor once it gets the lock, so giving up never leaves this process
        holding it.
        """
        wait = _Wait(os.open(self.path, os.O_RDWR | os.O_CREAT | _CLOEXEC, 0o644))
        self._waiter().put(wait)
        wait.locked.wait(max(0.0, deadline - time.monotonic()))
        with wait.guard:
            if not wait.outcome:
                wait.outcome.append(LockTimeout(str(self.path)))
                raise LockTimeout(str(self.path))
        if wait.outcome[0] is not None:
            os.close(wait.fd)
            raise wait.outcome[0]
        self._close()
        opened = os.fstat(wait.fd)
        self._fd, self._inode = wait.fd, (opened.st_dev, opened.st_ino)

    def _waiter(self) -> queue.SimpleQueue[_Wait]:
        """The queue of this lock's waiter thread (started on first use, again after fork)."""
        if self._waits is None or self._waits_pid != os.getpid():
            self._waits, self._waits_pid = queue.SimpleQueue(), os.getpid()
            _thread.start_new_thread(_serve_waits, (self._waits,))
        return self._waits

    def note(self) -> bytes:
        """Held: the note the last holder left in the lock file (empty where there is none)."""
        if fcntl is None or self._fd < 0:
            return b""  # filelock's lock file is not ours to write
        return os.pread(self._fd, NOTE_MAX, 0)

    def leave_note(self, data: bytes) -> None:
        """Held: leave ``data`` in the lock file for the next holder (a hint, never synced)."""
        if fcntl is None or self._fd < 0:
            return
        os.pwrite(self._fd, data, 0)

    def release(self) -> None:
        if fcntl is None:
            self._fallback.release()
        else:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self._close()

    def _descriptor(self) -> int:
        if self._pid != os.getpid():  # new, or inherited across fork: never unlock the parent's
            self._fd, self._pid = -1, os.getpid()
        if self._fd < 0:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _CLOEXEC, 0o644)
            opened = os.fstat(self._fd)
            self._inode = (opened.st_dev, opened.st_ino)
        return self._fd

    def _still_the_lock_file(self) -> bool:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return False
        return (st.st_dev, st.st_ino) == self._inode

    def _close(self) -> None:
        if self._fd >= 0 and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = -1

    def _acquire_filelock(self, timeout: float) -> None:
        import filelock

        if self._fallback is None:
            self._fallback = filelock.FileLock(self.path, thread_local=False)
        try:
            self._fallback.acquire(timeout=timeout, poll_interval=0.001)
        except filelock.Timeout as exc:
            raise LockTimeout(str(self.path)) from exc


class AppendFile:
    """The ledger file, open for reading and appending, kept open by one ``Ledger``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stream: io.FileIO | None = None
        self._inode = (0, 0)  # (st_dev, st_ino) of the open file
        self._pid = 0
        self._commit = _GroupCommit()

    def stream(self, st: os.stat_result) -> io.FileIO:
        """The kept file (for ``seek``/``read``), on the inode ``st`` describes (the path's now).

        Call under the writers' lock. A file replaced since (git checkout, merge) is opened
        again; the old one is synced first, so no write made through it is left unsynced.
        """
        if self._pid != os.getpid():  # after fork: our own descriptor and commit state
            self._stream, self._pid, self._commit = None, os.getpid(), _GroupCommit()
        stream = self._stream
        if stream is not None and self._inode != (st.st_dev, st.st_ino):
            os.fsync(stream.fileno())
            stream.close()
            stream = self._stream = None
        if stream is None:
            fd = os.open(readable(self.path), os.O_RDWR | os.O_APPEND | _CLOEXEC)
            stream = self._stream = io.FileIO(fd, "r+")
            opened = os.fstat(fd)
            self._inode = (opened.st_dev, opened.st_ino)
        return stream

    def append(self, line: bytes, size: int) -> os.stat_result:
        """Under the lock: write ``line`` at the end (``size`` bytes long) in one ``write`` if
        the system allows; returns the file's stat after it. On failure the file is cut back to
        ``size`` (else the next writer repairs the torn tail) and the error raised."""
        assert self._stream is not None, "stream() first"
        fd = self._stream.fileno()
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view) :]
        except BaseException:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)
            raise
        return os.fstat(fd)

    def sync(self) -> None:
        """Return once everything written to the file before this call is on disk."""
        stream = self._stream
        if stream is not None:
            self._commit.wait(stream.fileno())

    def close(self) -> None:
        if self._stream is not None and self._pid == os.getpid():
            self._stream.close()
        self._stream = None


class _Batch:
    """The writes one ``fsync`` covers: those whose callers joined before it began."""

    __slots__ = ("done", "error")

    def __init__(self) -> None:
        self.done = False
        self.error: BaseException | None = None


class _GroupCommit:
    """Leader/follower ``fsync`` among the threads of one process.

    A caller joins the open batch after its write. If no ``fsync`` is running, it runs one for
    that batch (the leader) and opens the next; otherwise it waits, and the batch's turn comes
    when the running one ends. Every caller of a batch whose ``fsync`` failed gets the error.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._open = _Batch()
        self._running = False

    def wait(self, fd: int) -> None:
        with self._cond:
            batch = self._open
            while not batch.done:
                if self._running:
                    self._cond.wait()
                    continue
                self._running, self._open = True, _Batch()  # later callers wait for the next
                self._cond.release()
                try:
                    os.fsync(fd)
                except BaseException as exc:
                    batch.error = exc
                    raise
                finally:
                    self._cond.acquire()
                    batch.done, self._running = True, False
                    self._cond.notify_all()
            if batch.error is not None:
                raise OSError(f"the ledger could not be synced to disk: {batch.error}")
