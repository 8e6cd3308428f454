"""The explanation report: its figures as JSON (the one source of truth, cached and logged
as is), and what is drawn from them: tables, plots (PNG), HTML for a notebook or a page."""

from __future__ import annotations

import copy
import json
from typing import Any

from ..errors import MlopsError

#: what a report's JSON says it is, and the layout version this code reads and writes
FORMAT = "jupyterlab_mlops.explanation"
VERSION = 1
#: every kind a report can hold, in the order it shows them
KINDS = ("global", "dependence", "interactions", "local", "stability", "cohorts", "additivity")
#: features listed in a summary (the ledger payload)
SUMMARY_TOP = 5

_REQUIRED = (
    "model",
    "explainer",
    "columns",
    "rows",
    "global",
    "global_importance",
    "permutation",
    "stability",
    "interactions",
    "dependence",
    "local",
    "cohorts",
    "additivity",
    "kinds",
)


class ExplanationReport:
    """Global importance with intervals, permutation importance, dependence, interactions,
    local explanations, stability, cohorts and additivity of one model on one data set."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self._plots: dict[str, bytes] | None = None
        # where it went (set by ``explain``): the ledger entry, or why there is none
        self.recorded: Any = None
        self.not_recorded: str | None = None
        self.cached = False
        self.report_id: str | None = None
        self.run_id: str | None = None

    # -- JSON ------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Every figure of the report (JSON-serializable; no NaN: missing is None)."""
        return copy.deepcopy(self._data)

    @classmethod
    def from_json(cls, data: dict[str, Any] | str | bytes) -> ExplanationReport:
        """The report that :meth:`to_json` gave (a dict, or its JSON text)."""
        if isinstance(data, (str, bytes)):
            try:
                data = json.loads(data)
            except ValueError as exc:
                raise MlopsError(f"not an explanation report: {exc}", "") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise MlopsError("not an explanation report", f"expected JSON with format {FORMAT!r}")
        version = data.get("version")
        if not isinstance(version, int) or version > VERSION:
            raise MlopsError(
                f"explanation report version {version!r} is newer than this jupyterlab-mlops reads",
                "upgrade jupyterlab-mlops, or explain the model again",
            )
        missing = [key for key in _REQUIRED if key not in data]
        if missing:
            raise MlopsError(
                f"explanation report lacks {', '.join(missing)}", "explain the model again"
            )
        return cls(copy.deepcopy(data))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExplanationReport) and other._data == self._data

    __hash__ = None  # type: ignore[assignment]  # mutable content

    # -- what it holds ---------------------------------------------------------------------

    @property
    def kinds(self) -> list[str]:
        """Which of :data:`KINDS` this report holds."""
        return list(self._data["kinds"])

    @property
    def explainer(self) -> str:
        return self._data["explainer"]["kind"]

    @property
    def space(self) -> str:
        return self._data["explainer"]["space"]

    @property
    def rows(self) -> dict[str, Any]:
        """Rows given, explained, whether they were sampled, the seed, and how."""
        return dict(self._data["rows"])

    @property
    def global_importance(self) -> Any:
        """A DataFrame, most important first: feature, importance, ci_low, ci_high, rank,
        rank_low, rank_high, unstable, permutation, permutation_std, permutation_rank."""
        import pandas as pd

        frame = pd.DataFrame(self._data["global_importance"])
        return frame.astype({"importance": float, "ci_low": float, "ci_high": float})

    @property
    def cohort_importance(self) -> Any:
        """A DataFrame with one row per (by, group, feature): size, explained, importance
        and its interval (empty without cohorts)."""
        import pandas as pd

        records = []
        for table in (self._data["cohorts"] or {}).get("tables", []):
            for group in table["groups"]:
                for row in group["importance"]:
                    records.append(
                        {
                            "by": table["by"],
                            "group": group["group"],
                            "size": group["size"],
                            "explained": group["explained"],
                            "small": group["small"],
                            **row,
                        }
                    )
        columns = ["by", "group", "size", "explained", "small", "feature", "importance"]
        return pd.DataFrame(records, columns=[*columns, "ci_low", "ci_high"])

    @property
    def local(self) -> list[dict[str, Any]]:
        """The local explanations: label, reasons, score, y, output, base, top, rest."""
        return copy.deepcopy(self._data["local"])

    def summary(self) -> dict[str, Any]:
        """The figures an ``explanation.recorded`` ledger entry carries."""
        data = self._data
        cohorts = data["cohorts"]
        return {
            "kinds": self.kinds,
            "explainer": data["explainer"]["kind"],
            "space": data["explainer"]["space"],
            "rows": {key: data["rows"][key] for key in ("given", "explained", "sampled", "seed")},
            "model": {"class": data["model"]["class"], "estimator": data["model"]["estimator"]},
            "top": [
                {key: f[key] for key in ("feature", "importance", "ci_low", "ci_high")}
                for f in data["global_importance"][:SUMMARY_TOP]
            ],
            "additivity": {
                key: data["additivity"][key] for key in ("max_error", "tolerance", "ok")
            },
            "stability": {
                "median_rank_correlation": data["stability"]["median_rank_correlation"],
                "unstable": list(data["stability"]["unstable"]),
            },
            "cohorts": {
                "by": list(cohorts["by"]) if cohorts else [],
                "groups": cohorts["groups"] if cohorts else 0,
            },
        }

    # -- drawn from the figures ------------------------------------------------------------

    def plots(self) -> dict[str, bytes]:
        """PNG images by name (importance, dependence, interactions, cohorts_N)."""
        if self._plots is None:
            from .plots import all_plots

            self._plots = all_plots(self._data)
        return dict(self._plots)

    def _repr_html_(self) -> str:
        from .report_html import fragment

        return self._evidence_html() + fragment(self._data, self.plots())

    def _evidence_html(self) -> str:
        """One line saying where the report went (as evidence, or why not)."""
        from html import escape

        source = " (from the cache: same model, data and options)" if self.cached else ""
        if self.recorded is not None:
            p = self.recorded.payload
            text = (
                f"Recorded as evidence of run '{p.get('run_name')}' ({str(p.get('run_id'))[:12]}): "
                f"ledger entry {self.recorded.short_id}, MLflow artifacts {p.get('artifacts')}/"
            )
        elif self.not_recorded:
            text = self.not_recorded
        else:
            return ""
        return f"<p style='margin:2px 0 6px'>{escape(text + source)}</p>"

    def html_document(self) -> str:
        """A standalone HTML page of the report (for the MLflow artifact)."""
        from .report_html import document

        return document(self._data, self.plots())

    def __repr__(self) -> str:
        rows = self._data["rows"]
        top = ", ".join(f["feature"] for f in self._data["global_importance"][:3])
        return (
            f"<ExplanationReport {self._data['model']['estimator']}, {self.explainer} explainer, "
            f"{rows['explained']:,} of {rows['given']:,} rows; top: {top}>"
        )
