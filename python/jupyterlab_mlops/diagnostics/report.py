"""The diagnostics report: its figures and findings as JSON (the one source of truth, logged
as is), and what is drawn from them: HTML for a notebook or a page, and plots (PNG)."""

from __future__ import annotations

import copy
import json
from typing import Any

from ..errors import MlopsError

#: what a report's JSON says it is, and the layout version this code reads and writes
FORMAT = "jupyterlab_mlops.diagnostics"
VERSION = 1

_REQUIRED = (
    "task", "model", "rows", "seed", "thresholds", "overfit", "leakage", "calibration",
    "balance", "shift", "findings",
)  # fmt: skip


class DiagnosticsReport:
    """Overfit, leakage, calibration, class balance and train/test shift of one model."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self._plots: dict[str, bytes] | None = None
        # where it went (set by ``diagnose``): the ledger entry, or why there is none
        self.recorded: Any = None
        self.not_recorded: str | None = None
        self.report_id: str | None = None
        self.run_id: str | None = None

    # -- JSON ------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Every figure and finding (JSON-serializable)."""
        return copy.deepcopy(self._data)

    @classmethod
    def from_json(cls, data: dict[str, Any] | str | bytes) -> DiagnosticsReport:
        """The report that :meth:`to_json` gave (a dict, or its JSON text)."""
        if isinstance(data, str | bytes):
            try:
                data = json.loads(data)
            except ValueError as exc:
                raise MlopsError(f"not a diagnostics report: {exc}", "diagnose again") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise MlopsError("not a diagnostics report", f"expected JSON with format {FORMAT!r}")
        version = data.get("version")
        if not isinstance(version, int) or version > VERSION:
            raise MlopsError(
                f"diagnostics report version {version!r} is newer than this jupyterlab-mlops reads",
                "upgrade jupyterlab-mlops, or diagnose again",
            )
        missing = [key for key in _REQUIRED if key not in data]
        if missing:
            raise MlopsError(f"diagnostics report lacks {', '.join(missing)}", "diagnose again")
        return cls(copy.deepcopy(data))

    # -- what it says ----------------------------------------------------------------------

    @property
    def findings(self) -> list[dict[str, Any]]:
        """``[{check, status, detail, evidence}]``, status pass, warn, fail or info."""
        return copy.deepcopy(self._data["findings"])

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["status"] == "fail"]

    @property
    def passed(self) -> bool:
        """No finding fails under the template's thresholds."""
        return not self.failed

    @property
    def overfit(self) -> dict[str, Any]:
        return copy.deepcopy(self._data["overfit"])

    @property
    def calibration(self) -> dict[str, Any] | None:
        return copy.deepcopy(self._data["calibration"])

    def summary(self) -> dict[str, Any]:
        """What the ledger entry keeps: the figures the checks re-judge, the findings, rows,
        seed and thresholds (no reliability curve; the columns of highest shift)."""
        from .balance import shift_summary

        d = self._data
        calibration = d["calibration"]
        if calibration is not None:
            calibration = {k: v for k, v in calibration.items() if k != "curve"}
        return {
            "task": d["task"],
            "model": dict(d["model"]),
            "rows": dict(d["rows"]),
            "seed": d["seed"],
            "resamples": d.get("resamples"),
            "thresholds": copy.deepcopy(d["thresholds"]),
            "overfit": copy.deepcopy(d["overfit"]),
            "leakage": copy.deepcopy(d["leakage"]),
            "calibration": calibration,
            "balance": copy.deepcopy(d["balance"]),
            "shift": shift_summary(d["shift"]),
            "findings": [{k: f[k] for k in ("check", "status", "detail")} for f in d["findings"]],
        }

    def metrics(self) -> dict[str, float]:
        """The run metrics: the gap, the ECE and Brier score, the largest leakage figures."""
        d = self._data
        found = {
            "diagnostics_overfit_gap": d["overfit"]["gap"],
            "diagnostics_overfit_train": d["overfit"]["train"],
            "diagnostics_overfit_test": d["overfit"]["test"],
            "diagnostics_duplicate_share": d["leakage"]["duplicates"]["share"],
        }
        single = [r["score"] for r in d["leakage"]["single_feature"] if r["score"] is not None]
        if single:
            found["diagnostics_max_single_feature_score"] = max(single)
        calibration = d["calibration"] or {}
        for key in ("ece", "brier"):
            if isinstance(calibration.get(key), float):
                found[f"diagnostics_{key}"] = calibration[key]
        if d["shift"].get("max"):
            found["diagnostics_max_shift_psi"] = d["shift"]["max"]["psi"]
        return {k: float(v) for k, v in found.items() if isinstance(v, int | float)}

    # -- pictures and HTML -----------------------------------------------------------------

    def plots(self) -> dict[str, bytes]:
        """Every plot, by name, as PNG bytes (drawn once)."""
        if self._plots is None:
            from .plots import all_plots

            self._plots = all_plots(self._data)
        return dict(self._plots)

    def _repr_html_(self) -> str:
        from .report_html import fragment

        return fragment(self._data, self.plots(), self._evidence_line())

    def html_document(self) -> str:
        """The report as a standalone HTML page (logged with the run)."""
        from .report_html import document

        return document(self._data, self.plots())

    def _evidence_line(self) -> str:
        if self.recorded is not None:
            return f"recorded as ledger entry {self.recorded.hash[:12]} in run {self.run_id}"
        return self.not_recorded or "not recorded"

    def __repr__(self) -> str:
        d = self._data
        counts = {s: sum(f["status"] == s for f in d["findings"]) for s in ("fail", "warn")}
        o = d["overfit"]
        return (
            f"<DiagnosticsReport {d['task']}: {d['model']['final']} on {d['rows']['train']:,} "
            f"train / {d['rows']['test']:,} test rows; {o['metric']} gap {o['gap']:.3g}; "
            f"{counts['fail']} failing, {counts['warn']} warnings>"
        )
