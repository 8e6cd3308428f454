"""The parameters cell: the notebook's declared inputs, as a typed schema.

A parameters cell (a code cell tagged ``parameters``, as papermill uses it) may hold only
assignments of literal values to plain names, with comments. The schema is each name with the
type of its default (int, float, str, bool, list, dict or None); batch runs validate their
values against it, and approvals bind it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from ..fingerprint import cell_source

TYPES = {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict"}


@dataclass(frozen=True)
class ParameterSchema:
    """What the parameters cell declares, and what is wrong with it."""

    cell_index: int | None  # None: the notebook has no parameters cell
    parameters: dict[str, str] = field(default_factory=dict)  # name -> type
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"cell": self.cell_index, "parameters": self.parameters, "problems": self.problems}


def parameter_schema(notebook: dict[str, Any]) -> ParameterSchema:
    """Find the parameters cell and read its schema (problems are listed, never raised)."""
    tagged = [
        index
        for index, cell in enumerate(notebook.get("cells", []))
        if cell.get("cell_type") == "code"
        and "parameters" in ((cell.get("metadata") or {}).get("tags") or [])
    ]
    if not tagged:
        return ParameterSchema(None, problems=["no code cell is tagged `parameters`"])
    index = tagged[0]
    problems = [f"{len(tagged)} cells are tagged `parameters`: keep one"] if len(tagged) > 1 else []
    source = cell_source(notebook["cells"][index])
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return ParameterSchema(index, problems=[f"the parameters cell does not parse: {exc.msg}"])
    parameters: dict[str, str] = {}
    for node in tree.body:
        name, value = _assignment(node)
        if name is None:
            problems.append(f"line {node.lineno}: only `name = literal` assignments belong here")
            continue
        try:
            literal = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            problems.append(f"line {node.lineno}: {name} is not set to a literal value")
            continue
        kind = "None" if literal is None else TYPES.get(type(literal))
        if kind is None:
            problems.append(
                f"line {node.lineno}: {name} has an unsupported type {type(literal).__name__}"
            )
            continue
        parameters[name] = kind
    if not parameters and not problems:
        problems.append("the parameters cell declares no parameters")
    return ParameterSchema(index, parameters, problems)


def _assignment(node: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    ):
        return node.targets[0].id, node.value
    if (
        isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.value is not None
    ):
        return node.target.id, node.value
    return None, None
