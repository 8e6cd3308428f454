"""One ledger entry and its canonical hash."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..canonical import canonical_and_sorted

FORMAT_VERSION = 1
_HEX64 = re.compile(r"[0-9a-f]{64}")  # fullmatch: no newline after it, ASCII digits only
#: the times writers record (``utc_now``): UTC, microseconds, ``Z``
_UTC_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
#: no entry is longer (a decision's text is at most 10,000 characters); longer lines are
#: refused before they are parsed
MAX_LINE_BYTES = 1 << 20
#: the largest integer an entry can hold: what RFC 8785 encodes exactly (2**53 - 1)
_MAX_INT = 2**53 - 1
_TEXT = json.JSONEncoder(ensure_ascii=False)  # a string as lines hold it
_BODY_KEYS = ("v", "kind", "time", "actor", "parents", "n", "notebook", "payload", "links")
_KEYS = frozenset((*_BODY_KEYS, "hash"))


class MalformedEntry(ValueError):
    """A ledger line that is not a well-formed entry."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A governance fact. ``hash`` identifies it; ``line`` is where it sits in the file."""

    hash: str
    kind: str
    time: str
    actor: str
    parents: tuple[str, ...]
    n: int
    notebook: dict[str, str] | None
    payload: dict[str, Any]
    links: tuple[str, ...]
    line: int = field(default=0, compare=False)

    @property
    def short_id(self) -> str:
        return self.hash[:12]

    @property
    def notebook_path(self) -> str | None:
        return self.notebook["path"] if self.notebook else None

    def body(self) -> dict[str, Any]:
        """The hashed part of the entry (everything but the hash itself)."""
        return {
            "v": FORMAT_VERSION,
            "kind": self.kind,
            "time": self.time,
            "actor": self.actor,
            "parents": list(self.parents),
            "n": self.n,
            "notebook": self.notebook,
            "payload": self.payload,
            "links": list(self.links),
        }

    def to_json(self) -> dict[str, Any]:
        return {"id": self.hash, **self.body()}

    def encode(self) -> bytes:
        """The line written to the ledger file (newline-terminated)."""
        record = {**self.body(), "hash": self.hash}
        text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.encode("utf-8") + b"\n"


def new_entry(
    *,
    kind: str,
    time: str,
    actor: str,
    parents: tuple[str, ...],
    n: int,
    notebook: dict[str, str] | None,
    payload: dict[str, Any],
    links: tuple[str, ...],
    line: int = 0,
) -> tuple[Entry, bytes]:
    """An entry at file line ``line``, its hash over the canonical encoding of its body, and
    its line (what ``encode`` gives), from one JSON encoding of the body where that is also
    the canonical one."""
    draft = Entry("", kind, time, actor, parents, n, notebook, payload, links)
    exact, text = canonical_and_sorted(draft.body())
    digest = hashlib.sha256(exact).hexdigest()
    # the line is the body's sorted text with "hash" put in its place, after "actor" (the
    # first key): '{"actor":"..."' + ',"hash":"..."' + ',"kind":...'
    cut = len('{"actor":') + len(_TEXT.encode(actor))
    record = f'{text[:cut]},"hash":"{digest}"{text[cut:]}\n'
    entry = Entry(digest, kind, time, actor, parents, n, notebook, payload, links, line)
    return entry, record.encode("utf-8")


def _float(text: str) -> float:
    """A JSON float as an entry can hold it: finite (``1e999`` would read as infinity)."""
    value = float(text)
    if value - value != 0:  # inf or nan
        raise MalformedEntry(f"the number {text[:20]} is too large")
    return value


def _integer(text: str) -> int:
    """A JSON integer as an entry can hold it: one RFC 8785 encodes exactly."""
    if len(text) > 17 or abs(int(text)) > _MAX_INT:
        shown = text[:20] + ("..." if len(text) > 20 else "")
        raise MalformedEntry(f"the integer {shown} is too large")
    return int(text)


def _no_constant(name: str) -> Any:
    raise MalformedEntry(f"{name} is not a JSON value")


#: readers check floats (few per entry); verify also checks every integer. Integers past
#: 4,300 digits fail as ValueError with either.
_READER = json.JSONDecoder(parse_float=_float, parse_constant=_no_constant)
_STRICT = json.JSONDecoder(parse_float=_float, parse_constant=_no_constant, parse_int=_integer)


def _refuse(record: Any) -> None:
    if not isinstance(record, dict):
        raise MalformedEntry("not a JSON object")
    missing = [k for k in (*_BODY_KEYS, "hash") if k not in record]
    extra = sorted(set(record) - _KEYS)
    if missing or extra:
        raise MalformedEntry(f"unexpected fields (missing {missing}, extra {extra})")
    raise MalformedEntry(f"unknown format version {record['v']!r}")


def _hex_list(values: list[Any]) -> bool:
    """Are all ``values`` entry hashes (64 lower-case hex digits)?"""
    return all(type(value) is str and _HEX64.fullmatch(value) for value in values)


def decode(raw: bytes, line: int, *, canonical: bool = False) -> Entry:
    """Parse one ledger line. Structure is checked here; the hash is checked by ``verify``.

    Anything malformed (not JSON, nested too deep, numbers no entry can hold, NaN) is a
    :class:`MalformedEntry`, never another exception. ``canonical``: the line must also be
    exactly the encoding writers give the entry (``verify`` asks for it: a duplicate key,
    extra whitespace, an escaped character or ``true`` for ``1`` is an alteration even where
    the hash still matches).
    """
    if len(raw) > MAX_LINE_BYTES:
        raise MalformedEntry(f"longer than {MAX_LINE_BYTES} bytes")
    try:
        record = (_STRICT if canonical else _READER).decode(raw.decode("utf-8"))
    except MalformedEntry:
        raise
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise MalformedEntry(f"not valid JSON ({exc.__class__.__name__})") from exc
    except RecursionError as exc:
        raise MalformedEntry("nested too deeply") from exc
    entry = _entry(record, line)
    if canonical and entry.encode() != raw + b"\n":
        raise MalformedEntry("not in canonical form (re-encoded, or a key given twice)")
    return entry


def _entry(record: Any, line: int) -> Entry:
    # the common, well-formed case in as few steps as it takes; _refuse names what is wrong
    if not (type(record) is dict and record.keys() == _KEYS and record["v"] == FORMAT_VERSION):
        _refuse(record)
    hash_, parents, links = record["hash"], record["parents"], record["links"]
    notebook, n, time = record["notebook"], record["n"], record["time"]
    if not (type(hash_) is str and _HEX64.fullmatch(hash_)):
        raise MalformedEntry("hash is not 64 hex digits")
    if not (type(parents) is list and _hex_list(parents)):
        raise MalformedEntry("parents must be a list of entry hashes")
    if not (type(n) is int and n >= 0):
        raise MalformedEntry("n must be a non-negative integer")
    if notebook is not None and not (
        type(notebook) is dict
        and type(notebook.get("path")) is str
        and type(notebook.get("fingerprint")) is str
    ):
        raise MalformedEntry("notebook must be null or {path, fingerprint}")
    if not (type(record["kind"]) is str and type(time) is str and type(record["actor"]) is str):
        raise MalformedEntry("kind, time and actor must be strings")
    if not _UTC_TIME.fullmatch(time):
        raise MalformedEntry("time is not a UTC time like 2026-01-31T12:00:00.000000Z")
    if type(record["payload"]) is not dict:
        raise MalformedEntry("payload must be an object")
    if not (type(links) is list and all(type(link) is str for link in links)):
        raise MalformedEntry("links must be a list of strings")
    return Entry(
        hash_,
        record["kind"],
        time,
        record["actor"],
        tuple(parents),
        n,
        notebook,
        record["payload"],
        tuple(links),
        line,
    )
