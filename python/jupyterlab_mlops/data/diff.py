"""What changed between two profiles of (versions of) the same data: schema, rows, missing
rates, distribution shifts and PII findings, each reported only past its tolerance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .columns import ColumnProfile, base_type, json_number
from .profile import DataProfile
from .readable import readable_number, readable_size

#: diff: a missing rate must move by this much (absolute) to be reported
MISSING_TOLERANCE = 0.01
#: diff: a mean must move by this many (old) standard deviations to be reported
MEAN_SHIFT_STD = 0.1
#: diff: a standard deviation must grow or shrink by this factor to be reported
STD_RATIO = 1.25
#: diff: a top value's share must move by this much (absolute) to be reported
SHARE_TOLERANCE = 0.05


@dataclass(frozen=True)
class ProfileDiff:
    """What changed between two profiles of (versions of) the same data."""

    schema_changed: bool
    rows_old: int | None
    rows_new: int | None
    bytes_old: int
    bytes_new: int
    added: tuple[dict[str, Any], ...] = ()  # {"name", "type"}
    removed: tuple[dict[str, Any], ...] = ()
    retyped: tuple[dict[str, Any], ...] = ()  # {"name", "old", "new"}
    missing: tuple[dict[str, Any], ...] = ()  # {"name", "old", "new"} missing rates
    shifts: tuple[dict[str, Any], ...] = ()  # {"name", "stat", "old", "new", "std_units"}
    categories: tuple[dict[str, Any], ...] = ()  # {"name", "value", "old", "new"} shares
    pii_added: tuple[dict[str, Any], ...] = ()  # {"column", "kind"}
    pii_removed: tuple[dict[str, Any], ...] = ()
    kind_changed: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.schema_changed
            or self.rows_old != self.rows_new
            or self.bytes_old != self.bytes_new
            or self.missing
            or self.shifts
            or self.categories
            or self.pii_added
            or self.pii_removed
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_changed": self.schema_changed,
            "kind_changed": self.kind_changed,
            "rows": {"old": self.rows_old, "new": self.rows_new, "change": self._row_change()},
            "bytes": {"old": self.bytes_old, "new": self.bytes_new},
            "added": list(self.added),
            "removed": list(self.removed),
            "retyped": list(self.retyped),
            "missing": list(self.missing),
            "shifts": list(self.shifts),
            "categories": list(self.categories),
            "pii_added": list(self.pii_added),
            "pii_removed": list(self.pii_removed),
        }

    def _row_change(self) -> int | None:
        if self.rows_old is None or self.rows_new is None:
            return None
        return self.rows_new - self.rows_old

    def summary_lines(self) -> list[str]:
        """Short lines for a terminal, most important first."""
        lines = []
        change = self._row_change()
        if change is None:
            lines.append(
                f"size: {readable_size(self.bytes_old)} -> {readable_size(self.bytes_new)}"
            )
        elif change:
            rate = f", {change / self.rows_old:+.1%}" if self.rows_old else ""
            lines.append(f"rows: {self.rows_old:,} -> {self.rows_new:,} ({change:+,}{rate})")
        else:
            lines.append(f"rows: {self.rows_new:,} (unchanged)")
        if self.kind_changed:
            lines.append("format changed: one of the versions is not a table")
        if not self.schema_changed:
            lines.append("schema: unchanged")
        else:
            lines.append(
                f"schema changed: {len(self.added)} added, {len(self.removed)} removed, "
                f"{len(self.retyped)} retyped"
            )
        lines += [f"  + {c['name']} ({c['type']})" for c in self.added]
        lines += [f"  - {c['name']} ({c['type']})" for c in self.removed]
        lines += [f"  ~ {c['name']}: {c['old']} -> {c['new']}" for c in self.retyped]
        lines += [f"missing {m['name']}: {m['old']:.1%} -> {m['new']:.1%}" for m in self.missing]
        for s in self.shifts:
            units = f" ({s['std_units']:+.2f} std)" if s.get("std_units") is not None else ""
            lines.append(
                f"shift {s['name']}: {s['stat']} {readable_number(s['old'])} -> "
                f"{readable_number(s['new'])}{units}"
            )
        lines += [
            f"share {c['name']}={c['value']}: {c['old']:.1%} -> {c['new']:.1%}"
            for c in self.categories
        ]
        lines += [f"PII: new {p['kind']} in {p['column']}" for p in self.pii_added]
        lines += [f"PII: no longer found: {p['kind']} in {p['column']}" for p in self.pii_removed]
        return lines


def diff_profiles(old: DataProfile, new: DataProfile) -> ProfileDiff:
    """Compare two profiles: schema, rows, missing rates, distribution shifts, PII."""
    old_cols = {c.name: c for c in old.columns}
    new_cols = {c.name: c for c in new.columns}
    added = tuple({"name": c.name, "type": c.type} for c in new.columns if c.name not in old_cols)
    removed = tuple({"name": c.name, "type": c.type} for c in old.columns if c.name not in new_cols)
    retyped, missing, shifts, categories = [], [], [], []
    for c in new.columns:
        before = old_cols.get(c.name)
        if before is None:
            continue
        if base_type(before.type) != base_type(c.type):
            retyped.append({"name": c.name, "old": before.type, "new": c.type})
            continue
        if abs(c.missing_rate - before.missing_rate) >= MISSING_TOLERANCE:
            missing.append({"name": c.name, "old": before.missing_rate, "new": c.missing_rate})
        shifts += _shifts(before, c)
        categories += _category_shifts(before, c)
    old_pii = {(f.column, f.kind) for f in old.pii}
    new_pii = {(f.column, f.kind) for f in new.pii}
    return ProfileDiff(
        schema_changed=old.schema_fingerprint != new.schema_fingerprint,
        rows_old=old.rows,
        rows_new=new.rows,
        bytes_old=old.bytes,
        bytes_new=new.bytes,
        added=added,
        removed=removed,
        retyped=tuple(retyped),
        missing=tuple(missing),
        shifts=tuple(shifts),
        categories=tuple(categories),
        pii_added=tuple({"column": c, "kind": k} for c, k in sorted(new_pii - old_pii)),
        pii_removed=tuple({"column": c, "kind": k} for c, k in sorted(old_pii - new_pii)),
        kind_changed=old.kind != new.kind,
    )


def _shifts(old: ColumnProfile, new: ColumnProfile) -> list[dict[str, Any]]:
    a, b = old.stats, new.stats
    out: list[dict[str, Any]] = []
    if a.get("mean") is not None and b.get("mean") is not None:
        std = a.get("std") or 0.0
        moved = b["mean"] - a["mean"]
        if std > 0 and abs(moved) > MEAN_SHIFT_STD * std:
            out.append(_shift(new.name, "mean", a["mean"], b["mean"], moved / std))
        elif std == 0 and moved:
            out.append(_shift(new.name, "mean", a["mean"], b["mean"], None))
        old_std, new_std = a.get("std") or 0.0, b.get("std") or 0.0
        if old_std > 0 and new_std > 0 and max(new_std / old_std, old_std / new_std) > STD_RATIO:
            out.append(_shift(new.name, "std", old_std, new_std, None))
    if (
        a.get("true_rate") is not None
        and b.get("true_rate") is not None
        and abs(b["true_rate"] - a["true_rate"]) >= SHARE_TOLERANCE
    ):
        out.append(_shift(new.name, "true_rate", a["true_rate"], b["true_rate"], None))
    return out


def _shift(name: str, stat: str, old: float, new: float, units: float | None) -> dict[str, Any]:
    return {"name": name, "stat": stat, "old": old, "new": new, "std_units": json_number(units)}


def _category_shifts(old: ColumnProfile, new: ColumnProfile) -> list[dict[str, Any]]:
    if old.top is None or new.top is None or not old.stats.get("count"):
        return []
    if not new.stats.get("count"):
        return []
    before = {v: c / old.stats["count"] for v, c in old.top}
    after = {v: c / new.stats["count"] for v, c in new.top}
    out = []
    for value in sorted(set(before) | set(after), key=str):
        a, b = before.get(value, 0.0), after.get(value, 0.0)
        if abs(b - a) >= SHARE_TOLERANCE:
            out.append(
                {"name": new.name, "value": value, "old": json_number(a), "new": json_number(b)}
            )
    return out
