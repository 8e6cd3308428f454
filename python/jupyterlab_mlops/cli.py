"""``mlops``: the command-line adapter over the shared subcommands."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .commands import HelpShown, Invocation, UsageError, execute
from .errors import MlopsError

#: the exit code of a process whose reader went away (128 + SIGPIPE), as Unix tools give
BROKEN_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``mlops`` command; returns the process exit code."""
    try:
        code = _run(argv)
        sys.stdout.flush()  # a reader that went away shows here, not at interpreter exit
    except BrokenPipeError:  # ``mlops check NOTEBOOK | head -3``: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    return code


def _run(argv: Sequence[str] | None) -> int:
    where = Invocation(surface="cli", cwd=Path.cwd())
    try:
        outcome = execute(sys.argv[1:] if argv is None else argv, where)
    except HelpShown:
        return 0
    except MlopsError as exc:
        print(f"mlops: error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one line, as the magic does (MLOPS_DEBUG=1: trace)
        if os.environ.get("MLOPS_DEBUG"):
            raise
        print(f"mlops: error: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        print(
            "hint: this is a bug; MLOPS_DEBUG=1 shows the traceback for a report", file=sys.stderr
        )
        return 1
    print(outcome.view.dumps() if outcome.as_json else outcome.view.to_text())
    return outcome.view.exit_code


if __name__ == "__main__":
    sys.exit(main())
