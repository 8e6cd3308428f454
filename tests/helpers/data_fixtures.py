"""Generators for the data-profile and PII tests: real check digits from python-stdnum, real
numbering plans from phonenumbers, the example project's data generator. All seeded."""

from __future__ import annotations

import datetime as dt
import importlib.util
import string
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "credit-risk"


@cache
def make_data() -> ModuleType:
    """``examples/credit-risk/make_data.py`` as a module."""
    spec = importlib.util.spec_from_file_location("credit_risk_make_data", EXAMPLE / "make_data.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _digits(rng: np.random.Generator, k: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, k))


def corrupt(value: str, rng: np.random.Generator) -> str:
    """The same value with one digit replaced by a different digit."""
    positions = [i for i, ch in enumerate(value) if ch.isdigit()]
    i = int(rng.choice(positions))
    new = str((int(value[i]) + int(rng.integers(1, 10))) % 10)
    return value[:i] + new + value[i + 1 :]


# --- payment cards ---------------------------------------------------------------------------


def cards(rng: np.random.Generator, n: int, *, spaced: bool = True) -> list[str]:
    """Luhn-valid Visa (16), Mastercard (51-55 and 2221-2720, 16) and Amex (34/37, 15) numbers."""
    from stdnum import luhn

    out = []
    for i in range(n):
        kind = i % 3
        if kind == 0:
            payload = "4" + _digits(rng, 14)
        elif kind == 1:
            prefix = str(rng.integers(51, 56)) if i % 2 else str(rng.integers(2221, 2721))
            payload = prefix + _digits(rng, 15 - len(prefix))
        else:
            payload = str(rng.choice(["34", "37"])) + _digits(rng, 12)
        number = payload + luhn.calc_check_digit(payload)
        if spaced:
            sizes = (4, 6, 5) if len(number) == 15 else (4, 4, 4, 4)
            parts, j = [], 0
            for size in sizes:
                parts.append(number[j : j + size])
                j += size
            number = " ".join(parts)
        out.append(number)
    return out


# --- IBANs -----------------------------------------------------------------------------------


def ibans(rng: np.random.Generator, n: int, countries: tuple[str, ...] = ("DE", "GB", "FR", "NL")) -> list[str]:  # fmt: skip
    """Valid IBANs (ISO 13616 mod-97 check digits, national BBAN layouts)."""
    from stdnum import iban

    letters = np.array(list(string.ascii_uppercase))
    out = []
    for i in range(n):
        country = countries[i % len(countries)]
        if country == "DE":
            bban = _digits(rng, 18)
        elif country == "GB":
            bban = "".join(rng.choice(letters, 4)) + _digits(rng, 14)
        elif country == "FR":
            bban = _digits(rng, 23)
        else:  # NL
            bban = "".join(rng.choice(letters, 4)) + _digits(rng, 10)
        check = iban.calc_check_digits(country + "00" + bban)
        out.append(country + check + bban)
    return out


def spaced_iban(value: str) -> str:
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


# --- national identity numbers ---------------------------------------------------------------


def _date(rng: np.random.Generator) -> dt.date:
    return dt.date(1940, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 60)))


def _complete(
    shape: Callable[[np.random.Generator], str],
    alphabet: str | list[str],
    valid: Callable[[str], bool],
) -> Callable[[np.random.Generator], str | None]:
    """Append the check character that makes ``shape()`` valid (None if none does)."""

    def make(rng: np.random.Generator) -> str | None:
        head = shape(rng)
        for ch in alphabet:
            if valid(head + ch):
                return head + ch
        return None

    return make


def _idnr_head(rng: np.random.Generator) -> str:
    digits = list(rng.permutation(10)[:9])
    digits.insert(int(rng.integers(1, 10)), digits[int(rng.integers(0, 9))])  # one digit twice
    if digits[0] == 0:
        digits[0], digits[1] = digits[1], digits[0]
    head = "".join(str(d) for d in digits)
    return head if head[0] != "0" else "1" + head[1:]


def _cf_head(rng: np.random.Generator) -> str:
    letters = np.array(list(string.ascii_uppercase))
    d = _date(rng)
    day = d.day + (40 if rng.random() < 0.5 else 0)
    return (
        "".join(rng.choice(letters, 6))
        + f"{d.year % 100:02d}"
        + "ABCDEHLMPRST"[d.month - 1]
        + f"{day:02d}"
        + str(rng.choice(letters))
        + _digits(rng, 3)
    )


def _pesel_head(rng: np.random.Generator) -> str:
    d = _date(rng)
    month = d.month + (20 if d.year >= 2000 else 0)
    return f"{d.year % 100:02d}{month:02d}{d.day:02d}" + _digits(rng, 4)


def _be_head(rng: np.random.Generator) -> str:
    d = _date(rng)
    return f"{d.year % 100:02d}{d.month:02d}{d.day:02d}" + f"{int(rng.integers(1, 998)):03d}"


def _nir_head(rng: np.random.Generator) -> str:
    d = _date(rng)
    return (
        str(rng.choice(["1", "2"]))
        + f"{d.year % 100:02d}{d.month:02d}"
        + f"{int(rng.integers(1, 96)):02d}"
        + _digits(rng, 6)
    )


def _nir(rng: np.random.Generator) -> str:
    from stdnum.fr import nir

    head = _nir_head(rng)
    return head + nir.calc_check_digits(head)


def _hetu_head(rng: np.random.Generator) -> str:
    d = _date(rng)
    sign = "-" if d.year < 2000 else "A"
    return f"{d.day:02d}{d.month:02d}{d.year % 100:02d}{sign}{int(rng.integers(2, 900)):03d}"


def _se_head(rng: np.random.Generator) -> str:
    d = _date(rng)
    return f"{d.year % 100:02d}{d.month:02d}{d.day:02d}-" + _digits(rng, 3)


def _nino(rng: np.random.Generator) -> str:
    first, second = "ABCEGHJKLMNPRSTWXYZ", "ABCEGHJKLMNPRSTWXYZ"
    while True:
        prefix = str(rng.choice(list(first))) + str(rng.choice(list(second)))
        if prefix not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
            break
    return (
        f"{prefix} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)} {rng.choice(list('ABCD'))}"
    )


def _ssn(rng: np.random.Generator) -> str:
    area = int(rng.integers(1, 900))
    area = 667 if area == 666 else area
    return f"{area:03d}-{int(rng.integers(1, 100)):02d}-{int(rng.integers(1, 10000)):04d}"


def _cpr(rng: np.random.Generator) -> str:
    d = _date(rng)
    return f"{d.day:02d}{d.month:02d}{d.year % 100:02d}-{_digits(rng, 4)}"


def _dni(rng: np.random.Generator) -> str:
    from stdnum.es import dni

    body = _digits(rng, 8)
    return body + dni.calc_check_digit(body)


def _nie(rng: np.random.Generator) -> str:
    from stdnum.es import nie

    body = str(rng.choice(["X", "Y", "Z"])) + _digits(rng, 7)
    return body + nie.calc_check_digit(body)


def _validator(module: str) -> Callable[[str], bool]:
    return importlib.import_module(f"stdnum.{module}").is_valid


#: detail -> (generator of one valid id or None, stdnum module, has a check digit)
NATIONAL_IDS: dict[str, tuple[Callable[[np.random.Generator], str | None], str, bool]] = {
    "NL BSN": (_complete(lambda r: _digits(r, 8), string.digits, _validator("nl.bsn")), "nl.bsn", True),
    "DE Steuer-IdNr": (_complete(_idnr_head, string.digits, _validator("de.idnr")), "de.idnr", True),
    "FR NIR": (_nir, "fr.nir", True),
    "ES DNI": (_dni, "es.dni", True),
    "ES NIE": (_nie, "es.nie", True),
    "IT codice fiscale": (_complete(_cf_head, string.ascii_uppercase, _validator("it.codicefiscale")), "it.codicefiscale", True),
    "SE personnummer": (_complete(_se_head, string.digits, _validator("se.personnummer")), "se.personnummer", True),
    "FI HETU": (_complete(_hetu_head, "0123456789ABCDEFHJKLMNPRSTUVWXY", _validator("fi.hetu")), "fi.hetu", True),
    "PL PESEL": (_complete(_pesel_head, string.digits, _validator("pl.pesel")), "pl.pesel", True),
    "BE national number": (_complete(_be_head, [f"{i:02d}" for i in range(100)], _validator("be.nn")), "be.nn", True),
    "DK CPR": (_cpr, "dk.cpr", False),
    "GB NINO": (_nino, "", False),
    "US SSN": (_ssn, "us.ssn", False),
}  # fmt: skip


def national_ids(detail: str, rng: np.random.Generator, n: int) -> list[str]:
    make, module, _ = NATIONAL_IDS[detail]
    out: list[str] = []
    while len(out) < n:
        value = make(rng)
        if value and (not module or _validator(module)(value)):
            out.append(value)
    return out


# --- phone numbers ---------------------------------------------------------------------------

PHONE_REGIONS = ("US", "GB", "DE", "FR", "NL", "ES", "IT", "IN", "BR", "JP", "AU", "SE")


def phones(rng: np.random.Generator, n: int) -> list[str]:
    """Valid mobile numbers of several countries in international or E.164 layout."""
    import phonenumbers
    from phonenumbers import PhoneNumberFormat, PhoneNumberType

    out: list[str] = []
    while len(out) < n:
        region = PHONE_REGIONS[len(out) % len(PHONE_REGIONS)]
        example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
        national = str(example.national_number)
        national = national[:-4] + _digits(rng, 4)
        number = phonenumbers.parse(f"+{example.country_code}{national}", None)
        if not phonenumbers.is_valid_number(number):
            continue
        layout = PhoneNumberFormat.INTERNATIONAL if len(out) % 2 else PhoneNumberFormat.E164
        out.append(phonenumbers.format_number(number, layout))
    return out


# --- names and things that look like names ---------------------------------------------------


def _split(text: str, sep: str = "|") -> list[str]:
    return text.split(sep)


#: names partly outside the screen's embedded list, to measure misses honestly
GIVEN = _split(
    "Olivia Liam Emma Noah Sophie Lukas Marie Jonas Chiara Matteo Lucia Pablo Ingrid Lars "
    "Aisha Omar Priya Arjun Wei Mei Kenji Yuki Chidi Ngozi Bogdan Ewa Dmitri Oksana Tiago Ana "
    "Kwame Amara Siobhan Declan Astrid Nils Fatima Youssef Hiroshi Minh",
    " ",
)
FAMILY = _split(
    "Smith|Müller|García|Rossi|Dubois|Jansen|Nowak|Kowalski|Andersson|Nielsen|Yilmaz|O'Brien|"
    "Papadopoulos|Novak|Horvat|Silva|Santos|Khan|Patel|Nguyen|Tanaka|Kim|Okafor|Mensah|"
    "Ivanova|Petrov|Fernández|Moreau|Schneider|van der Berg|MacDonald|Lindqvist|Haddad"
)
CITIES = _split(
    "New York|Los Angeles|San Francisco|San Jose|Alice Springs|Victoria Falls|Santa Clara|"
    "Saint Louis|Fort Worth|Palm Springs|Las Vegas|Rio de Janeiro|Buenos Aires|Mexico City|"
    "Hong Kong|Kuala Lumpur|Cape Town|Port Elizabeth|Frankfurt am Main|Den Haag|Le Havre|"
    "La Paz|Tel Aviv|Abu Dhabi|Salt Lake City|Baton Rouge|Grand Rapids|Costa Mesa|Charlotte|"
    "Berlin|Paris|London|Madrid|Rome|Vienna|Warsaw|Lisbon|Dublin|Oslo|Helsinki|Florence|Austin"
)
EMPLOYERS = _split(
    "Deutsche Bank|Thomas Cook|John Lewis|Morgan Stanley|Goldman Sachs|Marks & Spencer|"
    "Procter & Gamble|Johnson & Johnson|Ernst & Young|General Electric|Siemens|Bosch|Allianz|"
    "Volkswagen|Tesco|Unilever|Nestlé|Hugo Boss|Ralph Lauren|Tommy Hilfiger|Jack Wolfskin|"
    "Credit Suisse|Banco Santander|Royal Mail|British Airways|Air France|Lloyds Banking Group|"
    "Philips|Shell|Accenture|Capgemini|Rolls Royce|Aston Martin|Mercedes Benz|Ford Motor"
)
PRODUCTS = _split(
    "Galaxy Note|Apple Watch|Air Max|Model Y|Surface Pro|Kindle Paperwhite|Jack Daniels|"
    "Johnnie Walker|Captain Morgan|Ben Jerry|Uncle Bens|Aunt Jemima|Mr Clean|Billy Bookcase|"
    "Big Mac|Happy Meal|Dr Pepper|Red Bull|Coca Cola|Pepsi Max|Nintendo Switch|Play Station"
)


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    return [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(n)]


def write_credit_csv(path: Path, rows: int, seed: int) -> Path:
    """The example project's synthetic applications (with format-valid fake PII) as a CSV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    make_data().make_applications(rows, seed).to_csv(path, index=False)
    return path
