"""Generate a synthetic consumer-credit application data set for the credit-risk example.

Everything here is SYNTHETIC. No row describes a real person, a real account or a real loan.

The direct identifiers (names, e-mail addresses, phone numbers, card numbers, IBANs, dates of
birth) are fake but *format-valid on purpose*: card numbers pass the Luhn check, IBANs carry
correct ISO 13616 mod-97 check digits, phone numbers follow the E.164 layout of their country,
and ages agree with dates of birth. That is what a real extract would look like, and what a PII
screen has to recognise; a screen that only catches obviously broken values is not tested by
this data. Where a reserved "fictional" range exists it is used (US numbers are 555-01xx).

The rest of the table is a plausible applicant profile (income, loan, employment, credit
history, ...) and a binary ``default`` label drawn from a logistic model of those features,
with thresholds, interactions and two unobserved factors, so that a gradient-boosting model
reaches a ROC AUC of about 0.78-0.79 on the default data, a logistic regression a little less,
and nothing comes close to 1.0. The label does not depend on ``sex`` or
``age`` directly, only through the features (income, employment, credit history), as in real
lending data; that is what a fairness assessment is meant to look at.

Amounts are in one notional currency (EUR). Ages are computed as of :data:`REFERENCE_DATE`.
Two feature columns have a few missing values: ``employment_years`` (not stated on the form)
and ``credit_history_months`` (no credit-bureau match, a "thin file").

The output depends only on ``n_rows`` and ``seed``: the same arguments give the same table
(numpy's PCG64 generator; no other source of randomness).

Usage::

    python make_data.py                      # 5,000 rows, seed 7 -> data/applications.csv
    python make_data.py --rows 20000 --seed 1 --out /tmp/applications.csv
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

#: ages are computed as of this date (the day the applications were extracted)
REFERENCE_DATE = dt.date(2024, 6, 30)
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "applications.csv"

ID_COLUMN = "application_id"
PII_COLUMNS = ["full_name", "email", "phone", "card_number", "iban", "date_of_birth"]
SENSITIVE_COLUMNS = ["age", "sex"]
CATEGORICAL_FEATURES = ["employment_type", "home_ownership", "purpose", "region"]
NUMERIC_FEATURES = [
    "annual_income",
    "loan_amount",
    "loan_term_months",
    "employment_years",
    "credit_history_months",
    "num_open_accounts",
    "num_delinquencies",
    "debt_to_income",
]
LABEL = "default"

# --- small embedded vocabularies -------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


_FIRST = {
    ("GB", "F"): _words(
        "Olivia Amelia Isla Ava Emily Sophie Grace Lily Chloe Hannah Ella Lucy Charlotte "
        "Jessica Ruth Margaret Susan Karen Priya Aisha Niamh Fiona Zara Megan"
    ),
    ("GB", "M"): _words(
        "Oliver George Harry Jack Jacob Noah Charlie Thomas James William Daniel Joseph "
        "Samuel David Richard Michael Paul Mark Arjun Mohammed Callum Rhys Owen Liam"
    ),
    ("DE", "F"): _words(
        "Anna Lena Lea Hannah Sophie Marie Laura Julia Sarah Katharina Sabine Petra "
        "Claudia Monika Ursula Birgit Jana Leonie Emilia Mia Elif Ayse Franziska Nina"
    ),
    ("DE", "M"): _words(
        "Lukas Leon Jonas Felix Maximilian Paul Finn Ben Tim Jan Thomas Michael Andreas "
        "Stefan Juergen Wolfgang Klaus Markus Tobias Florian Emre Mehmet Niklas Sebastian"
    ),
}
_LAST = {
    "GB": _words(
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
        "Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Hughes Edwards Murphy "
        "O'Brien Campbell Stewart MacDonald Lewis Harris Price Begum Ali Kaur"
    ),
    "DE": _words(
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer "
        "Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann "
        "Hartmann Lange Werner Krause Lehmann Köhler Yilmaz Kaya Nowak Jung Vogel"
    ),
}
# fmt: off
_EMAIL_DOMAINS = {  # country -> (domains, shares)
    "GB": (["gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.co.uk", "btinternet.com",
            "icloud.com", "sky.com", "proton.me"],
           [0.34, 0.18, 0.12, 0.10, 0.09, 0.09, 0.05, 0.03]),
    "DE": (["gmail.com", "web.de", "gmx.de", "t-online.de", "outlook.de", "icloud.com",
            "posteo.de", "proton.me"],
           [0.25, 0.22, 0.20, 0.12, 0.08, 0.07, 0.03, 0.03]),
}
_REGIONS = {  # country -> (regions, shares)
    "GB": (["London", "South East", "Midlands", "North West", "Scotland"],
           [0.30, 0.22, 0.18, 0.18, 0.12]),
    "DE": (["Bavaria", "Berlin", "Hesse", "North Rhine-Westphalia", "Hamburg"],
           [0.24, 0.16, 0.14, 0.34, 0.12]),
}
#: small regional differences in baseline risk (local labour markets), in logit units
_REGION_RISK = {"London": -0.05, "South East": -0.10, "Midlands": 0.10, "North West": 0.15,
                "Scotland": 0.05, "Bavaria": -0.15, "Berlin": 0.15, "Hesse": -0.05,
                "North Rhine-Westphalia": 0.10, "Hamburg": 0.0}
_GB_BANKS = ["NWBK", "BARC", "LOYD", "HBUK", "MIDL", "NAIA", "SRLG", "CITI"]  # 4-letter bank codes
_DE_BLZ = ["10070000", "20041111", "37040044", "50010517", "60050101", "70020270", "76026000",
           "12030000", "43060967", "50070010"]  # 8-digit German bank codes (Bankleitzahlen)

_EMPLOYMENT = ["employed", "self-employed", "contractor", "part-time", "unemployed"]
_EMPLOYMENT_P = [0.66, 0.12, 0.08, 0.10, 0.04]  # students and retirees are added by age
#: by employment type: median annual income, its spread (log scale), and risk (logit units)
_INCOME_MEDIAN = {"employed": 42000, "self-employed": 46000, "contractor": 52000,
                  "part-time": 21000, "unemployed": 9500, "student": 8500, "retired": 26000}
_INCOME_SIGMA = {"employed": 0.38, "self-employed": 0.60, "contractor": 0.42, "part-time": 0.35,
                 "unemployed": 0.45, "student": 0.40, "retired": 0.35}
_EMPLOYMENT_RISK = {"employed": 0.0, "self-employed": 0.25, "contractor": 0.20, "part-time": 0.30,
                    "unemployed": 0.85, "student": 0.45, "retired": -0.10}

_PURPOSES = ["debt_consolidation", "credit_card", "home_improvement", "car", "business",
             "medical", "education", "wedding", "holiday", "other"]
_PURPOSE_P = [0.28, 0.12, 0.14, 0.16, 0.05, 0.04, 0.05, 0.03, 0.05, 0.08]
#: by purpose: typical loan amount, and risk (logit units)
_PURPOSE_AMOUNT = {"debt_consolidation": 11000, "credit_card": 6500, "home_improvement": 14000,
                   "car": 13000, "business": 20000, "medical": 4500, "education": 8000,
                   "wedding": 8500, "holiday": 3500, "other": 5000}
_PURPOSE_RISK = {"debt_consolidation": 0.30, "credit_card": 0.25, "home_improvement": -0.20,
                 "car": -0.25, "business": 0.45, "medical": 0.30, "education": 0.05,
                 "wedding": 0.10, "holiday": 0.20, "other": 0.15}
# fmt: on
_HOME = ["rent", "mortgage", "own", "living_with_family"]
_TERMS = np.array([12, 24, 36, 48, 60, 72, 84])


# --- check digits ----------------------------------------------------------------------------


def luhn_check_digit(payload: np.ndarray) -> np.ndarray:
    """Luhn check digit for each row of ``payload`` (an ``(n, k)`` array of digits 0-9).

    Counting from the right of the payload, every first, third, ... digit is doubled
    (the check digit itself will sit to its right), and 9 is subtracted from doubles above 9.
    """
    payload = np.asarray(payload, dtype=np.int64)
    doubled = np.zeros(payload.shape[1], dtype=bool)
    doubled[::-1][::2] = True  # rightmost payload digit is doubled
    digits = np.where(doubled, payload * 2, payload)
    digits = np.where(digits > 9, digits - 9, digits)
    return (10 - digits.sum(axis=1) % 10) % 10


def luhn_valid(number: str) -> bool:
    """True if the digits of ``number`` (spaces ignored) pass the Luhn check."""
    digits = [int(ch) for ch in number if ch.isdigit()]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return len(digits) > 1 and total % 10 == 0


_LETTER_VALUES = str.maketrans({chr(c): str(c - 55) for c in range(ord("A"), ord("Z") + 1)})


def _iban_numeric(text: str) -> int:
    return int(text.upper().translate(_LETTER_VALUES))  # A=10 ... Z=35, digits unchanged


def iban_from_bban(country: str, bban: str) -> str:
    """An IBAN (electronic format, no spaces) with ISO 13616 mod-97 check digits."""
    check = 98 - _iban_numeric(bban + country + "00") % 97
    return f"{country}{check:02d}{bban}"


def iban_valid(iban: str) -> bool:
    """True if ``iban`` (spaces ignored) passes the ISO 13616 mod-97 check."""
    iban = iban.replace(" ", "").upper()
    if len(iban) < 15 or not iban[:2].isalpha() or not iban[2:4].isdigit() or not iban.isalnum():
        return False
    return _iban_numeric(iban[4:] + iban[:4]) % 97 == 1


def age_on(birth: dt.date, on: dt.date = REFERENCE_DATE) -> int:
    """Age in completed years on ``on``."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --- identifiers -----------------------------------------------------------------------------


def _ascii(text: str) -> str:
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("'", "")):
        text = text.replace(src, dst)
    return text.lower()


def _digits(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    return rng.integers(0, 10, size=(n, k))


def _join(rows: np.ndarray) -> list[str]:
    """Each row of digits as a string, leading zeros kept (at most 18 digits)."""
    k = rows.shape[1]
    values = rows.astype(np.int64) @ (10 ** np.arange(k - 1, -1, -1, dtype=np.int64))
    return [f"{v:0{k}d}" for v in values.tolist()]


def _card_numbers(rng: np.random.Generator, n: int) -> list[str]:
    """16-digit Visa (4...) and Mastercard (51-55...) numbers with a Luhn check digit."""
    payload = _digits(rng, n, 15)
    visa = rng.random(n) < 0.6
    payload[visa, 0] = 4
    payload[~visa, 0] = 5
    payload[~visa, 1] = rng.integers(1, 6, size=(~visa).sum())
    full = np.column_stack([payload, luhn_check_digit(payload)])
    return [" ".join(s[i : i + 4] for i in range(0, 16, 4)) for s in _join(full)]


def _ibans(rng: np.random.Generator, country: np.ndarray) -> list[str]:
    n = len(country)
    bank = rng.integers(0, len(_GB_BANKS), n)
    blz = rng.integers(0, len(_DE_BLZ), n)
    sort_code, account8, account10 = (
        _join(_digits(rng, n, 6)),
        _join(_digits(rng, n, 8)),
        _join(_digits(rng, n, 10)),
    )
    out = []
    for i, c in enumerate(country):
        if c == "GB":  # GBkk BBBB SSSSSS CCCCCCCC
            out.append(iban_from_bban("GB", _GB_BANKS[bank[i]] + sort_code[i] + account8[i]))
        else:  # DEkk BBBBBBBB CCCCCCCCCC
            out.append(iban_from_bban("DE", _DE_BLZ[blz[i]] + account10[i]))
    return out


def _phones(rng: np.random.Generator, country: np.ndarray) -> list[str]:
    """Mobile numbers in E.164 layout, written with or without spaces as people do."""
    n = len(country)
    abroad = rng.random(n) < 0.04  # a few applicants give a US number
    spaced = rng.random(n) < 0.5
    d = _join(_digits(rng, n, 10))
    de_prefix = rng.choice(["151", "152", "157", "160", "162", "170", "172", "176", "177"], n)
    us_area = rng.choice(
        ["202", "206", "212", "303", "305", "312", "404", "415", "512", "617", "646", "718"], n
    )
    out = []
    for i, c in enumerate(country):
        if abroad[i]:  # 555-0100..0199 is reserved for fiction
            out.append(
                f"+1 {us_area[i]}-555-01{d[i][:2]}"
                if spaced[i]
                else f"+1{us_area[i]}55501{d[i][:2]}"
            )
        elif c == "GB":  # +44 7xxx xxxxxx
            out.append(f"+44 7{d[i][:3]} {d[i][3:9]}" if spaced[i] else f"+447{d[i][:9]}")
        else:  # +49 1xx xxxxxxxx
            out.append(
                f"+49 {de_prefix[i]} {d[i][:8]}" if spaced[i] else f"+49{de_prefix[i]}{d[i][:8]}"
            )
    return out


def _emails(rng: np.random.Generator, first, last, country, birth_year) -> list[str]:
    n = len(first)
    style = rng.choice(5, size=n, p=[0.35, 0.2, 0.2, 0.15, 0.1])
    number = rng.integers(1, 100, n)
    domain = np.empty(n, dtype=object)
    for c, (domains, p) in _EMAIL_DOMAINS.items():
        mask = country == c
        domain[mask] = rng.choice(domains, size=mask.sum(), p=p)
    out = []
    for i in range(n):
        f, la = _ascii(first[i]), _ascii(last[i])
        local = (
            f"{f}.{la}",
            f"{f[0]}.{la}",
            f"{f}{la}{number[i]}",
            f"{f}_{la}{birth_year[i] % 100:02d}",
            f"{la}.{f}",
        )[style[i]]
        out.append(f"{local}@{domain[i]}")
    return out


# --- the table -------------------------------------------------------------------------------


def make_applications(n_rows: int = 5000, seed: int = 7) -> pd.DataFrame:
    """A synthetic table of ``n_rows`` loan applications; the same seed gives the same table."""
    if n_rows < 1:
        raise ValueError("n_rows must be at least 1")
    rng = np.random.default_rng(seed)
    n = n_rows

    # who applies
    country = np.where(rng.random(n) < 0.5, "GB", "DE")
    region = np.empty(n, dtype=object)
    for c in ("GB", "DE"):
        names, p = _REGIONS[c]
        mask = country == c
        region[mask] = rng.choice(names, size=mask.sum(), p=p)
    sex = np.where(rng.random(n) < 0.49, "F", "M")
    first = np.empty(n, dtype=object)
    last = np.empty(n, dtype=object)
    for c in ("GB", "DE"):
        for s in ("F", "M"):
            mask = (country == c) & (sex == s)
            first[mask] = rng.choice(_FIRST[(c, s)], size=mask.sum())
        mask = country == c
        last[mask] = rng.choice(_LAST[c], size=mask.sum())

    age_years = np.clip(rng.normal(41, 12.5, n), 18.05, 79.9)
    birth = np.datetime64(REFERENCE_DATE) - np.round(age_years * 365.2425).astype("timedelta64[D]")
    birth_idx = pd.DatetimeIndex(birth)
    ref = REFERENCE_DATE
    before_birthday = (birth_idx.month > ref.month) | (
        (birth_idx.month == ref.month) & (birth_idx.day > ref.day)
    )
    age = (ref.year - birth_idx.year.to_numpy() - before_birthday.astype(int)).astype(int)

    # employment and income
    employment = rng.choice(_EMPLOYMENT, size=n, p=_EMPLOYMENT_P).astype(object)
    part_time_f = (sex == "F") & (employment == "employed") & (rng.random(n) < 0.12)
    employment[part_time_f] = "part-time"
    employment[(age < 25) & (rng.random(n) < 0.35)] = "student"
    retire_p = np.clip((age - 60) / 7, 0, 0.9)
    employment[rng.random(n) < retire_p] = "retired"

    median = np.array([_INCOME_MEDIAN[e] for e in employment], dtype=float)
    sigma = np.array([_INCOME_SIGMA[e] for e in employment])
    career = 0.68 + 0.32 * np.minimum(np.maximum(age - 20, 0), 25) / 25
    gap = np.where(sex == "F", 0.9, 1.0)
    income = median * career * gap * np.exp(rng.normal(0, 1, n) * sigma)
    income = np.round(np.clip(income, 3000, 400000), -2)

    working = np.isin(employment, ["employed", "self-employed", "contractor", "part-time"])
    tenure = np.minimum(rng.gamma(1.6, 4.0, n), np.maximum(age - 18, 0) * 0.9)
    employment_years = np.where(working, np.round(tenure, 1), 0.0)

    # unobserved financial fragility (higher = riskier): it shows in several features
    hidden = rng.normal(0, 1, n)

    # credit file
    history_share = np.clip(rng.beta(5, 2, n) - 0.12 * hidden, 0.02, 1.0)
    credit_history = np.round(np.maximum(age - 18, 0.3) * 12 * history_share).astype(float)
    open_accounts = rng.poisson(
        0.8 + 3.2 * np.minimum(age - 18, 25) / 25 + 0.6 * np.maximum(hidden, 0)
    )
    delinquency_rate = 0.12 * np.exp(0.9 * hidden)
    delinquencies = rng.poisson(delinquency_rate)

    # home
    young, mid = age < 28, (age >= 28) & (age < 60)
    score = np.column_stack(
        [
            np.full(n, 1.0),  # rent
            -1.0 + 2.0 * mid + 0.8 * np.log(income / 30000) - 0.3 * hidden,  # mortgage
            -2.5 + 0.06 * (age - 18) - 0.2 * hidden,  # own
            -2.0 + 2.6 * young + 1.0 * (employment == "student"),  # living with family
        ]
    )
    prob = np.exp(score)
    prob /= prob.sum(axis=1, keepdims=True)
    home = np.array(_HOME, dtype=object)[(prob.cumsum(axis=1) > rng.random((n, 1))).argmax(axis=1)]

    # the loan
    purpose = rng.choice(_PURPOSES, size=n, p=_PURPOSE_P).astype(object)
    purpose[(employment == "self-employed") & (rng.random(n) < 0.25)] = "business"
    purpose[(employment == "student") & (rng.random(n) < 0.45)] = "education"
    base = np.array([_PURPOSE_AMOUNT[p] for p in purpose], dtype=float)
    amount = base * (income / 40000) ** 0.35 * np.exp(rng.normal(0, 0.5, n) + 0.08 * hidden)
    amount = np.round(np.clip(amount, 1000, 60000) / 250) * 250
    term_idx = np.clip(np.round(np.log(amount / 1500) / np.log(1.9) + rng.normal(0, 0.7, n)), 0, 6)
    term = _TERMS[term_idx.astype(int)]

    monthly_rate = 0.095 / 12
    instalment = amount * monthly_rate / (1 - (1 + monthly_rate) ** -term)
    existing = np.clip(rng.beta(2.2, 7.5, n) + 0.05 * hidden, 0, None)
    dti = np.round(np.clip(existing + instalment * 12 / income, 0.0, 1.5), 3)

    # missing values: a form field left empty, and applicants with no credit-bureau match
    years_missing = rng.random(n) < np.where(
        np.isin(employment, ["self-employed", "contractor"]), 0.12, 0.025
    )
    employment_years[years_missing] = np.nan
    thin_file = rng.random(n) < np.where(age < 25, 0.08, 0.015)
    credit_history[thin_file] = np.nan

    # the label: a logistic model with thresholds, interactions and two unobserved factors
    history_years = np.nan_to_num(credit_history, nan=0.0) / 12
    short_tenure = np.nan_to_num(employment_years, nan=0.0) < 2
    stretched = amount / income > 0.45
    no_collateral = np.isin(home, ["rent", "living_with_family"])
    discretionary = np.isin(purpose, ["holiday", "wedding", "other"])
    life_event = rng.normal(0, 1, n)  # what happens after the application: in no feature
    logit = (
        -3.30
        + np.where(no_collateral, 10.0, 1.0) * np.clip(dti - 0.40, 0, 0.30)  # steep from 40 %
        + 0.2 * (delinquencies > 0)
        + 1.8 * ((delinquencies > 0) & (history_years < 5))
        + 0.6 * (history_years < 2)  # short credit file
        + 0.5 * thin_file
        + 0.9 * (income < 18000)  # thin margin at low incomes
        + 1.2 * (np.isin(employment, ["self-employed", "contractor"]) & short_tenure)
        + 1.0 * (stretched & no_collateral)  # large loan, no collateral
        + 1.1 * (discretionary & (term >= 48))  # paying for a holiday for years
        + 0.6 * (open_accounts == 0)
        + 0.45 * np.maximum(open_accounts - 5, 0)  # U-shaped
        + 1.0 * (dti < 0.12)  # hardly any debt: no repayment track record
        + 0.6 * np.array([_EMPLOYMENT_RISK[e] for e in employment])
        + 0.6 * np.array([_PURPOSE_RISK[p] for p in purpose])
        + np.array([_REGION_RISK[r] for r in region])
        + 0.6 * hidden
        + 0.9 * life_event  # job loss, illness, divorce ...
    )
    default = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)

    # identifiers last, so the applicant profile above does not depend on them
    birth_year = birth_idx.year.to_numpy()
    frame = pd.DataFrame(
        {
            ID_COLUMN: [f"APP-{REFERENCE_DATE.year}-{i:06d}" for i in range(1, n + 1)],
            "full_name": [f"{f} {la}" for f, la in zip(first, last, strict=True)],
            "email": _emails(rng, first, last, country, birth_year),
            "phone": _phones(rng, country),
            "card_number": _card_numbers(rng, n),
            "iban": _ibans(rng, country),
            "date_of_birth": birth_idx.strftime("%Y-%m-%d"),
            "age": age,
            "sex": sex,
            "region": region,
            "employment_type": employment,
            "employment_years": employment_years,
            "annual_income": income.astype(int),
            "home_ownership": home,
            "purpose": purpose,
            "loan_amount": amount.astype(int),
            "loan_term_months": term,
            "credit_history_months": pd.array(credit_history, dtype="Int64"),  # blank if none
            "num_open_accounts": open_accounts,
            "num_delinquencies": delinquencies,
            "debt_to_income": dti,
            LABEL: default,
        }
    )
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a synthetic consumer-credit application data set (fake, format-valid PII)."
    )
    parser.add_argument(
        "--rows", type=int, default=5000, help="number of applications (default 5000)"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="CSV file to write (default: data/applications.csv next to this script)",
    )
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    frame = make_applications(args.rows, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out, index=False)
    print(
        f"wrote {len(frame):,} applications to {args.out} "
        f"(seed {args.seed}, default rate {frame[LABEL].mean():.1%})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
