"""Metrics a run logs, kept in memory and written to MLflow in one batch.

``run.log(...)`` validates each metric at once (with MLflow's own checks, so a batch cannot be
refused later for a bad value) and keeps it with the time it was logged; :meth:`MetricBuffer.flush`
writes everything kept in one ``log_batch`` call: one transaction instead of one per metric.
A run flushes at the end of every notebook cell, every :data:`FLUSH_EVERY` metrics, when
:data:`FLUSH_AFTER_S` seconds have passed since the last write, and when it ends; a process
killed in between loses what was kept since (see docs/reference.md, "Runs").
"""

from __future__ import annotations

import threading
import time
from typing import Any

from ..errors import MlopsError
from . import store

#: written at once when this many are kept (MLflow's limit of metrics in one batch)
FLUSH_EVERY = 1000
#: written at the next log when the last write is this old (long cells lose at most this much)
FLUSH_AFTER_S = 5.0


class MetricBuffer:
    """The metrics of one run not yet written to its MLflow store."""

    def __init__(self, uri: str, run_id: str) -> None:
        self._uri, self._run_id = uri, run_id
        self._kept: list[Any] = []  # mlflow.entities.Metric
        self._lock = threading.Lock()
        self._written_at = time.monotonic()
        self._client: Any = None

    def __len__(self) -> int:
        return len(self._kept)

    def add(self, values: dict[str, float], step: int | None) -> None:
        """Keep ``values`` at ``step`` (MLflow's default: 0), stamped now; write the batch
        when it is full or old. A value MLflow would refuse is refused here, at once."""
        from mlflow.entities import Metric
        from mlflow.utils.validation import _validate_metric

        stamp = int(time.time() * 1000)  # what MLflow's log_metric stamps
        at = step or 0
        metrics = []
        with store.mlflow_errors(self._uri):
            for key, value in values.items():
                _validate_metric(key, value, stamp, at)
                metrics.append(Metric(key, value, stamp, at))
        with self._lock:
            self._kept.extend(metrics)
            due = len(self._kept) >= FLUSH_EVERY or (
                time.monotonic() - self._written_at >= FLUSH_AFTER_S
            )
        if due:
            self.flush()

    def flush(self, tags: dict[str, str] | None = None) -> int:
        """Write every kept metric (and ``tags``) to the run in one call; returns how many
        metrics were written. If MLflow refuses, they stay kept (the next flush tries again)
        and the error says how many metrics of which names are not written."""
        from mlflow.entities import RunTag

        with self._lock:
            batch, self._kept = self._kept, []
            if not batch and not tags:
                return 0
            try:
                with store.mlflow_errors(self._uri):
                    self._mlflow().log_batch(
                        self._run_id,
                        metrics=batch,
                        tags=[RunTag(k, v) for k, v in (tags or {}).items()],
                    )
            except MlopsError as exc:
                self._kept = batch + self._kept
                names = sorted({m.key for m in batch})
                shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
                raise MlopsError(
                    f"{len(batch)} metric(s) logged to the run ({shown}) are not written yet: "
                    f"{exc.message}",
                    "they are kept and written at the next cell's end or when the run ends; "
                    + (exc.hint or "check the tracking store"),
                ) from None
            self._written_at = time.monotonic()
            return len(batch)

    def _mlflow(self) -> Any:
        if self._client is None:
            from mlflow import MlflowClient

            self._client = MlflowClient(tracking_uri=self._uri)
        return self._client
