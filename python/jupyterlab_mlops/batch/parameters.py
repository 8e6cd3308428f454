"""Batch parameters: checked against the notebook's parameter schema before anything runs.

Only declared names, values of the declared type, plain JSON-compatible data within size caps.
The cell papermill injects is then parsed back and must contain exactly one literal assignment
per parameter, equal to the validated value: a crafted name or value can never execute code.
"""

from __future__ import annotations

import json
import keyword
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..checklists.params import ParameterSchema
from ..errors import MlopsError
from ..fingerprint import cell_source
from ..yamlfile import read_yaml_mapping

MAX_VALUE_BYTES = 64 * 1024  # one value, as JSON
MAX_TOTAL_BYTES = 1024 * 1024  # all values together
MAX_DEPTH = 20


def parse_cli_values(pairs: Sequence[Sequence[str]], schema: ParameterSchema) -> dict[str, Any]:
    """``-p NAME VALUE`` pairs to values: text for ``str`` parameters, JSON for the others
    (``true``/``false`` and ``True``/``False`` both read as booleans)."""
    values: dict[str, Any] = {}
    for name, text in pairs:
        _check_name(name, schema)
        kind = schema.parameters[name]
        if kind == "str":
            values[name] = text
            continue
        if kind == "bool" and text in ("True", "False"):
            values[name] = text == "True"
            continue
        try:
            values[name] = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, too deep, or too many digits
            if kind == "None":  # no default type to go by: take it as text
                values[name] = text
                continue
            raise MlopsError(
                f"parameter {name}: {_shorten(text)!r} is not {_a(kind)}",
                f"e.g. -p {name} {_example(kind)}",
            ) from None
    return values


def format_cli_values(values: Mapping[str, Any], schema: ParameterSchema) -> list[tuple[str, str]]:
    """The ``-p NAME VALUE`` pairs :func:`parse_cli_values` reads back as ``values``: text for
    ``str`` parameters, JSON for the others."""
    return [
        (name, value if schema.parameters[name] == "str" else json.dumps(value, ensure_ascii=False))
        for name, value in values.items()
    ]


def load_parameter_file(path: Path) -> dict[str, Any]:
    """Values from a YAML (or JSON) file mapping names to values."""
    return read_yaml_mapping(
        path,
        hint="e.g. threshold: 0.4",
        not_mapping="must map parameter names to values",
        missing=MlopsError(f"no parameter file {path}", "check the path given to -f"),
        size_limit=(
            MAX_TOTAL_BYTES,
            MlopsError(f"{path} is over 1 MiB", "pass large inputs as data, not parameters"),
        ),
        show_problem=False,
    )


def validate(values: Mapping[Any, Any], schema: ParameterSchema) -> dict[str, Any]:
    """The values, checked: declared names, declared types, constraints, JSON data, sizes."""
    if values and schema.cell_index is None:
        raise MlopsError(
            "this notebook has no parameters cell, so it takes no parameters",
            "tag a cell `parameters` (and have the change approved), or run it without -p",
        )
    if values and schema.problems:
        raise MlopsError(
            f"the parameters cell has problems: {'; '.join(schema.problems)}",
            "fix the parameters cell (see `mlops check`)",
        )
    checked: dict[str, Any] = {}
    total = 0
    for name, value in values.items():
        _check_name(name, schema)
        _check_plain(name, value, 0)
        size = len(json.dumps(value, ensure_ascii=False).encode("utf-8"))
        if size > MAX_VALUE_BYTES:
            raise MlopsError(f"parameter {name} is over 64 KiB", "pass large inputs as data")
        total += size
        _check_type(name, value, schema)
        checked[name] = value
    if total > MAX_TOTAL_BYTES:
        raise MlopsError("the parameters are over 1 MiB together", "pass large inputs as data")
    return checked


def check_injected(notebook: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    """The injected-parameters cell holds exactly ``name = literal`` for each value, and the
    literals equal the values (so nothing else can run)."""
    import ast

    cells = [
        c
        for c in notebook.get("cells", [])
        if "injected-parameters" in ((c.get("metadata") or {}).get("tags") or [])
    ]
    if not values:
        if cells:
            raise MlopsError(
                "an injected-parameters cell appeared with no parameters", "report this"
            )
        return
    if len(cells) != 1:
        raise MlopsError("the parameters were not injected as one cell", "report this")
    tree = ast.parse(cell_source(cells[0]))
    seen: dict[str, Any] = {}
    for node in tree.body:
        if not (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            raise MlopsError("the injected cell holds more than assignments", "report this")
        seen[node.targets[0].id] = ast.literal_eval(node.value)
    if seen.keys() != values.keys() or any(
        json.dumps(seen[k], sort_keys=True) != json.dumps(values[k], sort_keys=True) for k in values
    ):
        raise MlopsError("the injected cell does not match the validated values", "report this")


def check_name(name: Any, schema: ParameterSchema) -> None:
    """Raise unless ``name`` is a parameter the notebook declares."""
    _check_name(name, schema)


def _check_name(name: Any, schema: ParameterSchema) -> None:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise MlopsError(
            f"{_shorten(str(name))!r} is not a parameter name",
            f"declared parameters: {_declared(schema)}",
        )
    if name not in schema.parameters:
        raise MlopsError(
            f"the notebook declares no parameter {name!r}",
            f"declared parameters: {_declared(schema)}",
        )


def _check_plain(name: str, value: Any, depth: int) -> None:
    """Only JSON data: None, bool, int, finite float, str (no NUL), lists, string-keyed dicts."""
    if depth > MAX_DEPTH:
        raise MlopsError(f"parameter {name} is nested too deep", f"at most {MAX_DEPTH} levels")
    if value is None or isinstance(value, (bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise MlopsError(f"parameter {name}: {value} is not a finite number", "give a number")
        return
    if isinstance(value, str):
        if "\x00" in value:
            raise MlopsError(f"parameter {name} contains a NUL character", "remove it")
        return
    if isinstance(value, list):
        for item in value:
            _check_plain(name, item, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise MlopsError(f"parameter {name}: mapping keys must be text", "quote the keys")
            _check_plain(name, key, depth + 1)
            _check_plain(name, item, depth + 1)
        return
    raise MlopsError(
        f"parameter {name}: a {type(value).__name__} is not plain data",
        "use numbers, text, true/false, null, lists and mappings",
    )


def _check_type(name: str, value: Any, schema: ParameterSchema) -> None:
    kind = schema.parameters[name]
    accepted = {
        "bool": lambda v: isinstance(v, bool),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "str": lambda v: isinstance(v, str),
        "list": lambda v: isinstance(v, list),
        "dict": lambda v: isinstance(v, dict),
        "None": lambda v: True,  # a None default says nothing about the type
    }[kind]
    if not accepted(value):
        raise MlopsError(
            f"parameter {name} must be {_a(kind)}, not {_shorten(json.dumps(value))}",
            f"e.g. -p {name} {_example(kind)}",
        )
    constraint = schema.constraints.get(name)
    if constraint is None or value is None:
        return
    if constraint.choices and value not in constraint.choices:
        raise MlopsError(
            f"parameter {name} must be one of {', '.join(constraint.choices)}",
            f"got {_shorten(str(value))!r}",
        )
    low, high = constraint.minimum, constraint.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise MlopsError(
            f"parameter {name}={value} is outside its {constraint.describe()}",
            "give a value inside the range the parameters cell declares",
        )


_ARTICLE = {"int": "an int", "None": "a value"}


def _a(kind: str) -> str:
    return _ARTICLE.get(kind, f"a {kind}")


def _declared(schema: ParameterSchema) -> str:
    return ", ".join(f"{k} ({v})" for k, v in schema.described().items()) or "none"


def _example(kind: str) -> str:
    return {
        "bool": "true",
        "int": "3",
        "float": "0.5",
        "list": "'[1, 2]'",
        "dict": "'{\"a\": 1}'",
    }.get(kind, "VALUE")


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
