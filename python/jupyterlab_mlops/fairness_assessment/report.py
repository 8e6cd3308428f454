"""The fairness report: its figures as JSON (the one source of truth, logged as is), and what
is drawn from them: the per-group table, disparities, the verdict, plots and HTML."""

from __future__ import annotations

import copy
import json
from typing import Any

from ..errors import MlopsError

#: what a report's JSON says it is, and the layout version this code reads and writes
FORMAT = "jupyterlab_mlops.fairness"
VERSION = 1

_REQUIRED = (
    "task",
    "rows",
    "resamples",
    "seed",
    "confidence",
    "metrics",
    "features",
    "columns",
    "by_group",
    "disparities",
    "small_groups",
    "policy",
    "passed",
    "breaches",
)


class FairnessReport:
    """Metrics per group (and intersection) with bootstrap intervals, disparities per
    feature, the groups too small to judge, and the verdict under the template's policy."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self._plots: dict[str, bytes] | None = None
        # where it went (set by ``fairness``): the ledger entry, or why there is none
        self.recorded: Any = None
        self.not_recorded: str | None = None
        self.report_id: str | None = None
        self.run_id: str | None = None

    # -- JSON ------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Every figure of the report (JSON-serializable; no NaN: undefined is None)."""
        return copy.deepcopy(self._data)

    @classmethod
    def from_json(cls, data: dict[str, Any] | str | bytes) -> FairnessReport:
        """The report :meth:`to_json` gave (a dict, or its JSON text)."""
        if isinstance(data, str | bytes):
            try:
                data = json.loads(data)
            except ValueError as exc:
                raise MlopsError(f"not a fairness report: {exc}", "") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise MlopsError("not a fairness report", f"expected JSON with format {FORMAT!r}")
        version = data.get("version")
        if not isinstance(version, int) or version > VERSION:
            raise MlopsError(
                f"fairness report version {version!r} is newer than this jupyterlab-mlops reads",
                "upgrade jupyterlab-mlops, or assess again",
            )
        missing = [key for key in _REQUIRED if key not in data]
        if missing:
            raise MlopsError(f"fairness report lacks {', '.join(missing)}", "assess again")
        return cls(copy.deepcopy(data))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FairnessReport) and other._data == self._data

    __hash__ = None  # type: ignore[assignment]  # mutable content

    # -- what it holds ---------------------------------------------------------------------

    @property
    def task(self) -> str:
        return str(self._data["task"])

    @property
    def by_group(self) -> Any:
        """A DataFrame, one row per (feature, group): size, (positives, negatives), each metric
        with ``_low``/``_high`` interval bounds, ``too_small`` and ``interval_width``."""
        import pandas as pd

        frame = pd.DataFrame(self._data["by_group"])
        floats = [
            c for c in frame.columns if c not in ("feature", "group", "too_small", "too_small_for")
        ]
        floats = [c for c in floats if c not in ("size", "positives", "negatives")]
        return frame.astype({c: float for c in floats})

    @property
    def disparities(self) -> dict[str, dict[str, dict[str, Any]]]:
        """``{feature: {metric: {value, low, high, worst_group, best_group}}}``."""
        return copy.deepcopy(self._data["disparities"])

    @property
    def passed(self) -> bool | None:
        """No disparity beyond the policy's limits, and every limited one judged on each
        sensitive column (None: no policy applies)."""
        return self._data["passed"]

    @property
    def breaches(self) -> list[dict[str, Any]]:
        """Disparities beyond their limits (``clear``: the whole interval is beyond)."""
        return copy.deepcopy(self._data["breaches"])

    @property
    def unjudged(self) -> list[dict[str, Any]]:
        """Limited disparities that could not be measured: ``{feature, metric, why, decides}``
        (``decides``: it fails the verdict; not across an intersection of columns)."""
        return copy.deepcopy(self._data.get("unjudged") or [])

    @property
    def small_groups(self) -> list[dict[str, Any]]:
        """Groups too small to judge: kept in ``by_group``, left out of the disparities."""
        return copy.deepcopy(self._data["small_groups"])

    @property
    def policy(self) -> dict[str, Any]:
        """The policy judged by: template, tier, cite, limits (``applies`` False: none)."""
        return copy.deepcopy(self._data["policy"])

    @property
    def bands(self) -> dict[str, Any]:
        return copy.deepcopy(self._data.get("bands") or {})

    def verdict(self) -> str:
        """One sentence: passed, or the first breach (feature, metric, groups)."""
        if self.passed is None:
            return str(self._data["policy"].get("stated"))
        if self.passed:
            return "within the policy's limits"
        from .policy import Breach, Unjudged

        if not self._data["breaches"]:
            deciding = [u for u in self.unjudged if u.get("decides", True)]
            more = f" (and {len(deciding) - 1} more)" if len(deciding) > 1 else ""
            return f"not judged: {Unjudged(**deciding[0]).text()}{more}"
        first = Breach(**self._data["breaches"][0])
        more = len(self._data["breaches"]) - 1
        extra = f" (and {more} more)" if more else ""
        return f"beyond the policy's limits: {first.text()}{extra}"

    def summary(self) -> dict[str, Any]:
        """The figures a ``fairness.assessed`` ledger entry carries."""
        d = self._data
        policy = d["policy"]
        return {
            "name": d.get("name"),
            "task": d["task"],
            "features": [
                {"name": f["name"], "columns": list(f["columns"]), "groups": len(f["groups"])}
                for f in d["features"]
            ],
            "columns": list(d["columns"]),
            "rows": d["rows"],
            "resamples": d["resamples"],
            "seed": d["seed"],
            "confidence": d["confidence"],
            "disparities": copy.deepcopy(d["disparities"]),
            "small_groups": copy.deepcopy(d["small_groups"]),
            "policy": {k: policy.get(k) for k in ("template", "tier", "cite", "applies")},
            "passed": d["passed"],
            "breaches": copy.deepcopy(d["breaches"]),
            "unjudged": copy.deepcopy(d.get("unjudged") or []),
            "model": None,  # model-free: judged on labels and predictions
        }

    # -- drawn from the figures ------------------------------------------------------------

    def plots(self) -> dict[str, bytes]:
        """PNG images by name (``groups``: each metric per group with its interval)."""
        if self._plots is None:
            from .plots import all_plots

            self._plots = all_plots(self._data)
        return dict(self._plots)

    def _repr_html_(self) -> str:
        from .report_html import fragment

        return fragment(self._data, self.plots(), self._evidence())

    def _evidence(self) -> str:
        """Where the report went (as evidence, or why not)."""
        if self.recorded is not None:
            p = self.recorded.payload
            return (
                f"Recorded as evidence of run '{p.get('run_name')}' ({str(p.get('run_id'))[:12]}): "
                f"ledger entry {self.recorded.short_id}, MLflow artifacts {p.get('artifacts')}/"
            )
        return self.not_recorded or ""

    def html_document(self) -> str:
        """A standalone HTML page of the report (for the MLflow artifact)."""
        from .report_html import document

        return document(self._data, self.plots(), self._evidence())

    def __repr__(self) -> str:
        d = self._data
        features = ", ".join(f["name"] for f in d["features"])
        return f"<FairnessReport {d['task']}, {d['rows']:,} rows, {features}: {self.verdict()}>"
