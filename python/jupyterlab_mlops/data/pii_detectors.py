"""Detectors of personal data inside one value: look-alike finders, validators and masks.

Each :class:`Detector` finds candidates with a regular expression, validates them with a
well-kept library (``python-stdnum``: Luhn, IBAN mod-97, national ids with a check digit;
``phonenumbers``: numbering plans) or a format rule, and masks what it shows. How a column is
judged from the detectors' tallies is :mod:`.pii`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Detector:
    """One kind of personal data: how to find, validate and mask it in a value."""

    kind: str
    prefilter: str  # RE2 pattern, run by pyarrow over the distinct values
    find: Callable[[str], list[str]]  # look-alike candidates in one value
    check: Callable[[str], str | None]  # a label when the candidate validates, else None
    mask: Callable[[str], str]
    strong: bool = True
    detail: str = ""  # fixed detail (national id type); else the most common check labels
    chance: float = 0.1  # rough pass rate of random look-alikes (tie-break between id types)
    limit: int = 5_000  # distinct candidates validated per column before sampling
    gate: str = "digits"  # pre-selects the values worth the prefilter (see ``GATES``)


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


#: cheap RE2 gates that pre-select the distinct values of a column worth a detector's prefilter:
#: ``digits`` (six digits close together), ``ids`` (any national id pattern as a whole word)
GATES = {
    "digits": _GATE,
    "ids": _word("|".join(p for _, p, _, _, _ in _NATIONAL_IDS)),
}

#: the detectors run on every column (but dates)
DETECTORS: tuple[Detector, ...] = (
    Detector("email", "@", _AT_TOKEN.findall, _check_email, _mask_email, limit=10**9, gate=""),
    Detector(
        "card_number",
        r"\d(?:[ -]?\d){12,18}",
        _find_cards,
        _check_card,
        _mask_card,
        chance=0.03,
    ),
    Detector("iban", r"[A-Z]{2}\d{2} ?[A-Z0-9]{4}", _find_ibans, _check_iban, _mask_iban, chance=0.01),
    Detector(
        "phone", r"(?:\+|00)[1-9][\d ()./-]{5,}\d", _find_phones, _check_phone, _mask_phone, chance=0.5
    ),
    *(
        Detector("national_id", _word(p), _finder(p), check, _mask_id, strong, detail, chance, gate="ids")
        for detail, p, check, chance, strong in _NATIONAL_IDS
    ),
)  # fmt: skip

#: national-format phone numbers ("030 1234567"): only in a column named like a phone
LOCAL_PHONE = Detector(
    "phone", r"\d", _find_local_phones, _check_local_phone, _mask_phone, False, gate=""
)
#: US social security numbers written as nine bare digits: only in a column named like one
SSN_DIGITS = Detector(
    "national_id", r"^\d{9}$", lambda v: [v], _stdnum("us.ssn"), _mask_id, False, "US SSN", 0.9,
    gate="",
)  # fmt: skip


def pii_in_text(text: str) -> list[tuple[str, str]]:
    """(kind, masked value) of each validated piece of personal data in one text (the strong
    detectors only: a text has no column name to back a weak one up)."""
    found = []
    for detector in DETECTORS:
        if not detector.strong:
            continue
        for candidate in detector.find(text):
            if detector.check(candidate) is not None:  # a label, or "" for no detail
                found.append((detector.kind, detector.mask(candidate)))
    return found
