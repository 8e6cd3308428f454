"""How sign-offs look: who signed which version, what is stale, whether the notebook may run."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from .approvals import ApprovalStatus
from .render import CELL, MUTED, TABLE, View
from .reviews import ReviewRequest


@dataclass(repr=False)
class ApprovalsView(View):
    status: ApprovalStatus
    requests: list[ReviewRequest] = field(default_factory=list)  # pending review requests
    #: the champion and challenger (:func:`~.production.production_document`)
    production: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        found = {**self.status.to_json(), "review_requests": [r.to_json() for r in self.requests]}
        if self.production is not None:
            found["production"] = self.production
        return found

    def _requested(self) -> list[str]:
        return [
            f"{r.role} review requested by {r.entry.actor} {r.entry.time[:16].replace('T', ' ')}"
            + (f': "{r.entry.payload["comment"]}"' if r.entry.payload.get("comment") else "")
            for r in self.requests
        ]

    def _rows(self) -> list[tuple[str, str]]:
        rows = []
        for role, signoff in self.status.latest.items():
            if signoff is None:
                rows.append((role, "not signed"))
                continue
            d = signoff.to_json()
            state = "" if d["current"] else "  STALE (signed an earlier version)"
            comment = f': "{d["comment"]}"' if d["comment"] else ""
            rows.append(
                (
                    role,
                    f"{d['kind']} by {d['actor']} {d['time'][:16].replace('T', ' ')}{comment}{state}",
                )
            )
        return rows

    def _verdict(self) -> str:
        s = self.status
        if s.may_run and not s.runs_champion:
            return f"{s.notebook}: APPROVED for production (this exact version)"
        verdict = f"{s.notebook}: not approved: " + "; ".join(s.problems())
        challenger = (self.production or {}).get("challenger") or {}
        if challenger.get("champion_runs_meanwhile") and s.retired is None:
            verdict += " (production runs the approved version, the champion, meanwhile)"
        return verdict

    def to_text(self) -> str:
        lines = [self._verdict()]
        lines += [f"  {role:<8} {text}" for role, text in self._rows()]
        if self.status.stale_because:
            lines.append(
                f"  changed since the stale approvals: {', '.join(self.status.stale_because)}"
            )
        lines += [f"  pending: {line}" for line in self._requested()]
        lines += production_lines(self.production)
        return "\n".join(lines)

    def to_html(self) -> str:
        body = "".join(
            f"<tr><th {CELL}>{escape(r)}</th><td {CELL}>{escape(t)}</td></tr>"
            for r, t in self._rows()
        )
        stale = (
            f"<div {MUTED}>changed since the stale approvals: {escape(', '.join(self.status.stale_because))}</div>"
            if self.status.stale_because
            else ""
        )
        pending = "".join(
            f"<div {MUTED}>pending: {escape(line)}</div>" for line in self._requested()
        )
        production = "".join(
            f"<div {MUTED}>{escape(line.strip())}</div>"
            for line in production_lines(self.production)
        )
        return (
            f"<div><b>{escape(self._verdict())}</b></div><table {TABLE}>{body}</table>"
            f"{stale}{pending}{production}"
        )


def production_lines(production: dict[str, Any] | None) -> list[str]:
    """The champion and its challenger, a few lines each (nothing without a challenger): their
    bundles, data versions and key metrics, the challenger's as differences."""
    if not production or not production.get("challenger"):
        return []
    champion, challenger = production["champion"], production["challenger"]
    roles = ", ".join(champion["approved_by_roles"])
    when = champion["approved_at"][:16].replace("T", " ")
    awaiting = ", ".join(challenger["awaiting"]) or "none"
    if challenger["champion_runs_meanwhile"]:
        meanwhile = "batch runs use the champion until every required role signs the challenger"
    else:
        meanwhile = (
            "batch runs refuse: the challenger changed "
            + ", ".join(challenger["changes"])
            + " (only data versions, runs and prompts may change while the champion runs)"
        )
    base = _metrics_of(champion)
    return [
        f"  champion (in production): {champion['bundle_digest'][:12]}, approved {when} UTC ({roles})",
        f"    {_side_line(champion, {})}",
        f"  challenger (awaiting sign-off: {awaiting}): {challenger['bundle_digest'][:12]}",
        f"    {_side_line(challenger, base)}",
        f"  {meanwhile}",
    ]


def _metrics_of(side: dict[str, Any]) -> dict[str, float]:
    return {k: v for run in side["runs"][:1] for k, v in run["metrics"].items()}


def _side_line(side: dict[str, Any], base: dict[str, float]) -> str:
    data = ", ".join(f"{d['name']} v{d['version']}" for d in side["data"]) or "no data"
    runs = ", ".join(r["id"][:8] for r in side["runs"]) or "no run"
    metrics = []
    for key, value in _metrics_of(side).items():
        delta = f" ({value - base[key]:+.3g})" if key in base else ""
        metrics.append(f"{key}={value:.4g}{delta}")
    return f"data {data}; run {runs}" + (f"; {', '.join(metrics)}" if metrics else "")
