"""PII and sensitive-data screening of a table sample ("no data smuggling").

:func:`screen_table` looks at every column of a (sampled) table and reports the columns that hold
e-mail addresses, phone numbers, payment-card numbers, IBANs, national identity numbers, person
names or dates of birth, plus every column the user declared sensitive. Checks come from
well-kept libraries: ``python-stdnum`` (Luhn, IBAN mod-97, national ids with a check digit) and
``phonenumbers`` (numbering plans). A finding never carries a raw value, only a masked example.

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
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import MlopsError

if TYPE_CHECKING:
    import numpy as np
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
    findings: list[PiiFinding] = []
    for position, name in enumerate(names):
        column = _prepare(name, frame.iloc[:, position])
        found = _screen_column(column) if column is not None else []
        if name in declared_set:
            checked = int(frame.iloc[:, position].notna().sum())
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


# --- column preparation ----------------------------------------------------------------------


@dataclass
class _Column:
    name: str
    values: pa.Array  # distinct non-missing values as strings
    counts: np.ndarray  # how often each occurs
    checked: int
    kind: str  # "text", "number" (integers written as digits) or "datetime"
    hints: frozenset[str]
    free_text: bool = False
    _gates: dict[str, np.ndarray] = field(default_factory=dict)

    def gate(self, name: str) -> np.ndarray | None:
        """Distinct values that may hold a digit-based id (``digits``: six digits close
        together) or a national id (``ids``: any id pattern as a whole word); cached."""
        if not name:
            return None
        if name not in self._gates:
            within = self.gate("digits") if name == "ids" else None
            self._gates[name] = _prefiltered(self, _GATES[name], 10**12, within)[0]
        return self._gates[name]


def _prepare(name: str, series: pd.Series) -> _Column | None:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    series = series.dropna()
    hints = _hints(name)
    kind = "text"
    if len(series) == 0 or pd.api.types.is_bool_dtype(series.dtype):
        return None
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        if "birth" not in hints:
            return None  # only a date of birth can be told from dates, and only by its name
        series, kind = series.dt.strftime("%Y-%m-%d"), "datetime"
    elif pd.api.types.is_integer_dtype(series.dtype):
        series, kind = series.astype("int64").astype(str), "number"
    elif pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype="float64")
        if not (np.isfinite(values).all() and (values == np.round(values)).all()):
            return None  # amounts and measurements, not identifiers
        if np.abs(values).max() >= 2**53:
            return None
        series, kind = series.astype("int64").astype(str), "number"
    array = pa.array(series.astype(str), type=pa.string(), from_pandas=True)
    counted = pc.value_counts(array)
    values = counted.field("values")
    counts = counted.field("counts").to_numpy(zero_copy_only=False).astype(np.int64)
    column = _Column(name, values, counts, int(counts.sum()), kind, hints)
    if kind == "text":
        words = pc.count_substring_regex(values, r"\s+").to_numpy(zero_copy_only=False)
        column.free_text = float((words * counts).sum()) / column.checked >= 3.0
    return column


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _tokens(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [t for t in re.split(r"[^0-9a-zA-Z]+", _fold(spaced)) if t]


_NAME_HINTS = _words(
    "name names fullname firstname lastname surname surnames forename forenames givenname "
    "familyname middlename maidenname vorname nachname nom prenom nombre apellido apellidos "
    "cognome naam voornaam achternaam person customer client patient employee applicant holder "
    "cardholder contact owner beneficiary payee payer recipient sender signatory guarantor"
)
_ANTI_NAME_HINTS = _words(
    "city cities town village country region state province county district street address "
    "place location employer company companies organisation organization org firm business "
    "brand product products item items bank school university college hospital store shop "
    "merchant vendor supplier team club model file filename user username login host project "
    "category department dept title job occupation position role purpose type segment label "
    "tag sku industry sector branch office site venue event campaign"
)
_PHONE_HINTS = _words(
    "phone phones telephone tel mobile cell cellphone fax handy telefon telefono telefoon "
    "telephone msisdn gsm portable mobil"
)
_BIRTH_MARKS = ("birth", "geburt", "naissance", "nacimiento", "nascita", "geboorte", "fodsel")


def _hints(name: str) -> frozenset[str]:
    tokens = _tokens(name)
    words = set(tokens)
    joined = "".join(tokens)
    found = set()
    if words & _ANTI_NAME_HINTS:
        found.add("not_person")
    elif words & _NAME_HINTS or joined.endswith("name"):
        found.add("person")
    if words & _PHONE_HINTS:
        found.add("phone")
    if (
        any(mark in joined for mark in _BIRTH_MARKS)
        or words & {"dob", "born", "bday", "birthday", "geboren"}
        or "dateofbirth" in joined
    ):
        found.add("birth")
    if words & {"ssn", "socialsecurity"} or "socialsecurity" in joined:
        found.add("ssn")
    return frozenset(found)


# --- detectors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Detector:
    kind: str
    prefilter: str  # RE2 pattern, run by pyarrow over the distinct values
    find: Callable[[str], list[str]]  # look-alike candidates in one value
    check: Callable[[str], str | None]  # a label when the candidate validates, else None
    mask: Callable[[str], str]
    strong: bool = True
    detail: str = ""  # fixed detail (national id type); else the most common check labels
    chance: float = 0.1  # rough pass rate of random look-alikes (tie-break between id types)
    limit: int = 5_000  # distinct candidates validated per column before sampling
    gate: str = "digits"  # pre-selects the values worth the prefilter (see ``_Column.gate``)


_GATE = r"\d(?:\D{0,3}\d){5}"  # RE2; every detector but e-mail needs this much
_START = r"(?<![\w+])(?<![\d+][ .\-])"  # not inside a word, a number or a phone number
_END = r"(?!\w)(?![ .\-]\d)"


def _finder(pattern: str) -> Callable[[str], list[str]]:
    regex = re.compile(_START + pattern + _END)
    return regex.findall


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _stars(text: str, keep_start: int, keep_end: int) -> str:
    middle = max(len(text) - keep_start - keep_end, 0)
    return text[:keep_start] + "*" * middle + (text[-keep_end:] if keep_end and middle else "")


def _group(text: str, sizes: Sequence[int] = ()) -> str:
    parts, i = [], 0
    for size in sizes or [4] * ((len(text) + 3) // 4):
        parts.append(text[i : i + size])
        i += size
    if i < len(text):
        parts.append(text[i:])
    return " ".join(p for p in parts if p)


# e-mail ---------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
)
_AT_TOKEN = re.compile(r"[^\s<>()\[\],;:\"]*@[^\s<>()\[\],;:\"]*")


def _check_email(token: str) -> str | None:
    return "" if _EMAIL.fullmatch(token.strip(".!?'")) else None


def _mask_email(token: str) -> str:
    local, _, domain = token.strip(".!?'").partition("@")
    return f"{local[:1]}***@{domain}"


# payment cards --------------------------------------------------------------------------------

_CARD_RUN = re.compile(_START + r"\d+(?:[ -]\d+)*")
#: (issuer, prefixes as (low, high) over the first len(low) digits, allowed lengths)
_ISSUERS = (
    ("Visa", (("4", "4"),), (16, 19)),
    ("Mastercard", (("51", "55"), ("2221", "2720")), (16,)),
    ("Amex", (("34", "34"), ("37", "37")), (15,)),
    ("Discover", (("6011", "6011"), ("644", "649"), ("65", "65")), (16, 19)),
    ("JCB", (("3528", "3589"),), (16, 19)),
    ("Diners", (("300", "305"), ("36", "36"), ("38", "39")), (14, 16, 19)),
    ("UnionPay", (("62", "62"),), (16, 17, 18, 19)),
    ("Maestro", (("50", "50"), ("56", "58"), ("67", "67")), (16, 19)),
    ("Mir", (("2200", "2204"),), (16,)),
)


def _find_cards(value: str) -> list[str]:
    """Digit windows of 13-19 digits made of whole groups of a digit run."""
    out = []
    for run in _CARD_RUN.findall(value):
        groups = re.findall(r"\d+", run)
        for i in range(len(groups)):
            total = 0
            for j in range(i, len(groups)):
                total += len(groups[j])
                if total > 19:
                    break
                if total >= 13:
                    out.append(" ".join(groups[i : j + 1]))
    return out


def _issuer(number: str) -> str | None:
    for issuer, ranges, lengths in _ISSUERS:
        if len(number) in lengths and any(
            low <= number[: len(low)] <= high for low, high in ranges
        ):
            return issuer
    return None


def _check_card(candidate: str) -> str | None:
    from stdnum import luhn

    number = _digits(candidate)
    issuer = _issuer(number)
    return issuer if issuer and luhn.is_valid(number) else None


def _mask_card(candidate: str) -> str:
    number = _digits(candidate)
    sizes = (4, 6, 5) if len(number) == 15 else ()
    return _group(_stars(number, 1, 4), sizes)


# IBAN -----------------------------------------------------------------------------------------

_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}")


def _find_ibans(value: str) -> list[str]:
    out = []
    for match in _IBAN.findall(value):
        parts = match.split(" ")
        for end in range(len(parts), 0, -1):  # text after an IBAN may be glued on: trim groups
            candidate = "".join(parts[:end])
            if len(candidate) >= 15:
                out.append(candidate)
    return out


def _check_iban(candidate: str) -> str | None:
    from stdnum import iban

    return candidate[:2] if iban.is_valid(candidate) else None


def _mask_iban(candidate: str) -> str:
    return _group(_stars(candidate.replace(" ", ""), 2, 2))


# phone numbers --------------------------------------------------------------------------------

_PHONE_INTL = re.compile(r"(?<![\w+])(?:\+|00)[1-9][\d ()./-]{5,22}\d")
_PHONE_LOCAL = re.compile(r"\(?\+?\d[\d ()./-]{5,20}\d")
_PHONE_REGIONS = ("US", "GB", "DE", "FR", "NL", "ES", "IT", "BE", "AT", "CH", "SE", "PL", "IN")


def _phone_variants(raw: str) -> list[str]:
    """The number, and shorter versions without trailing groups (text glued on)."""
    parts = re.split(r"(?<=\d)[ ./-]+(?=\d)", raw.strip())
    out = []
    for end in range(len(parts), 0, -1):
        digits = _digits("".join(parts[:end]))
        if raw.lstrip("(").startswith("00"):
            digits = digits[2:]
        if 8 <= len(digits) <= 15:
            out.append("+" + digits)
    return out


def _find_phones(value: str) -> list[str]:
    return [v for raw in _PHONE_INTL.findall(value) for v in _phone_variants(raw)]


def _check_phone(candidate: str) -> str | None:
    import phonenumbers

    try:
        number = phonenumbers.parse(candidate, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.region_code_for_country_code(number.country_code)


def _find_local_phones(value: str) -> list[str]:
    value = value.strip()
    if not _PHONE_LOCAL.fullmatch(value):
        return []
    digits = _digits(value)
    return [value, "+" + digits] if 7 <= len(digits) <= 15 else []


def _check_local_phone(candidate: str) -> str | None:
    import phonenumbers

    if candidate.startswith("+"):
        return _check_phone(candidate)
    for region in _PHONE_REGIONS:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.region_code_for_country_code(number.country_code)
    return None


def _mask_phone(candidate: str) -> str:
    import phonenumbers

    if candidate.startswith("+"):
        try:
            number = phonenumbers.parse(candidate, None)
            return f"+{number.country_code} {_stars(str(number.national_number), 0, 2)}"
        except phonenumbers.NumberParseException:
            pass
    return _stars(_digits(candidate), 0, 2)


# national identity numbers --------------------------------------------------------------------


def _stdnum(module: str) -> Callable[[str], str | None]:
    def check(candidate: str) -> str | None:
        import importlib

        return "" if importlib.import_module(f"stdnum.{module}").is_valid(candidate) else None

    return check


_NINO_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def _check_nino(candidate: str) -> str | None:
    """GB National Insurance number: format only (HMRC prefix rules); it has no check digit."""
    compact = candidate.replace(" ", "").upper()
    return "" if compact[:2] not in _NINO_BAD_PREFIXES else None


def _mask_id(candidate: str) -> str:
    return _stars(re.sub(r"[\s.\-]", "", candidate), 0, 2)


_CF = "[0-9LMNPQRSTUV]"
#: (detail, pattern, check, chance that a random look-alike validates, strong)
_NATIONAL_IDS: tuple[tuple[str, str, Callable[[str], str | None], float, bool], ...] = (
    ("NL BSN", r"\d{4}\.?\d{2}\.?\d{3}", _stdnum("nl.bsn"), 0.09, True),
    ("DE Steuer-IdNr", r"[1-9]\d ?\d{3} ?\d{3} ?\d{3}", _stdnum("de.idnr"), 0.04, True),
    ("FR NIR", r"[1-478] ?\d{2} ?\d{2} ?(?:\d{2}|2[ABab]) ?\d{3} ?\d{3} ?\d{2}", _stdnum("fr.nir"), 0.01, True),
    ("ES DNI", r"\d{8}-?[A-Z]", _stdnum("es.dni"), 0.04, True),
    ("ES NIE", r"[XYZ]-?\d{7}-?[A-Z]", _stdnum("es.nie"), 0.04, True),
    ("IT codice fiscale", rf"[A-Z]{{6}}{_CF}{{2}}[A-Z]{_CF}{{2}}[A-Z]{_CF}{{3}}[A-Z]", _stdnum("it.codicefiscale"), 0.04, True),
    ("SE personnummer", r"(?:\d{2})?\d{6}[-+]?\d{4}", _stdnum("se.personnummer"), 0.01, True),
    ("FI HETU", r"\d{6}[-+ABCDEFUVWXY]\d{3}[0-9A-Y]", _stdnum("fi.hetu"), 0.01, True),
    ("PL PESEL", r"\d{11}", _stdnum("pl.pesel"), 0.03, True),
    ("BE national number", r"\d{2}\.?\d{2}\.?\d{2}[-. ]?\d{3}\.?\d{2}", _stdnum("be.nn"), 0.01, True),
    ("DK CPR", r"\d{6}-?\d{4}", _stdnum("dk.cpr"), 0.3, False),
    ("GB NINO", r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]", _check_nino, 0.5, False),
    ("US SSN", r"\d{3}-\d{2}-\d{4}", _stdnum("us.ssn"), 0.9, False),
)  # fmt: skip


def _word(pattern: str) -> str:
    """RE2 version of ``_START + pattern + _END`` (RE2 has no look-arounds)."""
    return rf"(?:^|[^\w+])(?:{pattern})(?:$|[^\w])"


_GATES = {
    "digits": _GATE,
    "ids": _word("|".join(p for _, p, _, _, _ in _NATIONAL_IDS)),
}

_DETECTORS: tuple[_Detector, ...] = (
    _Detector("email", "@", _AT_TOKEN.findall, _check_email, _mask_email, limit=10**9, gate=""),
    _Detector(
        "card_number",
        r"\d(?:[ -]?\d){12,18}",
        _find_cards,
        _check_card,
        _mask_card,
        chance=0.03,
    ),
    _Detector("iban", r"[A-Z]{2}\d{2} ?[A-Z0-9]{4}", _find_ibans, _check_iban, _mask_iban, chance=0.01),
    _Detector(
        "phone", r"(?:\+|00)[1-9][\d ()./-]{5,}\d", _find_phones, _check_phone, _mask_phone, chance=0.5
    ),
    *(
        _Detector("national_id", _word(p), _finder(p), check, _mask_id, strong, detail, chance, gate="ids")
        for detail, p, check, chance, strong in _NATIONAL_IDS
    ),
)  # fmt: skip

_LOCAL_PHONE = _Detector(
    "phone", r"\d", _find_local_phones, _check_local_phone, _mask_phone, False, gate=""
)
_SSN_DIGITS = _Detector(
    "national_id", r"^\d{9}$", lambda v: [v], _stdnum("us.ssn"), _mask_id, False, "US SSN", 0.9,
    gate="",
)  # fmt: skip


# --- screening one column --------------------------------------------------------------------


@dataclass
class _Tally:
    detector: _Detector
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


def _screen_column(column: _Column) -> list[PiiFinding]:
    detectors: list[_Detector] = [] if column.kind == "datetime" else list(_DETECTORS)
    if "ssn" in column.hints and column.kind != "datetime":
        detectors.append(_SSN_DIGITS)
    tallies = [t for d in detectors if (t := _run(d, column)) is not None and t.passes()]
    if (
        "phone" in column.hints
        and column.kind != "datetime"
        and not any(t.detector.kind == "phone" for t in tallies)
        and (local := _run(_LOCAL_PHONE, column)) is not None
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


def _prefiltered(
    column: _Column, pattern: str, limit: int, within: np.ndarray | None = None
) -> tuple[np.ndarray, float, bool]:
    """Indices of distinct values (``within`` a subset) matching ``pattern``, a seeded sample
    if more than ``limit``, and the factor that scales counts over the sample up to all."""
    import numpy as np
    import pyarrow.compute as pc

    values = column.values if within is None else column.values.take(within)
    if not len(values):
        return np.zeros(0, dtype=np.int64), 1.0, False
    hits = pc.match_substring_regex(values, pattern).to_numpy(zero_copy_only=False)
    index = np.flatnonzero(hits) if within is None else within[hits]
    if len(index) <= limit:
        return index, 1.0, False
    rng = np.random.default_rng(_SEED)
    chosen = np.sort(rng.choice(index, size=limit, replace=False))
    return chosen, float(column.counts[index].sum()) / float(column.counts[chosen].sum()), True


def _run(detector: _Detector, column: _Column) -> _Tally | None:
    within = column.gate(detector.gate)
    index, scale, estimated = _prefiltered(column, detector.prefilter, detector.limit, within)
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

_TOKEN = r"\p{Lu}(?:[\p{L}'\x{2019}\-]*\p{Ll}|[\p{Lu}'\x{2019}\-]+)"
_TITLE = r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Mme|Mlle|Sr|Sra|Sig|Dott)\.? )?"
_PARTICLE = (
    r"(?:(?:van|von|de|der|den|del|della|di|da|du|dos|das|la|le|ter|ten|zu|bin|ibn|al|el|y) )*"
)
_NAME_SHAPE = rf"^{_TITLE}{_TOKEN}(?:,? {_PARTICLE}{_TOKEN}){{1,3}}$"
_SINGLE_SHAPE = rf"^{_TOKEN}$"
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "herr", "frau", "mme", "mlle", "sr", "sra", "sig", "dott"}  # fmt: skip


def _fold(text: str) -> str:
    """Lower-case ASCII folding: ``Müller`` -> ``muller``, ``Ørsted`` -> ``orsted``."""
    text = text.replace("ß", "ss").replace("ø", "o").replace("Ø", "O").replace("ł", "l")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _name_parts(value: str) -> tuple[str, str]:
    """(given name, family name) of a name-shaped value, folded."""
    comma = "," in value
    tokens = [_fold(t) for t in re.split(r"[\s,]+", value) if t]
    tokens = [t.rstrip(".").replace("'", "").replace("\u2019", "") for t in tokens]
    tokens = [t for t in tokens if t not in _TITLES]
    if not tokens:
        return "", ""
    if comma and len(tokens) >= 2:
        return tokens[1], tokens[0]
    return tokens[0], tokens[-1]


def _screen_names(column: _Column) -> PiiFinding | None:
    """Values shaped like "Given Family" (2-4 capitalised tokens) whose given name is known."""
    first_names, surnames = _name_lists()
    person = "person" in column.hints
    shaped, scale, estimated = _prefiltered(column, _NAME_SHAPE, 20_000)
    matched = structural = 0
    example = ""
    values = column.values.take(shaped).to_pylist()
    for value, weight in zip(values, column.counts[shaped].tolist(), strict=True):
        given, family = _name_parts(value)
        structural += weight
        if given in first_names or (person and family in surnames):
            matched += weight
            example = example or _mask_name(value)
    matched, structural, checked = round(matched * scale), round(structural * scale), column.checked
    if "not_person" in column.hints:
        flagged = matched >= MIN_SHARE_ANTI_HINT * checked
    elif person:
        flagged = structural >= MIN_SHARE * checked and matched >= MIN_SHARE_HINTED * checked
    else:
        flagged = matched >= MIN_SHARE * checked
    if not flagged and person:  # a first-name or a surname column: one known token per value
        single, scale, estimated = _prefiltered(column, _SINGLE_SHAPE, 20_000)
        values = column.values.take(single).to_pylist()
        matched, example = 0, ""
        for value, weight in zip(values, column.counts[single].tolist(), strict=True):
            if _fold(value) in first_names or _fold(value) in surnames:
                matched += weight
                example = example or _mask_name(value)
        matched = round(matched * scale)
        flagged = matched >= MIN_SHARE * checked
    if not flagged or matched < MIN_MATCHES:
        return None
    share = round(matched / checked, 4)
    return PiiFinding(column.name, "person_name", matched, checked, share, example, "", estimated)


def _mask_name(value: str) -> str:
    return " ".join(t[:1] + "***" for t in re.split(r"[\s,]+", value) if t)


# dates of birth -------------------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%Y%m%d", "%d-%m-%Y")


def _screen_birth(column: _Column) -> PiiFinding | None:
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


# embedded name lists: common given names and surnames across Europe, the Americas, Turkey, the
# Arab world, South and East Asia (no download; extend here, folded to lower-case ASCII on use)
_FIRST_NAMES = """
aaron abdul abdullah adam adrian ahmed aisha aitana alba albert alberto alejandro aleksander
alex alexander alexandra alexandre alfie alice alicia alina alvaro amanda amelia amelie ana
andrea andreas andrei andrew andrzej angela angelika anja anke ann anna anne annika anthony
antoine antoinette antonio arjun arne arthur astrid aurelie ava ayse aylin barbara beatriz ben
benjamin bernd bettina birgit bjorn bruno camille carina carla carlos carmen carol caroline
carsten catherine cecilia charles charlie charlotte chen chiara chloe christian christina
christine christoph christopher claire clara claudia claus colin connor cristina daniel daniela
daniele david deborah denise dennis diana diego dieter dimitri dirk dominik donna dorothy dylan
edward elena eleni elias elif elisa elisabeth elizabeth ella ellen elsa emil emilia emily emma
emre enrique eric erik erika esther eva evelyn fabian fatima federico felix fernando filip finn
fiona florian francesca francesco francisco franziska frederik gabriel gabriele gabriela
georg george gerhard giorgia giovanni giulia giuseppe grace gregor gunter hamza hannah hans
harald harry heike heinz helen helena helga henrik henry holger hugo ian ida ines ingrid irene
isabel isabella isla ivan jack jacob jakob james jan jana jane janet jannik jason javier jean
jennifer jens jessica joan joanna joao johan johanna johannes john jonas jonathan jordi jorge
jose josef joseph joshua juan juergen julia julian julie julien jurgen justin kai karen karin
karl katarzyna katharina kathrin katrin kenji kevin khalid kim klaus kristina lars laura lea
leah lena leo leon leonie leonardo liam lily lina linda lisa liam lorenzo louis louise luca
lucas lucia lucy ludwig luis lukas luke magdalena maja manfred manuel manuela marc marco marcus
margaret maria mariana marie marina mario marion mark markus marta martin martina mary mateo
matteo matthew matthias max maximilian megan mehmet melanie mia michael michaela michal michel
michelle miguel mikael mohamed mohammad mohammed monika nadia natalia natalie nathalie nicola
nicolas niamh niklas nikolai nina noah noel nora olga oliver olivia omar oscar owen pablo paola
pascal patricia patrick paul paula pedro peter petra philip philipp pierre piotr priya rachel
rafael rahul raj ralf raphael rebecca renate rhys ricardo richard rita robert roberto robin
rolf rosa ruth ryan sabine sakura samuel sandra santiago sara sarah sebastian sergio simon
simone sofia sophie stefan stefanie stephanie steven susan susanne sven sylvie tanja thomas
tim timo tobias tom tomas ursula valentina valentin vanessa vera veronica victor viktor
vincent walter wei william wolfgang xavier yasmin yusuf yuki zara zoe callum emre jurgen
"""
_SURNAMES = """
abbott ali allen alvarez anderson andersson bailey baker bauer becker begum bernard bertrand
braun brown campbell carter chen clark clarke collins cook costa dubois durand edwards esposito
evans fernandez ferrari fischer fontaine garcia gomez gonzalez green hall hansen harris
hartmann hernandez hoffmann hofmann hughes jackson jansen janssen jensen johansson johnson
jones jung kaur kaya khan kim klein koch kohler kowalski kozlowski krause kruger lange larsen
lee lefebvre lehmann leroy lewis li lopez macdonald martin martinez meyer miller moore moreau
muller murphy nagy neumann nielsen novak nowak obrien oconnor olsen owen patel perez peters
petersen petit price richter roberts robinson rodriguez romano rossi roux russo sanchez
santos schafer schmidt schmitz schneider schroder schulz schwarz scott shah silva singh
smith stewart taylor thompson thomas vogel wagner walker wang weber werner white williams
wilson wolf wood wright yilmaz zhang zimmermann demir sahin celik ozturk dijkstra visser
devries bakker vandijk mulder bos vos jakobsen lindberg nilsson eriksson larsson karlsson
"""


def _name_lists() -> tuple[frozenset[str], frozenset[str]]:
    global _NAME_SETS
    if _NAME_SETS is None:
        _NAME_SETS = (
            frozenset(_fold(n) for n in _FIRST_NAMES.split()),
            frozenset(_fold(n) for n in _SURNAMES.split()),
        )
    return _NAME_SETS


_NAME_SETS: tuple[frozenset[str], frozenset[str]] | None = None
