"""Sending what the outbox holds: one HTTP POST per event and webhook, in the background.

:func:`flush` is the one function that sends. It first claims ``flush.lock`` so that two
processes flushing at once never send the same event twice; a process that cannot claim it
leaves the work to the one that did. :func:`kick` runs it on a daemon thread (never blocking
the command that noticed the event); at exit a process waits at most :data:`EXIT_WAIT_S` for
that thread, and what is still undelivered stays in the outbox for the next flush (the
Jupyter server retries every minute, ``mlops alerts --retry`` at once).
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import hmac
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import AlertTarget, mask_url
from ..errors import BusyError, MlopsError
from ..project import Project, locate_project
from . import outbox
from .events import Event, json_body, slack_body

log = logging.getLogger("jupyterlab_mlops.alerts")

#: seconds one attempt may take (connect and answer)
ATTEMPT_TIMEOUT_S = 3.0
#: seconds a process waits at exit for its alerts to go out
EXIT_WAIT_S = 2.0
#: seconds a background flush waits for another process's flush to finish
_CLAIM_WAIT_S = 10.0

Clock = Callable[[], float]


@dataclass
class Delivery:
    """What one flush did: each ``(event, webhook, error or None)`` attempted."""

    attempts: list[tuple[Event, str, str | None]] = field(default_factory=list)
    busy: bool = False  # another process was flushing

    @property
    def failed(self) -> list[tuple[Event, str, str | None]]:
        return [a for a in self.attempts if a[2] is not None]


def flush(
    project: Project, *, force: bool = False, clock: Clock = time.time,
    timeout: float = ATTEMPT_TIMEOUT_S, wait: float = 0.0,
) -> Delivery:  # fmt: skip
    """Send every event due (``force``: every event queued) to its webhooks; waits ``wait``
    seconds for another process's flush to finish, else returns with ``busy``."""
    import filelock

    done = Delivery()
    try:
        with outbox.locked(project, "flush", timeout=wait):
            targets = {outbox.target_key(t): t for t in project.config.alerts}
            down: dict[str, str] = {}  # a webhook that failed in this pass is not asked again
            for record in outbox.records(project):
                for key in record.due(clock(), force):
                    target = targets.get(key)
                    if target is None:  # taken out of the config: nobody to tell any more
                        outbox.settle(project, record.event.id, key, None, clock())
                        error: str | None = "dropped: this webhook is no longer in .mlops/config"
                    else:
                        error = down.get(key) or send(target, record.event, timeout)
                        outbox.settle(project, record.event.id, key, error, clock())
                        if error is not None:
                            down[key] = error
                    done.attempts.append((record.event, record.targets[key]["where"], error))
    except filelock.Timeout:
        done.busy = True
    return done


def retry(project: Project, *, force: bool = True, clock: Clock = time.time) -> Delivery:
    """``mlops alerts --retry``: send now, waiting for another process's flush to finish."""
    delivery = flush(project, force=force, clock=clock, wait=_CLAIM_WAIT_S * 3)
    if delivery.busy:
        raise BusyError("another process kept sending alerts", "try again in a moment")
    return delivery


def send(target: AlertTarget, event: Event, timeout: float = ATTEMPT_TIMEOUT_S) -> str | None:
    """POST ``event`` to the webhook; None when it answered 2xx, else why not (the address
    masked). Never raises."""
    import urllib.error
    import urllib.request

    url = target.url or os.environ.get(target.url_env or "", "").strip()
    if not url:
        return f"the environment variable {target.url_env} is not set"
    if not url.startswith(("http://", "https://")):
        return f"${target.url_env} is not an http(s) URL"
    body = slack_body(event) if target.format == "slack" else json_body(event)
    headers = {"Content-Type": "application/json", "User-Agent": "jupyterlab-mlops",
               "X-Mlops-Event-Id": event.id}  # fmt: skip
    if target.secret_env:
        secret = os.environ.get(target.secret_env)
        if not secret:
            return f"the environment variable {target.secret_env} (the signing key) is not set"
        digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        headers["X-Mlops-Signature"] = f"sha256={digest}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener().open(request, timeout=timeout) as answer:
            answer.read(65536)
            return None if 200 <= answer.status < 300 else f"HTTP {answer.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code} from {mask_url(url)}"
    except Exception as exc:  # refused, timed out, bad TLS, no route: all a retry later
        reason = getattr(exc, "reason", None) or exc
        said = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
        return f"no answer from {mask_url(url)}: {said}".replace(url, mask_url(url))[:300]


@functools.cache
def _opener() -> Any:
    """urllib without redirects: a webhook that redirects fails (the body would follow it
    elsewhere)."""
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    return urllib.request.build_opener(NoRedirect)


# --- the background sender ---------------------------------------------------------------

_lock = threading.Lock()
_workers: dict[Path, threading.Thread] = {}
_again: set[Path] = set()
_known: set[Path] = set()
_exit_hook = False


def _after_fork() -> None:
    """A forked process (a grid's worker) starts with no sender and a free lock."""
    global _lock
    _lock = threading.Lock()
    _workers.clear()
    _again.clear()


os.register_at_fork(after_in_child=_after_fork)


def note(project: Project) -> None:
    """Remember a project with alerts configured, for :func:`retry_known`."""
    _known.add(project.root)


def kick(project: Project) -> None:
    """Flush ``project``'s outbox on a background thread (a running one goes round again)."""
    global _exit_hook
    root = project.root
    with _lock:
        _known.add(root)
        worker = _workers.get(root)
        if worker is not None and worker.is_alive():
            _again.add(root)
            return
        worker = threading.Thread(target=_work, args=(root,), name="mlops-alerts", daemon=True)
        _workers[root] = worker
        if not _exit_hook:
            atexit.register(drain, EXIT_WAIT_S)
            _exit_hook = True
    worker.start()


def retry_known() -> None:
    """Kick every project this process has seen with alerts configured (the server calls
    this every minute): pending alerts go out once they are due."""
    for root in list(_known):
        project = _reload(root)
        if project is not None and project.config.alerts:
            kick(project)


def drain(timeout: float = EXIT_WAIT_S) -> bool:
    """Wait at most ``timeout`` seconds for the background senders; True when all finished."""
    deadline = time.monotonic() + timeout
    for worker in list(_workers.values()):
        worker.join(max(0.0, deadline - time.monotonic()))
    return not any(w.is_alive() for w in _workers.values())


def _work(root: Path) -> None:
    while True:
        project = _reload(root)
        try:
            if project is not None and project.config.alerts:
                flush(project, wait=_CLAIM_WAIT_S)
        except (MlopsError, OSError, Exception) as exc:  # a background thread never raises
            log.warning("jupyterlab_mlops: alerts of %s not sent: %s", root, exc)
        with _lock:
            if root not in _again:
                _workers.pop(root, None)
                return
            _again.discard(root)


def _reload(root: Path) -> Project | None:
    """The project with its config as it is now (None when it cannot be read)."""
    try:
        return locate_project(root)
    except Exception:
        return None
