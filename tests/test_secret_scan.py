"""The secret scan gives exactly what a plain detect-secrets scan of every line gives (same
detectors, same filters and exclusions), in a fresh process, from its cache, and after a save
that edited one cell (only that cell is scanned). The libraries detect-secrets loads only to
check secrets online or scan files in parallel are imported when used, never before."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

# planted credentials, split so that no scanner flags this file itself
PLANTED = [
    'aws_key = "AKIA' + 'IOSFODNN7EXAMPLE"',
    "-----BEGIN RSA " + "PRIVATE KEY-----",
    'token = "ghp_' + 'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx"',
    'slack = "xoxb-' + '123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"',
    'url = "postgres://admin:' + 's3cr3tpass@db.example.com:5432/x"',
    'stripe.api_key = "sk_' + 'live_4eC39HqLyjWDarjtT1zdp7dc"',
    'sendgrid = "SG.' + 'ngeVfQFYQlKU0ufo8x5d1A.TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr"',
    'twilio = "AC' + 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4"',
    'openai = "sk-' + 'abcdefghijklmnopqrstT3BlbkFJabcdefghijklmnopqrst"',
]
NOT_SECRETS = [  # high entropy, allowlisted, indirect, templated: no finding
    'digest = "3f786850e387550fdab836ed7e6dc881de23001b"',
    'blob = "c2VjcmV0IG1lc3NhZ2UgZm9yIHRoZSB0ZXN0cyBoZXJl"',
    'password = "hunter2-is-' + 'my-secret"  # pragma: allowlist secret',
    'password = os.environ["PASSWORD"]',
    'password = "${PASSWORD}"',
]


def _notebook() -> dict[str, Any]:
    text = "\n".join(PLANTED + NOT_SECRETS)
    note = base64.b64encode(f"notes\n{PLANTED[4]}\n".encode()).decode()
    cells: list[dict[str, Any]] = [
        {"cell_type": "code", "source": text, "metadata": {"tags": ["x"]},
         "outputs": [{"output_type": "stream", "name": "stdout", "text": text + "\n"}]},
        {"cell_type": "code", "source": "x = 1\n" + PLANTED[0], "metadata": {"api_key": "Zx81kLmq7Pq0rT5vW2yB"},
         "outputs": [{"output_type": "error", "ename": "ValueError", "evalue": PLANTED[2],
                      "traceback": [PLANTED[3], "x = 1"]},
                     {"output_type": "display_data", "metadata": {},
                      "data": {"text/html": f"<p>{PLANTED[5]}</p>", "image/png": "iVBORw0KGgo="}}]},
        {"cell_type": "markdown", "source": "# notes\nx = 1", "metadata": {},
         "attachments": {"notes.txt": {"text/plain": note}}},
    ]  # fmt: skip
    cells += [
        {"cell_type": "code", "source": f"value_{i} = compute({i})", "metadata": {}, "outputs": []}
        for i in range(20)
    ]
    return {"metadata": {"kernelspec": {"name": "python3"}}, "cells": cells}


REFERENCE = """
import dataclasses, json, sys
import detect_secrets  # the plain import, requests and all
from detect_secrets.core.scan import scan_line
from detect_secrets.settings import default_settings, get_settings
from jupyterlab_mlops.checklists import secrets

def plain(texts, cache=None):  # every line of every text, nothing remembered
    with default_settings():
        get_settings().disable_plugins("Base64HighEntropyString", "HexHighEntropyString")
        return [[(n, kind) for n, line in enumerate(text.splitlines(), start=1)
                 for kind in sorted({s.type for s in scan_line(line)})] for text in texts]

secrets.secret_lines = plain  # the notebook's texts as the check reads them, scanned plainly
found = secrets.scan_notebook(json.loads(sys.stdin.read()))
print(json.dumps([dataclasses.astuple(f) for f in found]))
"""

SUBJECT = """
import dataclasses, json, sys
from pathlib import Path
from jupyterlab_mlops import secret_scan
from jupyterlab_mlops.checklists.secrets import scan_notebook
scanned = []
real = secret_scan._scan
secret_scan._scan = lambda texts: scanned.append(len(texts)) or real(texts)
found = scan_notebook(json.loads(sys.stdin.read()), Path(sys.argv[1]))
print(json.dumps({"found": [dataclasses.astuple(f) for f in found], "scanned": scanned,
                  "loaded": [m for m in ("detect_secrets", "requests", "multiprocessing")
                             if m in sys.modules]}))
"""


def _run(script: str, notebook: dict[str, Any], *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], input=json.dumps(notebook),
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def test_findings_are_those_of_a_plain_detect_secrets_scan(tmp_path: Path) -> None:
    notebook = _notebook()
    truth = _run(REFERENCE, notebook)
    kinds = {kind for *_, kind in truth}
    assert len(kinds) == 10 and not any("High Entropy" in kind for kind in kinds), kinds
    where = {(cell, place) for cell, place, _, _ in truth}
    assert where == {(0, "source"), (0, "output"), (1, "source"), (1, "metadata"),
                     (1, "output"), (2, "attachment")}  # fmt: skip
    cache = tmp_path / "cache" / "nb.json"
    first = _run(SUBJECT, notebook, str(cache))
    assert first["found"] == truth
    assert first["loaded"] == ["detect_secrets"]  # not requests, not multiprocessing

    notebook["cells"][10]["source"] = f"value = compute(10)\n{PLANTED[1]}"  # saved, one cell edited
    truth = _run(REFERENCE, notebook)
    assert [10, "source", 2, "Private Key"] in truth
    saved = _run(SUBJECT, notebook, str(cache))
    assert saved["found"] == truth and saved["scanned"] == [1]  # the edited cell only

    again = _run(SUBJECT, notebook, str(cache))
    assert again == {"found": truth, "scanned": [], "loaded": []}  # detect-secrets not imported


FORWARDING = """
import os, sys, threading
if sys.argv[1] == "before":
    import requests
if sys.argv[1] == "threads":  # as in the server or a kernel: no stand-ins, real imports
    threading.Thread(target=threading.Event().wait, daemon=True).start()
from jupyterlab_mlops.secret_scan import secret_lines
assert secret_lines(["aws_key = 'AKIA" + "IOSFODNN7EXAMPLE'"]) == [[(1, "AWS Access Key")]]
import detect_secrets.core.secrets_collection as collection
import detect_secrets.plugins.base as base
import requests
assert type(sys.modules["requests"]) is type(os) and isinstance(requests.Response, type)
assert base.requests.exceptions.RequestException is requests.exceptions.RequestException
assert (base.requests is requests) == (sys.argv[1] in ("before", "threads"))
assert collection.mp.cpu_count() == os.cpu_count()
print("ok")
"""


def test_what_detect_secrets_was_imported_without_is_there_when_used() -> None:
    for when in ("before", "after", "threads"):
        done = subprocess.run(
            [sys.executable, "-c", FORWARDING, when],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.stdout.strip() == "ok", (when, done.stderr)
