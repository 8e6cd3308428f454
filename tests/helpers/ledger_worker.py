"""A separate process that appends to a project's ledger (used by the concurrency/crash tests).

usage: python -m tests.helpers.ledger_worker MLOPS_DIR LABEL COUNT   (COUNT 0: until killed)
       python -m tests.helpers.ledger_worker MLOPS_DIR LABEL torn    (die mid-write, holding the lock)
       python -m tests.helpers.ledger_worker MLOPS_DIR LABEL unsynced (die after writing one entry,
                                                                     before its fsync)
Prints each entry's hash once its append has returned (i.e. once it is acknowledged).
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
from pathlib import Path

from jupyterlab_mlops.ledger import open_ledger


def main() -> None:
    mlops_dir, label, count = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    ledger = open_ledger(mlops_dir)
    if count == "torn":
        import filelock

        with filelock.FileLock(ledger.lock_path):
            line = b'{"actor":"x","hash":"' + b"0" * 64 + b'","kind":"half-written'
            with open(ledger.path, "ab") as stream:
                stream.write(line)
                stream.flush()
                os.fsync(stream.fileno())
            os.kill(os.getpid(), signal.SIGKILL)  # dies holding the lock, mid-entry
    if count == "unsynced":
        from jupyterlab_mlops.ledger import durable

        def die(self: object) -> None:  # the line is written and the lock released: no fsync yet
            os.kill(os.getpid(), signal.SIGKILL)

        durable.AppendFile.sync = die
        ledger.append("test.note", {"writer": label, "unsynced": True}, actor=f"writer {label}")
    numbers = itertools.count() if count == "0" else range(int(count))
    for i in numbers:
        entry = ledger.append("test.note", {"writer": label, "i": i}, actor=f"writer {label}")
        sys.stdout.write(entry.hash + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
