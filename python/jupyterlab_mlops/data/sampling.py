"""A seeded uniform sample of rows from a stream of Arrow record batches ("bottom-k": the
rows with the smallest random keys), kept in file order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

_SEED = 20240630


class Sampler:
    """A uniform sample of ``k`` rows from a stream of batches (smallest random keys)."""

    def __init__(self, k: int) -> None:
        import numpy as np

        self.k = k
        self.rng = np.random.default_rng(_SEED)
        self.parts: list[tuple[pa.RecordBatch, np.ndarray, np.ndarray]] = []
        self.held = 0
        self.seen = 0
        self.threshold = 2.0

    def add(self, batch: pa.RecordBatch) -> None:
        import numpy as np

        keys = self.rng.random(batch.num_rows)
        keep = np.flatnonzero(keys < self.threshold)
        if len(keep) < batch.num_rows:
            batch = batch.take(keep)
        self.parts.append((batch, keys[keep], keep + self.seen))
        self.held += len(keep)
        self.seen += len(keys)
        if self.held > 2 * self.k:
            self._compact()

    def _compact(self) -> None:
        import numpy as np
        import pyarrow as pa

        table = pa.Table.from_batches([b for b, _, _ in self.parts])
        keys = np.concatenate([k for _, k, _ in self.parts])
        rows = np.concatenate([r for _, _, r in self.parts])
        if len(keys) > self.k:
            chosen = np.argpartition(keys, self.k - 1)[: self.k]
            self.threshold = float(keys[chosen].max())
        else:
            chosen = np.arange(len(keys))
        chosen = chosen[np.argsort(rows[chosen], kind="stable")]  # back in file order
        batches = table.take(chosen).combine_chunks().to_batches()
        self.parts = [(batches[0], keys[chosen], rows[chosen])] if batches else []
        self.held = len(chosen)

    def table(self, schema: pa.Schema) -> pa.Table:
        import pyarrow as pa

        if self.held > self.k:
            self._compact()
        batches = [b for b, _, _ in self.parts]
        return pa.Table.from_batches(batches, schema=schema) if batches else schema.empty_table()
