"""PII screening on real, seeded data: checksums from python-stdnum, numbering plans from
phonenumbers, the example project's generator; valid values are found, corrupted ones are not."""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pandas as pd
import pytest

from jupyterlab_mlops.data.pii import PiiFinding, screen_arrow, screen_table
from jupyterlab_mlops.errors import MlopsError

from .helpers import data_fixtures as fx

N = 2000


def kinds(findings: list[PiiFinding]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in findings:
        out.setdefault(f.column, set()).add(f.kind)
    return out


@pytest.fixture(scope="module")
def applications() -> pd.DataFrame:
    return fx.make_data().make_applications(5000, 7)


def test_example_data_yields_exactly_the_expected_findings(applications: pd.DataFrame) -> None:
    findings = screen_table(applications)
    assert kinds(findings) == {
        "full_name": {"person_name"},
        "email": {"email"},
        "phone": {"phone"},
        "card_number": {"card_number"},
        "iban": {"iban"},
        "date_of_birth": {"date_of_birth"},
    }
    by_column = {f.column: f for f in findings}
    for column in ("full_name", "email", "card_number", "iban", "date_of_birth"):
        assert by_column[column].share == 1.0, by_column[column]
    assert by_column["phone"].share > 0.9  # a few random GB/DE mobile ranges are not allocated
    assert by_column["card_number"].detail == "Visa, Mastercard"
    assert set(by_column["iban"].detail.split(", ")) == {"GB", "DE"}


def test_example_data_declared_columns_are_reported(applications: pd.DataFrame) -> None:
    findings = screen_table(applications, declared=["sex", "age"])
    assert kinds(findings)["sex"] == {"declared_sensitive"}
    assert kinds(findings)["age"] == {"declared_sensitive"}
    age = next(f for f in findings if f.column == "age")
    assert (age.matched, age.checked, age.share, age.example) == (5000, 5000, 1.0, "")


def test_no_finding_on_feature_columns_of_a_bigger_example(applications: pd.DataFrame) -> None:
    frame = fx.make_data().make_applications(20_000, 3)
    flagged = {f.column for f in screen_table(frame)}
    assert flagged == {"full_name", "email", "phone", "card_number", "iban", "date_of_birth"}


def test_masked_examples_never_hold_a_raw_value(applications: pd.DataFrame) -> None:
    findings = screen_table(applications)
    text = json.dumps([f.to_json() for f in findings])
    for column in ("full_name", "email", "phone", "card_number", "iban", "date_of_birth"):
        for value in applications[column]:
            assert value not in text
    card = next(f for f in findings if f.kind == "card_number")
    assert re.fullmatch(r"[45]\*{3} \*{4} \*{4} \d{4}", card.example)
    email = next(f for f in findings if f.kind == "email")
    assert re.fullmatch(r"[a-z]\*\*\*@[a-z0-9.-]+", email.example)


def test_cards_valid_found_one_digit_changed_not() -> None:
    rng = np.random.default_rng(1)
    good = fx.cards(rng, N)
    frame = pd.DataFrame(
        {
            "good": good,
            "plain": fx.cards(rng, N, spaced=False),
            "bad": [fx.corrupt(v, rng) for v in good],
        }
    )
    findings = screen_table(frame)
    assert kinds(findings) == {"good": {"card_number"}, "plain": {"card_number"}}
    good_finding = next(f for f in findings if f.column == "good")
    assert good_finding.share == 1.0
    assert set(good_finding.detail.split(", ")) == {"Visa", "Mastercard", "Amex"}


def test_cards_as_integers_are_found() -> None:
    rng = np.random.default_rng(2)
    numbers = [int(v) for v in fx.cards(rng, N, spaced=False) if len(v) == 16]
    findings = screen_table(pd.DataFrame({"pan": np.array(numbers, dtype="int64")}))
    assert kinds(findings) == {"pan": {"card_number"}}


def test_random_16_digit_numbers_are_not_cards() -> None:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "order": [f"{v:016d}" for v in rng.integers(10**15, 10**16, N)],
            "order_int": rng.integers(10**15, 10**16, N),
            "order_spaced": [
                " ".join(f"{v:016d}"[i : i + 4] for i in range(0, 16, 4))
                for v in rng.integers(10**15, 10**16, N)
            ],
        }
    )
    assert screen_table(frame) == []


def test_ibans_valid_found_one_digit_changed_not() -> None:
    rng = np.random.default_rng(4)
    good = fx.ibans(rng, N)
    frame = pd.DataFrame(
        {
            "good": good,
            "spaced": [fx.spaced_iban(v) for v in good],
            "bad": [fx.corrupt(v, rng) for v in good],
        }
    )
    findings = screen_table(frame)
    assert kinds(findings) == {"good": {"iban"}, "spaced": {"iban"}}
    assert set(findings[0].detail.split(", ")) == {"DE", "GB", "FR", "NL"}
    assert findings[0].share == 1.0


def test_emails_and_emails_embedded_in_free_text() -> None:
    rng = np.random.default_rng(5)
    names = fx.person_names(rng, N)
    emails = [f"{n.split()[0].lower()}.{i}@example.org" for i, n in enumerate(names)]
    notes = [
        f"Called on Monday; please send the statement to {e} before Friday."
        if i % 40 == 0
        else "Customer asked about the instalment plan and the early repayment fee."
        for i, e in enumerate(emails)
    ]
    handles = [f"@{n.split()[0].lower()}{i}" for i, n in enumerate(names)]  # not e-mails
    frame = pd.DataFrame({"email": emails, "notes": notes, "handle": handles})
    findings = screen_table(frame)
    assert kinds(findings) == {"email": {"email"}, "notes": {"email"}}
    note = next(f for f in findings if f.column == "notes")
    assert note.matched == N // 40 and note.share == pytest.approx(1 / 40, abs=1e-3)


def test_card_numbers_embedded_in_free_text() -> None:
    rng = np.random.default_rng(6)
    cards = fx.cards(rng, N)
    notes = [
        f"Paid the deposit with card {c} at the branch."
        if i % 50 == 0
        else "Paid in cash at the branch, receipt 2024-000123, ref 88172."
        for i, c in enumerate(cards)
    ]
    findings = screen_table(pd.DataFrame({"notes": notes}))
    assert kinds(findings) == {"notes": {"card_number"}}
    assert findings[0].matched == N // 50


def test_phone_numbers_of_several_countries() -> None:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "contact": fx.phones(rng, N),
            "reference": [f"{v:010d}" for v in rng.integers(10**9, 10**10, N)],
        }
    )
    findings = screen_table(frame)
    assert kinds(findings) == {"contact": {"phone"}}
    assert findings[0].share == 1.0
    assert findings[0].example.startswith("+")


def test_national_format_phones_only_in_a_column_named_like_a_phone() -> None:
    rng = np.random.default_rng(8)
    berlin = [f"030 {v:07d}" for v in rng.integers(10**6, 10**7, N)]
    findings = screen_table(pd.DataFrame({"telefon": berlin, "code": berlin}))
    assert kinds(findings) == {"telefon": {"phone"}}
    assert findings[0].detail == "DE"


@pytest.mark.parametrize("detail", list(fx.NATIONAL_IDS))
def test_national_ids(detail: str) -> None:
    rng = np.random.default_rng(9)
    good = fx.national_ids(detail, rng, N)
    frame = pd.DataFrame({"id_number": good})
    findings = screen_table(frame)
    assert [(f.kind, f.detail) for f in findings] == [("national_id", detail)]
    assert findings[0].share == 1.0
    assert not any(v in findings[0].example for v in good)
    if fx.NATIONAL_IDS[detail][2]:  # with a check digit: one changed digit is not an id
        bad = pd.DataFrame({"id_number": [fx.corrupt(v, rng) for v in good]})
        assert screen_table(bad) == []


def test_random_numbers_are_not_national_ids() -> None:
    rng = np.random.default_rng(10)
    frame = pd.DataFrame(
        {
            f"n{k}": [f"{v:0{k}d}" for v in rng.integers(10 ** (k - 1), 10**k, N)]
            for k in range(8, 17)
        }
    )
    assert screen_table(frame) == []


def test_names_found_cities_employers_products_not() -> None:
    rng = np.random.default_rng(11)
    frame = pd.DataFrame(
        {
            "customer": fx.person_names(rng, N),
            "col_1": fx.person_names(rng, N),  # no name hint: values alone
            "city": rng.choice(fx.CITIES, N),
            "employer": rng.choice(fx.EMPLOYERS, N),
            "product": rng.choice(fx.PRODUCTS, N),
            "col_2": rng.choice(fx.CITIES, N),
            "col_3": rng.choice(fx.EMPLOYERS, N),
            "col_4": rng.choice(fx.PRODUCTS, N),
            "client": rng.choice(fx.EMPLOYERS, N),  # a B2B "client" column: companies
        }
    )
    assert kinds(screen_table(frame)) == {"customer": {"person_name"}, "col_1": {"person_name"}}


def test_first_name_and_surname_columns() -> None:
    rng = np.random.default_rng(12)
    frame = pd.DataFrame(
        {"first_name": rng.choice(fx.GIVEN, N), "surname": rng.choice(fx.FAMILY, N)}
    )
    assert kinds(screen_table(frame)) == {"first_name": {"person_name"}, "surname": {"person_name"}}


def test_dates_of_birth_need_a_name_and_plausible_ages() -> None:
    rng = np.random.default_rng(13)
    born = pd.Timestamp("1950-01-01") + pd.to_timedelta(rng.integers(0, 20_000, N), unit="D")
    frame = pd.DataFrame(
        {
            "birth_date": born,
            "dob": [f"{d:%d.%m.%Y}" for d in born],
            "signup_date": born,  # same dates, no hint: not a date of birth
            "date_of_birth": pd.Timestamp("2090-01-01")
            + pd.to_timedelta(rng.integers(0, 999, N), unit="D"),  # in the future
        }
    )
    assert kinds(screen_table(frame)) == {
        "birth_date": {"date_of_birth"},
        "dob": {"date_of_birth"},
    }


def test_plain_columns_have_no_finding() -> None:
    rng = np.random.default_rng(14)
    frame = pd.DataFrame(
        {
            "amount": rng.normal(1000, 300, N).round(2),
            "count": rng.integers(0, 100, N),
            "flag": rng.random(N) < 0.5,
            "when": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 10**6, N), unit="s"),
            "status": rng.choice(["open", "closed", "pending"], N),
            "comment": rng.choice(
                ["Looks fine to me.", "Checked twice, all good", "Re-run on 2024-06-30 12:00"], N
            ),
            "ref": [f"APP-2024-{i:06d}" for i in range(N)],
            "empty": [None] * N,
        }
    )
    assert screen_table(frame) == []


def test_declared_column_that_does_not_exist_is_an_error_listing_columns() -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    with pytest.raises(MlopsError) as info:
        screen_table(frame, declared=["a", "gender"])
    assert "gender" in info.value.message
    assert "a, b" in info.value.hint


def test_declared_column_is_reported_even_when_nothing_matches() -> None:
    frame = pd.DataFrame({"score": [0.1, None, 0.3]})
    findings = screen_table(frame, declared="score")
    assert [f.to_json() for f in findings] == [
        {
            "column": "score",
            "kind": "declared_sensitive",
            "detail": "",
            "matched": 2,
            "checked": 2,
            "share": 1.0,
            "example": "",
            "estimated": False,
        }
    ]


def test_finding_json_round_trip(applications: pd.DataFrame) -> None:
    for finding in screen_table(applications, declared=["sex"]):
        data = json.loads(json.dumps(finding.to_json(), allow_nan=False))
        assert PiiFinding.from_json(data) == finding


@pytest.mark.slow
def test_screen_is_fast_enough_for_200k_rows_by_30_columns() -> None:
    frame = fx.make_data().make_applications(200_000, 5)
    rng = np.random.default_rng(15)
    n = len(frame)
    frame["notes"] = np.where(rng.random(n) < 0.05, "write to " + frame["email"], "no remarks")
    frame["order_no"] = [f"{v:016d}" for v in rng.integers(10**15, 10**16, n)]
    frame["score"] = rng.normal(size=n)
    frame["city"] = rng.choice(fx.CITIES, n)
    frame["employer"] = rng.choice(fx.EMPLOYERS, n)
    frame["ref"] = [f"REF-{v}" for v in rng.integers(0, 10**9, n)]
    frame["ts"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**6, n), unit="s")
    frame["flag"] = rng.random(n) < 0.5
    assert frame.shape == (200_000, 30)
    started = time.perf_counter()
    findings = screen_table(frame)
    elapsed = time.perf_counter() - started
    assert set(kinds(findings)) == {
        "full_name",
        "email",
        "phone",
        "card_number",
        "iban",
        "date_of_birth",
        "notes",
    }
    assert elapsed < 30, f"{elapsed:.1f}s"  # ~2-3 s on a 2-core machine


def test_screen_of_an_arrow_table_equals_the_screen_of_its_frame() -> None:
    """A profile screens its sample as an Arrow table (strings without pandas): the findings
    are those of ``screen_table(table.to_pandas())``, for every column type, declared
    columns and a row limit included."""
    import pyarrow as pa

    rng = np.random.default_rng(21)
    frame = fx.make_data().make_applications(3000, 4)
    n = len(frame)
    frame["card_int"] = [int(c.replace(" ", "")) for c in fx.cards(rng, n, spaced=False)]
    frame["ssn"] = [fx._ssn(rng).replace("-", "") for _ in range(n)]
    frame["amount"] = np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n))
    frame["born"] = pd.to_datetime(frame["date_of_birth"])
    frame["flag"] = rng.random(n) < 0.5
    frame["telefon"] = [f"030 {v}" if v % 7 else None for v in rng.integers(10**6, 10**7, n)]
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.set_column(
        table.column_names.index("region"), "region", table.column("region").dictionary_encode()
    )
    frame = table.to_pandas()
    declared = ["amount", "telefon", "region"]
    for limit in (10_000, 1000):  # all rows, then DataFrame.sample's rows
        expected = screen_table(frame, declared=declared, max_rows=limit)
        assert screen_arrow(table, declared=declared, max_rows=limit) == expected
        assert {"card_int", "ssn", "born", "telefon"} <= set(kinds(expected))
