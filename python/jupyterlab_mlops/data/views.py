"""How data versions and their profiles look in a terminal (text), to machines (JSON) and in a
notebook (HTML).

Every piece of user or data text is escaped before it goes into HTML.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from html import escape
from typing import Any

from ..render import CELL, MUTED, TABLE, View, html_frame, html_table
from .columns import ColumnProfile
from .profile import DataProfile
from .readable import readable_number, readable_size
from .register import Registration
from .versions import DataVersion, Review, VersionDiff

_WARN = 'style="color:var(--jp-warn-color0,#b35900)"'
_HEAD = (
    'style="padding:3px 8px;text-align:left;border-bottom:1px solid var(--jp-border-color1,#999)"'
)


def _review_hint(name: str) -> str:
    return f'mlops data review {name} --decision "..."'


def _pii_lines(version: DataVersion, review: Review) -> list[str]:
    if not version.findings:
        return ["PII screen: nothing found"]
    if review.cleared and review.decision is not None:
        status = f"reviewed by {review.decision.entry.actor}"
        if review.reviewed_version != version.number:
            status += f" (the review of v{review.reviewed_version} covers these findings)"
    else:
        status = f"needs a review: {_review_hint(version.name)}"
    lines = [f"PII found, {status}:"]
    lines += [f"  {finding.describe()}" for finding in version.findings]
    return lines


def _pii_html(version: DataVersion, review: Review) -> str:
    if not version.findings:
        return f"<div {MUTED}>PII screen: nothing found.</div>"
    items = "".join(f"<li>{escape(f.describe())}</li>" for f in version.findings)
    if review.cleared and review.decision is not None:
        status = f"<div>PII reviewed by {escape(review.decision.entry.actor)}: <i>{escape(review.decision.title)}</i></div>"
    else:
        status = (
            f"<div {_WARN}><b>PII found: needs a review</b> before this data counts as cleared: "
            f"<code>%mlops data review {escape(version.name)} --decision &quot;...&quot;</code></div>"
        )
    return f'{status}<ul style="margin:2px 0">{items}</ul>'


def _shape(version: DataVersion) -> str:
    p = version.profile
    if p.kind == "table":
        return f"{p.rows or 0:,} rows x {len(p.columns)} columns, {readable_size(p.bytes)}"
    return f"{p.files:,} file(s), {readable_size(p.bytes)}"


def profile_lines(profile: DataProfile) -> list[str]:
    """A compact text profile: one line per column."""
    if profile.kind != "table":
        kinds = ", ".join(f"{ext or '(none)'}: {n:,}" for ext, n in profile.extensions.items())
        return [f"{profile.files:,} file(s), {readable_size(profile.bytes)} ({kinds})"]
    lines = [f"{'column':<24} {'type':<12} {'missing':>8} {'distinct':>9}"]
    for c in profile.columns:
        distinct = "" if c.distinct is None else f"{'~' if c.distinct_approx else ''}{c.distinct:,}"
        withheld = "  (values withheld)" if c.withheld else ""
        lines.append(f"{c.name:<24} {c.type:<12} {c.missing_rate:>8.1%} {distinct:>9}{withheld}")
    return lines


def profile_html(profile: DataProfile) -> str:
    """A compact HTML summary (inline styles with JupyterLab CSS variables; all text escaped)."""
    e = escape
    if profile.kind != "table":
        rows = "".join(
            f"<tr><td {CELL}><code>{e(ext or '(none)')}</code></td><td {CELL}>{count:,}</td></tr>"
            for ext, count in profile.extensions.items()
        )
        note = f"<div {MUTED}>{e(profile.note)}</div>" if profile.note else ""
        return (
            f"<div><b>{e(profile.format)}</b>: {profile.files:,} file(s), {e(readable_size(profile.bytes))}"
            f" <span {MUTED}>(not profiled as a table)</span></div>{note}"
            f"<table {TABLE}><tr><th {_HEAD}>extension</th><th {_HEAD}>files</th></tr>{rows}</table>"
        )
    parts = [
        f"<div><b>{profile.rows or 0:,} rows &times; {len(profile.columns)} columns</b> "
        f"<span {MUTED}>{e(profile.format)}, {e(readable_size(profile.bytes))}"
        + (f", {profile.files} files" if profile.files > 1 else "")
        + (f", statistics from a sample of {profile.sample_rows:,} rows" if profile.sampled else "")
        + f", schema {e((profile.schema_fingerprint or '')[:12])}</span></div>"
    ]
    pii: dict[str, list[str]] = {}
    for finding in profile.pii:
        pii.setdefault(finding.column, []).append(finding.kind.replace("_", " "))
    if pii:
        listed = "; ".join(f"{e(c)}: {e(', '.join(k))}" for c, k in pii.items())
        parts.append(f"<div {_WARN}>Personal or sensitive data (values withheld): {listed}</div>")
    head = "".join(
        f"<th {_HEAD}>{h}</th>" for h in ("column", "type", "missing", "distinct", "summary")
    )
    body = []
    for c in profile.columns:
        distinct = "" if c.distinct is None else f"{'~' if c.distinct_approx else ''}{c.distinct:,}"
        summary = _summary(c, pii.get(c.name, []))
        body.append(
            f"<tr><td {CELL}><code>{e(c.name)}</code></td><td {CELL}>{e(c.type)}</td>"
            f"<td {CELL}>{c.missing_rate:.1%}</td><td {CELL}>{e(distinct)}</td>"
            f"<td {CELL}>{summary}</td></tr>"
        )
    parts.append(f"<table {TABLE}><tr>{head}</tr>{''.join(body)}</table>")
    return "".join(parts)


def _summary(c: ColumnProfile, kinds: list[str]) -> str:
    e, s = escape, c.stats
    if c.withheld:
        return f"<span {_WARN}>withheld ({e(', '.join(kinds) or 'sensitive')})</span>"
    if c.top:
        count = s.get("count") or 1
        return "top: " + ", ".join(f"{e(str(v))} ({n / count:.0%})" for v, n in c.top[:3])
    if "mean" in s:
        return e(
            f"mean {readable_number(s['mean'])}, min {readable_number(s['min'])}, "
            f"max {readable_number(s['max'])}"
        )
    if "true_rate" in s:
        return e(f"true {s['true_rate']:.0%}")
    if c.type == "datetime" and s.get("min"):
        return f"{e(str(s['min']))} &ndash; {e(str(s['max']))}"
    if "min_length" in s:
        return f"length {s['min_length']}&ndash;{s['max_length']}"
    return ""


@dataclass(repr=False)
class DataRegisteredView(View):
    registration: Registration

    def to_json(self) -> dict[str, Any]:
        r = self.registration
        return {
            **r.version.to_json(),
            "created": r.created,
            "dvc_initialised": r.dvc_initialised,
            "to_commit": r.to_commit,
            "pii": [f.to_json() for f in r.version.findings],
            **r.review.to_json(),
        }

    def _headline(self) -> str:
        r, v = self.registration, self.registration.version
        if not r.created:
            return f"{v.label} is unchanged ({v.path}, md5 {v.md5[:8]}): nothing new recorded."
        after = f", after v{v.number - 1}" if v.number > 1 else ""
        return f"Registered {v.label} ({v.path}{after}): {_shape(v)}, md5 {v.md5[:8]}"

    def to_text(self) -> str:
        r = self.registration
        lines = [self._headline()]
        if r.dvc_initialised:
            lines.append("Made the project a DVC repository (.dvc/).")
        lines += _pii_lines(r.version, r.review)
        if r.to_commit:
            lines.append(f"Commit DVC's files with the code: git add {shlex.join(r.to_commit)}")
        return "\n".join(lines)

    def to_html(self) -> str:
        r = self.registration
        head = f"<div>✓ {escape(self._headline())}</div>"
        if not r.created:
            return head + _pii_html(r.version, r.review)
        commit = (
            f"<div {MUTED}>Commit DVC's files with the code: "
            f"<code>git add {escape(shlex.join(r.to_commit))}</code></div>"
            if r.to_commit
            else ""
        )
        return head + _pii_html(r.version, r.review) + profile_html(r.version.profile) + commit


_LIST_COLUMNS = [
    "name",
    "version",
    "path",
    "rows",
    "columns",
    "size",
    "pii",
    "cleared",
    "time",
    "actor",
    "id",
]


def _list_html(rows: list[dict[str, Any]]) -> str:
    heads = ("Dataset", "Version", "Path", "Rows", "Columns", "Size", "PII", "Registered", "By")
    body = []
    for row in rows:
        pii = "none found"
        if row["pii"]:
            pii = f"{row['pii']} finding(s), " + (
                "reviewed" if row["cleared"] else "<b>needs review</b>"
            )
        rows_count, columns = _count(row["rows"]), _count(row["columns"])
        cells = [
            f"<b>{escape(str(row['name']))}</b>",
            f"v{_count(row['version'])}",
            f"<code>{escape(str(row['path']))}</code>",
            "" if rows_count is None else f"{rows_count:,}",
            str(columns or ""),
            escape(readable_size(int(row["size"]))),
            pii if not row["pii"] else f"<span {_WARN if not row['cleared'] else ''}>{pii}</span>",
            escape(str(row["time"])[:16].replace("T", " ")),
            escape(str(row["actor"])),
        ]
        body.append(cells)
    return html_table(heads, body)


def _count(value: Any) -> int | None:
    """An integer cell of the list (a DataFrame turns missing ones into NaN)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return int(value)


@dataclass(repr=False)
class DataListView(View):
    versions: list[tuple[DataVersion, Review]]
    returns_value = True

    def _rows(self) -> list[dict[str, Any]]:
        rows = []
        for version, review in self.versions:
            d = version.to_json()
            rows.append(
                {
                    "name": d["name"],
                    "version": d["version"],
                    "path": d["path"],
                    "rows": d["rows"],
                    "columns": d["columns"],
                    "size": d["size"],
                    "pii": len(version.findings),
                    "cleared": review.cleared,
                    "time": d["time"],
                    "actor": d["actor"],
                    "id": d["id"],
                }
            )
        return rows

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {**v.to_json(), "pii": [f.to_json() for f in v.findings], **r.to_json()}
            for v, r in self.versions
        ]

    def to_text(self) -> str:
        if not self.versions:
            return "No data registered yet: mlops data add PATH"
        lines = []
        for version, review in self.versions:
            pii = "PII: none found"
            if version.findings:
                pii = f"PII: {len(version.findings)} finding(s), " + (
                    "reviewed" if review.cleared else "needs review"
                )
            lines.append(
                f"{version.label:<20} {version.path}  {_shape(version)}  {pii}  "
                f"{version.entry.time[:16].replace('T', ' ')}  {version.entry.actor}"
            )
        return "\n".join(lines)

    def to_html(self) -> str:
        if not self.versions:
            return f"<p {MUTED}>No data registered yet. Register a file with <code>%mlops data add PATH</code></p>"
        return _list_html(self._rows())

    def value(self) -> Any:
        import pandas as pd

        frame = html_frame(self._rows(), _LIST_COLUMNS, _list_html, frozenset(_LIST_COLUMNS))
        frame["time"] = pd.to_datetime(frame["time"])
        return frame


@dataclass(repr=False)
class DataShowView(View):
    version: DataVersion
    review: Review
    versions: int  # how many versions the dataset has

    def to_json(self) -> dict[str, Any]:
        return {
            **self.version.to_json(),
            "versions": self.versions,
            "profile": self.version.payload["profile"],
            **self.review.to_json(),
        }

    def _header(self) -> list[str]:
        v = self.version
        latest = " (latest)" if v.number == self.versions else f" (of {self.versions})"
        lines = [
            f"{v.label}{latest}: {v.path}",
            f"  md5 {v.md5}, {_shape(v)}; registered {v.entry.time[:16].replace('T', ' ')} by {v.entry.actor}",
            f"  ledger entry {v.entry.short_id}; DVC file {v.payload.get('dvc_file')}",
        ]
        if v.payload.get("description"):
            lines.append(f"  {v.payload['description']}")
        return lines

    def to_text(self) -> str:
        return "\n".join(
            [
                *self._header(),
                *_pii_lines(self.version, self.review),
                *profile_lines(self.version.profile),
            ]
        )

    def to_html(self) -> str:
        head = "<br>".join(escape(line) for line in self._header())
        return f"<div>{head}</div>{_pii_html(self.version, self.review)}{profile_html(self.version.profile)}"


@dataclass(repr=False)
class DataDiffView(View):
    diff: VersionDiff

    def to_json(self) -> dict[str, Any]:
        return self.diff.to_json()

    def _lines(self) -> list[str]:
        d = self.diff
        content = "content changed" if d.content_changed else "same content"
        return [
            f"{d.new.name}: v{d.old.number} -> v{d.new.number} ({content}; md5 {d.old.md5[:8]} -> {d.new.md5[:8]})",
            *d.profile.summary_lines(),
        ]

    def to_text(self) -> str:
        return "\n".join(self._lines())

    def to_html(self) -> str:
        first, *rest = self._lines()
        items = "".join(f"<li>{escape(line)}</li>" for line in rest)
        return f'<div><b>{escape(first)}</b></div><ul style="margin:2px 0">{items}</ul>'
