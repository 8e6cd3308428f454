"""Evidence check ``parameters_cell``: one parameters cell with literal, typed assignments."""

from __future__ import annotations

from ..engine import Context, Evidence, Outcome, evidence_check
from ..params import parameter_schema


@evidence_check("parameters_cell")
def parameters_cell(context: Context) -> Outcome:
    """One cell tagged ``parameters`` with only literal, typed assignments."""
    schema = parameter_schema(context.notebook)
    evidence = (
        ()
        if schema.cell_index is None
        else (Evidence("cell", str(schema.cell_index), f"cell {schema.cell_index + 1}"),)
    )
    if schema.problems:
        return Outcome(False, "; ".join(schema.problems), evidence)
    listed = ", ".join(f"{k}: {v}" for k, v in schema.described().items())
    return Outcome(True, listed, evidence)
