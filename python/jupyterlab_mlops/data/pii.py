"""PII and sensitive-data screening of a table sample ("no data smuggling").

:func:`screen_table` looks at every column of a (sampled) table and reports the columns that hold
e-mail addresses, phone numbers, payment-card numbers, IBANs, national identity numbers, person
names or dates of birth, plus every column the user declared sensitive. Checks come from
well-kept libraries: ``python-stdnum`` (Luhn, IBAN mod-97, national ids with a check digit) and
``phonenumbers`` (numbering plans), run by the detectors of :mod:`.pii_detectors`; person names
and column-name hints come from :mod:`.pii_names`. A finding never carries a raw value, only a
masked example.

How a column is judged (thresholds are module constants, see the report in the docstrings):

* every distinct value is screened once (weighted by how often it occurs) with a cheap RE2
  pattern run by pyarrow; only values that pass it are parsed in Python and validated;
* *strong* kinds (a checksum or a very specific structure: e-mail, card, IBAN, national ids with
  a check digit, international phone numbers) are flagged when at least :data:`MIN_MATCHES`
  values validate and at least :data:`MIN_PRECISION` of the look-alike candidates validate.
  Random look-alikes pass a checksum by chance at most ~10 % of the time (Luhn; 1 % for
  mod-97), so a column of order numbers is not flagged while a free-text column with a few
  embedded real card numbers or e-mails is;
* *weak* kinds (no check digit: person names, dates of birth, national-format phone numbers,
  GB NINO, US SSN, DK CPR) are flagged only when at least :data:`MIN_SHARE` of all non-missing
  values match, so they are never found inside free text;
* when a column has more candidates than a detector's ``limit``, a seeded random subset of the
  distinct candidates is validated and the counts are extrapolated (``estimated`` is true).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import MlopsError
from .pii_columns import Column, from_arrow, from_series, match_all, prefiltered
from .pii_detectors import DETECTORS, LOCAL_PHONE, SSN_DIGITS, Detector
from .pii_names import NAME_SHAPE, SINGLE_SHAPE, fold, mask_name, name_lists, name_parts

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

KINDS = (
    "email",
    "phone",
    "card_number",
    "iban",
    "national_id",
    "person_name",
    "date_of_birth",
    "declared_sensitive",
)

#: a column needs at least this many matching values (one stray match is not a finding)
MIN_MATCHES = 2
#: strong kinds: share of look-alike candidates that must validate (chance is <= ~10 %)
MIN_PRECISION = 0.5
#: weak kinds: share of all non-missing values that must match
MIN_SHARE = 0.5
#: person names in a column named like a person (``full_name``, ``customer``): share with a known
#: given name or surname, on top of MIN_SHARE of values shaped like a name
MIN_SHARE_HINTED = 0.3
#: columns named like a city/employer/product need this share of name-like values
MIN_SHARE_ANTI_HINT = 0.8
#: the screen looks at no more rows than this (a seeded random sample of a larger frame)
MAX_ROWS = 200_000
_SEED = 20240630


@dataclass(frozen=True)
class PiiFinding:
    """One kind of personal or sensitive data found in one column; never holds a raw value."""

    column: str
    kind: str
    matched: int  # non-missing values that match (extrapolated when ``estimated``)
    checked: int  # non-missing values screened
    share: float  # matched / checked
    example: str = ""  # masked, e.g. ``4*** **** **** 6253``
    detail: str = ""  # e.g. the id type (``NL BSN``), card issuers, phone regions
    estimated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "kind": self.kind,
            "detail": self.detail,
            "matched": self.matched,
            "checked": self.checked,
            "share": self.share,
            "example": self.example,
            "estimated": self.estimated,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PiiFinding:
        return cls(
            column=str(data["column"]),
            kind=str(data["kind"]),
            matched=int(data["matched"]),
            checked=int(data["checked"]),
            share=float(data["share"]),
            example=str(data.get("example", "")),
            detail=str(data.get("detail", "")),
            estimated=bool(data.get("estimated", False)),
        )

    def describe(self) -> str:
        """One line for a terminal."""
        what = f"{self.kind} ({self.detail})" if self.detail else self.kind
        if self.kind == "declared_sensitive":
            return f"{self.column}: declared sensitive"
        approx = "~" if self.estimated else ""
        example = f", e.g. {self.example}" if self.example else ""
        return f"{self.column}: {what} in {approx}{self.matched:,} of {self.checked:,} values ({self.share:.1%}){example}"


def screen_table(
    frame: pd.DataFrame, *, declared: Iterable[str] = (), max_rows: int = MAX_ROWS
) -> list[PiiFinding]:
    """Screen every column of ``frame`` for PII; declared columns are always reported.

    Raises :class:`MlopsError` when a declared column is not in the table.
    """
    names = [str(c) for c in frame.columns]
    declared_set = _check_declared(declared, names)
    if len(frame) > max_rows:
        frame = frame.sample(n=max_rows, random_state=_SEED)
    prepared = []
    for position, name in enumerate(names):
        series = frame.iloc[:, position]
        checked = int(series.notna().sum()) if name in declared_set else 0
        prepared.append((name, from_series(name, series), checked))
    return _screen(prepared, declared_set)


def screen_arrow(
    table: pa.Table, *, declared: Iterable[str] = (), max_rows: int = MAX_ROWS
) -> list[PiiFinding]:
    """:func:`screen_table` of a pyarrow Table (a profile's sample), with the same findings as
    for ``table.to_pandas()``; string columns are screened without pandas or Python objects."""
    names = list(table.column_names)
    declared_set = _check_declared(declared, names)
    if table.num_rows > max_rows:  # the rows DataFrame.sample would pick, in its order
        import pandas as pd

        rows = pd.RangeIndex(table.num_rows).to_series()
        table = table.take(rows.sample(n=max_rows, random_state=_SEED).to_numpy())
    prepared = [(name, *from_arrow(name, table.column(i))) for i, name in enumerate(names)]
    return _screen(prepared, declared_set)


def _screen(prepared: list[tuple[str, Column | None, int]], declared: set[str]) -> list[PiiFinding]:
    """Findings per column, in column order; ``prepared`` holds each column's name, its
    values (``None``: nothing to screen) and its non-missing count (used when declared)."""
    match_all(
        [c for _, c, _ in prepared if c is not None and c.kind == "text" and not c.free_text],
        NAME_SHAPE,
    )  # person names: one regex call for all columns
    findings: list[PiiFinding] = []
    for name, column, checked in prepared:
        found = _screen_column(column) if column is not None else []
        if name in declared:
            found.append(
                PiiFinding(name, "declared_sensitive", checked, checked, 1.0 if checked else 0.0)
            )
        findings.extend(sorted(found, key=lambda f: KINDS.index(f.kind)))
    return findings


def _check_declared(declared: Iterable[str], names: Sequence[str]) -> set[str]:
    wanted = [declared] if isinstance(declared, str) else list(declared)
    missing = [str(d) for d in wanted if str(d) not in names]
    if missing:
        shown = ", ".join(names[:30]) + (f", ... ({len(names)} in all)" if len(names) > 30 else "")
        raise MlopsError(
            f"declared sensitive column{'s' if len(missing) > 1 else ''} not in the table: {', '.join(missing)}",
            f"the table's columns are: {shown}",
        )
    return {str(d) for d in wanted}


# --- screening one column --------------------------------------------------------------------


@dataclass
class _Tally:
    detector: Detector
    candidates: int
    matched: int
    checked: int
    example: str
    labels: Counter[str]
    estimated: bool

    def passes(self) -> bool:
        if self.matched < MIN_MATCHES:
            return False
        if self.detector.strong:
            return self.matched >= MIN_PRECISION * self.candidates
        return self.matched >= MIN_SHARE * self.checked

    def finding(self, column: str) -> PiiFinding:
        detail = self.detector.detail or ", ".join(
            label for label, _ in self.labels.most_common(5) if label
        )
        share = round(self.matched / self.checked, 4) if self.checked else 0.0
        return PiiFinding(
            column, self.detector.kind, self.matched, self.checked, share, self.example, detail,
            self.estimated,
        )  # fmt: skip


def _screen_column(column: Column) -> list[PiiFinding]:
    detectors: list[Detector] = [] if column.kind == "datetime" else list(DETECTORS)
    if "ssn" in column.hints and column.kind != "datetime":
        detectors.append(SSN_DIGITS)
    tallies = [t for d in detectors if (t := _run(d, column)) is not None and t.passes()]
    if (
        "phone" in column.hints
        and column.kind != "datetime"
        and not any(t.detector.kind == "phone" for t in tallies)
        and (local := _run(LOCAL_PHONE, column)) is not None
        and local.passes()
    ):
        tallies.append(local)  # national format ("030 1234567") only in a column named phone
    findings: list[PiiFinding] = []
    by_kind: dict[str, _Tally] = {}
    for tally in tallies:  # one finding per kind: the best-supported detector
        best = by_kind.get(tally.detector.kind)
        if best is None or (tally.matched, -tally.detector.chance) > (
            best.matched,
            -best.detector.chance,
        ):
            by_kind[tally.detector.kind] = tally
    findings.extend(t.finding(column.name) for t in by_kind.values())
    if column.kind == "text" and not column.free_text:
        name = _screen_names(column)
        if name is not None:
            findings.append(name)
    if "birth" in column.hints:
        birth = _screen_birth(column)
        if birth is not None:
            findings.append(birth)
    return findings


def _run(detector: Detector, column: Column) -> _Tally | None:
    within = column.gate(detector.gate)
    index, scale, estimated = prefiltered(column, detector.prefilter, detector.limit, within)
    if not len(index):
        return None
    values = column.values.take(index).to_pylist()
    weights = column.counts[index].tolist()
    candidates = matched = 0
    example = ""
    labels: Counter[str] = Counter()
    for value, weight in zip(values, weights, strict=True):
        found = detector.find(value)
        if not found:
            continue
        candidates += weight
        for candidate in found:
            label = detector.check(candidate)
            if label is not None:
                matched += weight
                labels[label] += weight
                example = example or detector.mask(candidate)
                break
    if not candidates:
        return None
    return _Tally(
        detector,
        round(candidates * scale),
        round(matched * scale),
        column.checked,
        example,
        labels,
        estimated,
    )


# person names ---------------------------------------------------------------------------------


def _screen_names(column: Column) -> PiiFinding | None:
    """Values shaped like "Given Family" (2-4 capitalised tokens) whose given name is known."""
    first_names, surnames = name_lists()
    person = "person" in column.hints
    shaped, scale, estimated = prefiltered(column, NAME_SHAPE, 20_000, cached=True)
    matched = structural = 0
    example = ""
    values = column.values.take(shaped).to_pylist()
    for value, weight in zip(values, column.counts[shaped].tolist(), strict=True):
        given, family = name_parts(value)
        structural += weight
        if given in first_names or (person and family in surnames):
            matched += weight
            example = example or mask_name(value)
    matched, structural, checked = round(matched * scale), round(structural * scale), column.checked
    if "not_person" in column.hints:
        flagged = matched >= MIN_SHARE_ANTI_HINT * checked
    elif person:
        flagged = structural >= MIN_SHARE * checked and matched >= MIN_SHARE_HINTED * checked
    else:
        flagged = matched >= MIN_SHARE * checked
    if not flagged and person:  # a first-name or a surname column: one known token per value
        single, scale, estimated = prefiltered(column, SINGLE_SHAPE, 20_000)
        values = column.values.take(single).to_pylist()
        matched, example = 0, ""
        for value, weight in zip(values, column.counts[single].tolist(), strict=True):
            if fold(value) in first_names or fold(value) in surnames:
                matched += weight
                example = example or mask_name(value)
        matched = round(matched * scale)
        flagged = matched >= MIN_SHARE * checked
    if not flagged or matched < MIN_MATCHES:
        return None
    share = round(matched / checked, 4)
    return PiiFinding(column.name, "person_name", matched, checked, share, example, "", estimated)


# dates of birth -------------------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%Y%m%d", "%d-%m-%Y")


def _screen_birth(column: Column) -> PiiFinding | None:
    """Dates in a column named like a date of birth, implying ages of 0-120 years today."""
    import numpy as np
    import pandas as pd

    values = pd.Series(column.values.to_pylist(), dtype=object).str.strip().str.slice(0, 10)
    best, best_ok = None, np.zeros(len(values), dtype=bool)
    for fmt in _DATE_FORMATS:
        parsed = pd.to_datetime(values, format=fmt, errors="coerce")
        ok = parsed.notna().to_numpy()
        if ok.sum() > best_ok.sum():
            best, best_ok = parsed, ok
    if best is None:
        return None
    today = pd.Timestamp(dt.date.today())
    age_days = (today - best).dt.days.to_numpy(dtype="float64", na_value=np.nan)
    plausible = best_ok & (age_days >= 0) & (age_days <= 120 * 365.25)
    matched = int(column.counts[plausible].sum())
    if matched < MIN_MATCHES or matched < MIN_SHARE * column.checked:
        return None
    share = round(matched / column.checked, 4)
    return PiiFinding(column.name, "date_of_birth", matched, column.checked, share, "****-**-**")
