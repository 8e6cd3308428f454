"""A seeded uniform sample of rows from a stream of Arrow record batches ("bottom-k": the
rows with the smallest random keys), kept in file order.

Every row gets the next key of one seeded stream, so the sample depends only on the rows'
order, never on how they were cut into batches. Only the keys are compared and sorted (numpy):
rows are copied out of a batch once, when a batch holds some that may still be chosen, and
again only when most of what a kept part holds can no longer be chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

_SEED = 20240630
#: the threshold is tightened once this many times ``k`` rows may still be chosen
_SLACK = 1.25


@dataclass
class _Part:
    """Rows kept from one batch: their data, keys, and how many of them may still be chosen."""

    batch: pa.RecordBatch
    keys: np.ndarray
    live: int


class Sampler:
    """A uniform sample of ``k`` rows from a stream of batches (smallest random keys)."""

    def __init__(self, k: int) -> None:
        import numpy as np

        self.k = k
        self.rng = np.random.default_rng(_SEED)
        self.parts: list[_Part] = []
        self.live = 0  # rows kept whose key is below the threshold
        self.threshold = 2.0  # keys are in [0, 1): at first every row is kept

    def add(self, batch: pa.RecordBatch) -> None:
        import numpy as np

        keys = self.rng.random(batch.num_rows)
        keep = keys < self.threshold
        kept = int(np.count_nonzero(keep))
        if not kept:
            return
        if kept < batch.num_rows:
            batch, keys = batch.filter(keep), keys[keep]
        self.parts.append(_Part(batch, keys, kept))
        self.live += kept
        if self.live > _SLACK * self.k:
            self._tighten()

    def _tighten(self) -> None:
        """The threshold becomes the ``k``-th smallest key kept (rows above it can never be
        chosen); parts of which at most half may still be chosen are copied down."""
        import numpy as np

        keys = np.concatenate([p.keys[p.keys < self.threshold] for p in self.parts])
        if len(keys) > self.k:
            self.threshold = float(np.partition(keys, self.k)[self.k])  # first key left out
        parts: list[_Part] = []
        self.live = 0
        for part in self.parts:
            keep = part.keys < self.threshold
            live = int(np.count_nonzero(keep))
            if not live:
                continue
            if 2 * live <= len(part.keys):
                part = _Part(part.batch.filter(keep), part.keys[keep], live)
            part.live = live
            parts.append(part)
            self.live += live
        self.parts = parts

    def table(self, schema: pa.Schema) -> pa.Table:
        """The sample: the ``k`` rows with the smallest keys (all rows if fewer), in order."""
        import pyarrow as pa

        if self.live > self.k:
            self._tighten()
        batches = [
            p.batch if p.live == len(p.keys) else p.batch.filter(p.keys < self.threshold)
            for p in self.parts
        ]
        if not batches:
            return schema.empty_table()
        return pa.Table.from_batches(batches, schema=schema).combine_chunks()
