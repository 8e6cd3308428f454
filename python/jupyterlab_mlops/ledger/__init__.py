"""The ledger: an append-only, hash-linked record of every governance fact.

``.mlops/ledger.jsonl`` holds one JSON entry per line. Each entry names the hashes of the
entries it builds on (its parents), so the ledger is a chain that becomes a small DAG when two
git branches that both appended are merged (``.mlops/.gitattributes`` sets ``merge=union``).
"""

from .entry import Entry
from .store import Ledger, open_ledger
from .verify import Problem, VerifyReport, verify_ledger

__all__ = ["Entry", "Ledger", "Problem", "VerifyReport", "open_ledger", "verify_ledger"]
