"""Batch parameters: checked against the notebook's parameter schema before anything runs.

Only declared names, values of the declared type, plain JSON-compatible data within size caps.
The cell papermill injects is then parsed back and must contain exactly one literal assignment
per parameter, equal to the validated value: a crafted name or value can never execute code.

On the command line (``-p NAME VALUE``) a value is text for a ``str`` parameter and JSON for
the others, so ``null`` is None where the type allows it (``int | None``). For a
``str | None`` parameter the value is text, except that ``null`` is None and a value starting
with a double quote is read as a JSON string: the text null is ``'"null"'``.
:func:`format_cli_values` writes values so that :func:`parse_cli_values` reads them back.
"""

from __future__ import annotations

import json
import keyword
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..checklists.annotations import ParameterType, read_type
from ..checklists.params import ParameterSchema
from ..errors import MlopsError
from ..fingerprint import cell_source
from ..yamlfile import read_yaml_mapping

MAX_VALUE_BYTES = 64 * 1024  # one value, as JSON
MAX_TOTAL_BYTES = 1024 * 1024  # all values together
MAX_DEPTH = 20
OPTIONAL_TEXT = ParameterType("str", nullable=True)


class ParameterError(MlopsError):
    """A value (or name) the schema refuses; ``field`` names the parameter, so that a form
    can show the problem next to its input (REST: ``{"error", "hint", "field"}``)."""

    def __init__(self, field: str, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.field = field

    def to_json(self) -> dict[str, str]:
        return {**super().to_json(), "field": self.field}


def parse_cli_values(pairs: Sequence[Sequence[str]], schema: ParameterSchema) -> dict[str, Any]:
    """``-p NAME VALUE`` pairs to values: text for ``str`` parameters, JSON for the others
    (``true``/``false`` and ``True``/``False`` both read as booleans; ``str | None``: see the
    module's docstring)."""
    if pairs:
        _check_usable(schema)
    values: dict[str, Any] = {}
    for name, text in pairs:
        _check_name(name, schema)
        kind = schema.parameters[name]
        declared = read_type(kind)
        if kind == "str":
            values[name] = text
            continue
        if declared == OPTIONAL_TEXT and text != "null" and not text.startswith('"'):
            values[name] = text
            continue
        if declared.base == "bool" and text in ("True", "False"):
            values[name] = text == "True"
            continue
        try:
            values[name] = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, too deep, or too many digits
            if kind == "None" or declared == OPTIONAL_TEXT:  # text after all
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
    return [(name, _cli_text(value, schema.parameters[name])) for name, value in values.items()]


def _cli_text(value: Any, kind: str) -> str:
    if kind == "str":
        return value
    if read_type(kind) == OPTIONAL_TEXT and value is not None:
        plain = value != "null" and not value.startswith('"')
        return value if plain else json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False)


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
    if values:
        _check_usable(schema)
    checked: dict[str, Any] = {}
    total = 0
    for name, value in values.items():
        try:
            _check_name(name, schema)
            _check_plain(name, value, 0)
            size = len(json.dumps(value, ensure_ascii=False).encode("utf-8"))
            if size > MAX_VALUE_BYTES:
                raise MlopsError(f"parameter {name} is over 64 KiB", "pass large inputs as data")
            total += size
            _check_type(name, value, schema)
        except MlopsError as exc:
            raise ParameterError(str(name)[:100], exc.message, exc.hint) from None
        checked[name] = value
    if total > MAX_TOTAL_BYTES:
        raise MlopsError("the parameters are over 1 MiB together", "pass large inputs as data")
    return checked


def parameter_fields(schema: ParameterSchema) -> list[dict[str, Any]]:
    """Each declared parameter as a form shows it: name, type (``int | None``), its base
    type, whether None is allowed, the type of a typed list's items or dict's values, the
    default, and the range or choices its comment declares."""
    fields = []
    for name, kind in schema.parameters.items():
        declared = read_type(kind)
        constraint = schema.constraints.get(name)
        fields.append({
            "name": name, "type": kind, "base": declared.base, "nullable": declared.nullable,
            "item": declared.item.describe() if declared.item else None,
            "default": schema.defaults.get(name),
            "minimum": constraint.minimum if constraint else None,
            "maximum": constraint.maximum if constraint else None,
            "choices": list(constraint.choices) if constraint else [],
        })  # fmt: skip
    return fields


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
    _check_usable(schema)
    _check_name(name, schema)


def _check_usable(schema: ParameterSchema) -> None:
    """Raise unless the notebook has a parameters cell without problems."""
    if schema.cell_index is None:
        raise MlopsError(
            "this notebook has no parameters cell, so it takes no parameters",
            "tag a cell `parameters` (and have the change approved), or run it without -p",
        )
    if schema.problems:
        problems = "; ".join(schema.problems)
        if not problems.startswith("the parameters cell "):
            problems = f"the parameters cell has problems: {problems}"
        raise MlopsError(
            f"{problems} (cell {schema.cell_index + 1})",
            "fix the parameters cell and have the change approved (`mlops check` lists what "
            "is wrong)",
        )


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
    """Only JSON data: None, bool, int, finite float, str (UTF-8, no NUL), lists, string-keyed
    dicts, of exactly these types (a subclass could format itself as code)."""
    if depth > MAX_DEPTH:
        raise MlopsError(f"parameter {name} is nested too deep", f"at most {MAX_DEPTH} levels")
    kind = type(value)
    if value is None or kind in (bool, int):
        return
    if kind is float:
        if not math.isfinite(value):
            raise MlopsError(f"parameter {name}: {value} is not a finite number", "give a number")
        return
    if kind is str:
        if "\x00" in value:
            raise MlopsError(f"parameter {name} contains a NUL character", "remove it")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: bytes that were not UTF-8
            raise MlopsError(
                f"parameter {name} is not valid UTF-8 text", "give the value as UTF-8 text"
            ) from None
        return
    if kind is list:
        for item in value:
            _check_plain(name, item, depth + 1)
        return
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise MlopsError(f"parameter {name}: mapping keys must be text", "quote the keys")
            _check_plain(name, key, depth + 1)
            _check_plain(name, item, depth + 1)
        return
    raise MlopsError(
        f"parameter {name}: a {kind.__name__} is not plain data",
        "use numbers, text, true/false, null, lists and mappings",
    )


def _check_type(name: str, value: Any, schema: ParameterSchema) -> None:
    kind = schema.parameters[name]
    found = read_type(kind).mismatch(value, name)
    if found is not None:
        where, part = found
        inside = "" if where == name else f": {where} is {_shorten(json.dumps(part))}"
        raise MlopsError(
            f"parameter {name} must be {_a(kind)}, not {_shorten(json.dumps(value))}{inside}",
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


def _a(kind: str) -> str:
    return read_type(kind).phrase()


def _declared(schema: ParameterSchema) -> str:
    return ", ".join(f"{k} ({v})" for k, v in schema.described().items()) or "none"


def _example(kind: str) -> str:
    """A ``-p`` value of the type, quoted for a shell where it needs it."""
    simple = {
        "bool": "true",
        "int": "3",
        "float": "0.5",
        "list": "'[1, 2]'",
        "dict": "'{\"a\": 1}'",
    }
    if kind in simple:
        return simple[kind]
    declared = read_type(kind)
    if declared.item is None and declared.base in ("None", "str"):
        return "VALUE (or null)" if declared.nullable else "VALUE"
    value = json.dumps(_sample(replace(declared, nullable=False)))
    shown = value if value.replace(".", "").isalnum() else f"'{value}'"
    return f"{shown} (or null)" if declared.nullable else shown


def _sample(declared: ParameterType) -> Any:
    """A value of the type, for an example."""
    if declared.item is not None:
        item = _sample(replace(declared.item, nullable=False))
        return [item, item] if declared.base == "list" else {"a": item}
    return {"bool": True, "int": 3, "float": 0.5, "str": "text", "list": [1, 2]}.get(
        declared.base, {"a": 1}
    )


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
