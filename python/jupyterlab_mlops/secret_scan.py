"""Lines of text that hold something like a credential, found with detect-secrets.

Its high-entropy detectors are left out: hashes and fingerprints are not secrets. Results are
remembered per text, so scanning a notebook again only scans what changed. detect-secrets is
imported on the first scan.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

_NOISY = {"Base64HighEntropyString", "HexHighEntropyString"}
_SEEN: dict[str, list[tuple[int, str]]] = {}
_SEEN_MAX = 20_000


def secret_lines(texts: Iterable[str]) -> list[list[tuple[int, str]]]:
    """For each text, the (line number, kind) of every line that looks like a credential."""
    texts = list(texts)
    keys = [hashlib.sha256(t.encode("utf-8", "surrogatepass")).hexdigest() for t in texts]
    if all(k in _SEEN for k in keys):
        return [_SEEN[k] for k in keys]
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import default_settings, get_settings

    found = []
    with default_settings():
        settings = get_settings()
        settings.plugins = {p: v for p, v in settings.plugins.items() if p not in _NOISY}
        for key, text in zip(keys, texts, strict=True):
            lines = _SEEN.get(key)
            if lines is None:
                lines = [
                    (number, kind)
                    for number, line in enumerate(text.splitlines(), start=1)
                    for kind in sorted({secret.type for secret in scan_line(line)})
                ]
                if len(_SEEN) >= _SEEN_MAX:
                    _SEEN.clear()
                _SEEN[key] = lines
            found.append(lines)
    return found
