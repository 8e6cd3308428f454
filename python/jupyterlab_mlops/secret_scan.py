"""Lines of text that hold something like a credential, found with detect-secrets.

Its high-entropy detectors are left out: hashes and fingerprints are not secrets. A line's
findings depend on that line alone, so each distinct line is scanned once. Results are
remembered per text (its SHA-256), so scanning a notebook again only scans what changed: in
this process, and, given a ``cache`` file (a notebook's, in the project's git-ignored
``.mlops/cache/secrets/``), across processes. The cache holds the results of one scanner (the
detect-secrets version and the detectors left out); another scanner's, or a damaged file, is
ignored and rewritten. detect-secrets is imported on the first scan that needs it, without
the two libraries it loads only for what this scan never does (see :func:`_detect_secrets`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import json
import sys
import threading
import types
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .confinement import readable
from .errors import ForbiddenError

_NOISY = {"Base64HighEntropyString", "HexHighEntropyString"}
_SEEN: dict[str, list[tuple[int, str]]] = {}
_SEEN_MAX = 20_000
_FORMAT = 1
# Imported by detect-secrets only to check a found secret online (requests) and to scan files
# in parallel (multiprocessing); neither happens here, and requests alone costs more than
# the rest of detect-secrets in a fresh process. Each name: what its modules read from it
# while they are imported (only as a return annotation).
_UNUSED = {"requests": ("Response",), "multiprocessing": ()}
_SCANNING = threading.Lock()  # detect-secrets' settings are global: one scan at a time

Lines = list[tuple[int, str]]


def secret_lines(texts: Iterable[str], cache: Path | None = None) -> list[Lines]:
    """For each text, the (line number, kind) of every line that looks like a credential.

    ``cache``: a JSON file that keeps these texts' results for the next process (only the
    texts of this call are kept in it)."""
    texts = list(texts)
    keys = [hashlib.sha256(t.encode("utf-8", "surrogatepass")).hexdigest() for t in texts]
    known = {k: _SEEN[k] for k in keys if k in _SEEN}
    if cache is not None and len(known) < len(set(keys)):
        stored = _read_cache(cache)
        known.update({k: stored[k] for k in keys if k in stored and k not in known})
    if len(known) < len(set(keys)):
        known.update(_scan({k: t for k, t in zip(keys, texts, strict=True) if k not in known}))
        if cache is not None:
            _write_cache(cache, {k: known[k] for k in keys})
    for key in keys:
        if key not in _SEEN:
            if len(_SEEN) >= _SEEN_MAX:
                _SEEN.clear()
            _SEEN[key] = known[key]
    return [known[k] for k in keys]


def _scan(texts: dict[str, str]) -> dict[str, Lines]:
    found = {}
    kinds: dict[str, list[str]] = {}  # per distinct line: a line's findings are its own alone
    with _SCANNING:
        scan_line, default_settings, get_settings = _detect_secrets()
        with default_settings():
            get_settings().disable_plugins(*_NOISY)
            for key, text in texts.items():
                lines = []
                for number, line in enumerate(text.splitlines(), start=1):
                    if line not in kinds:
                        kinds[line] = sorted({secret.type for secret in scan_line(line)})
                    lines += [(number, kind) for kind in kinds[line]]
                found[key] = lines
    return found


def _detect_secrets() -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
    """detect-secrets' line scan and settings, with every module the scan uses imported
    (its plugins, its filters) while the libraries in ``_UNUSED`` are stand-ins: the real one
    is imported when anything uses it, as it would be to check a secret online. Only in a
    process with one thread (the CLI): in the server or a kernel another thread could import
    one of them meanwhile, and there they are usually imported already."""
    alone = threading.active_count() == 1
    with _standing_in(_UNUSED) if alone else contextlib.nullcontext():
        importlib.import_module("detect_secrets.filters.common")  # a filter; imports requests
        from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
        from detect_secrets.core.scan import scan_line
        from detect_secrets.settings import default_settings, get_settings

        get_mapping_from_secret_type_to_class()  # imports every plugin (kept by lru_cache)
    return scan_line, default_settings, get_settings


class _StandIn(types.ModuleType):
    """In place of a module not yet imported: the first use of anything in it imports it."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


@contextlib.contextmanager
def _standing_in(unused: dict[str, tuple[str, ...]]) -> Iterator[None]:
    """While imports run: a stand-in for each module of ``unused`` not imported yet. A name
    read only as an annotation reads as the string postponed annotations would give. After:
    the modules are imported as usual again, and the stand-ins forward every name."""
    stand_ins = {name: _StandIn(name) for name in unused if name not in sys.modules}
    for name, module in stand_ins.items():
        for attribute in unused[name]:
            setattr(module, attribute, f"{name}.{attribute}")
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, module in stand_ins.items():
            for attribute in unused[name]:
                module.__dict__.pop(attribute, None)
            if sys.modules.get(name) is module:
                del sys.modules[name]


@functools.cache
def scanner() -> str:
    """What the results depend on besides the text: the detect-secrets version, the detectors
    left out, the cache's format."""
    from importlib.metadata import version

    return f"detect-secrets {version('detect-secrets')}; without {sorted(_NOISY)}; {_FORMAT}"


def _read_cache(path: Path) -> dict[str, Lines]:
    """The cached results, or nothing when the file is missing, damaged or another scanner's."""
    try:
        data = json.loads(readable(path).read_bytes())
    except (OSError, ValueError, ForbiddenError):  # ForbiddenError: led out of the server root
        return {}
    if not isinstance(data, dict) or data.get("scanner") != scanner():
        return {}
    texts = data.get("texts")
    if not isinstance(texts, dict):
        return {}
    found: dict[str, Lines] = {}
    for key, lines in texts.items():
        if not isinstance(lines, list) or not all(_is_line(line) for line in lines):
            return {}  # damaged: trust none of it
        found[key] = [(line[0], line[1]) for line in lines]
    return found


def _is_line(line: object) -> bool:
    return (
        isinstance(line, list)
        and len(line) == 2
        and type(line[0]) is int
        and line[0] >= 1
        and isinstance(line[1], str)
    )


def _write_cache(path: Path, results: dict[str, Lines]) -> None:
    """Keep ``results`` for the next process; a cache that cannot be written is no error."""
    data = {"scanner": scanner(), "texts": {k: [list(x) for x in v] for k, v in results.items()}}
    with contextlib.suppress(OSError, ForbiddenError):
        path.parent.mkdir(parents=True, exist_ok=True)
        readable(path.parent)  # never write through a link out of the server's root
        write_atomic(path, json.dumps(data, sort_keys=True, separators=(",", ":")), durable=False)
