"""Parameter types: what an annotation or a ``# type:`` comment in the parameters cell declares.

The forms papermill's parameter inspection reads, taken from the syntax tree, never evaluated:

- ``int``, ``float``, ``str``, ``bool``, ``list``, ``dict`` (and ``List``, ``Dict``);
- ``list[T]`` / ``List[T]`` and ``dict[str, T]`` / ``Dict[str, T]``, nested up to 8 levels;
- ``Optional[T]``, ``Union[T, None]``, ``T | None``: ``T`` or None;
- ``None`` / ``NoneType`` alone: what an unannotated None default declares, any plain value;
- any of these quoted (``x: "int" = 1``), prefixed ``typing.``, or in a comment
  (``x = 1  # type: int``).

A type's description is itself such an annotation (``int | None``, ``list[str]``,
``dict[str, float]``), so :func:`read_type` reads a description back into its type.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

BASES = ("bool", "int", "float", "str", "list", "dict")
MAX_NESTING = 8
MAX_QUOTED = 200  # characters of a quoted annotation or a type comment
_NAMES = {"List": "list", "Dict": "dict", "NoneType": "None"}
_USE = "use int, float, str, bool, list or dict, or list[T], dict[str, T], T | None"
_TYPE_COMMENT = re.compile(r"#\s*type:\s*([^#]*)")


@dataclass(frozen=True)
class ParameterType:
    """A parameter's type: a base, the type of a typed list's items or a typed dict's values,
    and whether None is allowed too."""

    base: str  # one of BASES, or "None": any plain value (nothing is known of the type)
    item: ParameterType | None = None  # list[item], dict[str, item]
    nullable: bool = False  # T | None

    def describe(self) -> str:
        """The type as an annotation: ``int``, ``list[str]``, ``dict[str, float] | None``."""
        return self._core() + (" | None" if self.nullable else "")

    def phrase(self) -> str:
        """The type in a sentence: ``an int``, ``a list[str] or None``, ``a value``."""
        if self.base == "None":
            return "a value"
        core = self._core()
        return (
            ("an " if core[0] in "aeiou" else "a ") + core + (" or None" if self.nullable else "")
        )

    def mismatch(self, value: Any, where: str) -> tuple[str, Any] | None:
        """Where ``value`` first breaks this type (``where``, ``where[2]``, ``where['a']``) and
        the part there, or None if it fits; ints fit float, booleans fit only bool."""
        if value is None and (self.nullable or self.base == "None"):
            return None
        fits = {
            "bool": lambda v: isinstance(v, bool),
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "str": lambda v: isinstance(v, str),
            "list": lambda v: isinstance(v, list),
            "dict": lambda v: isinstance(v, dict),
            "None": lambda v: True,
        }[self.base]
        if not fits(value):
            return where, value
        if self.item is None:
            return None
        if isinstance(value, list):
            parts = [(f"{where}[{i}]", item) for i, item in enumerate(value)]
        else:
            if any(not isinstance(key, str) for key in value):
                return where, value
            parts = [(f"{where}[{key!r}]", item) for key, item in value.items()]
        return next((m for w, v in parts if (m := self.item.mismatch(v, w))), None)

    def _core(self) -> str:
        if self.item is None:
            return self.base
        inner = self.item.describe()
        return f"list[{inner}]" if self.base == "list" else f"dict[str, {inner}]"


ANY = ParameterType("None")


class _Refused(Exception):
    """An annotation that declares no parameter type; the message says why."""


def annotation_type(node: ast.expr) -> ParameterType | str:
    """The type an annotation declares, or a problem in words (never raises)."""
    try:
        return _read(node, 0)
    except _Refused as refused:
        return str(refused)


def text_type(
    text: str, what: str = "the quoted annotation", limit: int | None = MAX_QUOTED
) -> ParameterType | str:
    """The type an annotation written as text declares, or a problem in words (at most
    ``limit`` characters of text)."""
    try:
        return _read(_parse(text, what, limit), 0)
    except _Refused as refused:
        return str(refused)


def type_comment(comment: str) -> str | None:
    """The annotation in a ``# type: T`` comment (PEP 484), None if there is none."""
    match = _TYPE_COMMENT.search(comment)
    if match is None or match.group(1).strip().startswith("ignore"):
        return None
    return match.group(1).strip()


@lru_cache(maxsize=256)
def read_type(description: str) -> ParameterType:
    """The type a schema describes (``int | None``, ``list[str]``); ValueError if it is none."""
    found = text_type(description, "the type", limit=None)
    if isinstance(found, str):
        raise ValueError(f"{description!r} is not a parameter type: {found}")
    return found


def _parse(text: str, what: str, limit: int | None = MAX_QUOTED) -> ast.expr:
    if limit is not None and len(text) > limit:
        raise _Refused(f"{what} is over {limit} characters")
    try:
        return ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise _Refused(f"{what} {_shorten(text)!r} does not parse") from None


def _read(node: ast.expr, depth: int) -> ParameterType:
    if depth > MAX_NESTING:
        raise _Refused(f"the annotation is nested more than {MAX_NESTING} levels deep")
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _read(_parse(node.value, "the quoted annotation"), depth + 1)
    if isinstance(node, ast.Constant) and node.value is None:
        return ANY
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union([_read(node.left, depth + 1), _read(node.right, depth + 1)])
    if isinstance(node, ast.Subscript):
        return _generic(_name(node.value), node, depth)
    name = _name(node)
    name = _NAMES.get(name, name) if name else None
    if name == "None":
        return ANY
    if name in BASES:
        return ParameterType(name)
    raise _Refused(f"`{_source(node)}` is not a parameter type: {_USE}")


def _generic(name: str | None, node: ast.Subscript, depth: int) -> ParameterType:
    """``Optional[T]``, ``Union[...]``, ``list[T]``, ``dict[str, T]``."""
    given = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    args = [_read(arg, depth + 1) for arg in given]
    if name == "Optional" and len(args) == 1:
        return _union([args[0], ANY])
    if name == "Union":
        return _union(args)
    if name in ("list", "List") and len(args) == 1:
        return ParameterType("list", item=_item(args[0], node))
    if name in ("dict", "Dict") and len(args) == 2:
        if args[0] != ParameterType("str"):
            raise _Refused(f"`{_source(node)}`: mapping keys are text: use dict[str, T]")
        return ParameterType("dict", item=_item(args[1], node))
    forms = {"Optional": "Optional[T]", "list": "list[T]", "List": "List[T]"}
    forms |= {"dict": "dict[str, T]", "Dict": "Dict[str, T]"}
    if name in forms:
        raise _Refused(f"`{_source(node)}`: write {forms[name]}")
    raise _Refused(f"`{_source(node)}` is not a parameter type: {_USE}")


def _union(members: list[ParameterType]) -> ParameterType:
    """One type, perhaps with None: ``int | None``; never two types."""
    nullable = any(m == ANY or m.nullable for m in members)
    types = {replace(m, nullable=False) for m in members if m != ANY}
    if len(types) > 1:
        described = " | ".join(sorted(t.describe() for t in types))
        raise _Refused(f"`{described}`: a union may only add None to one type, as in int | None")
    if not types:
        return ANY
    return replace(types.pop(), nullable=nullable)


def _item(item: ParameterType, node: ast.Subscript) -> ParameterType:
    if item == ANY:
        raise _Refused(f"`{_source(node)}`: an item type of None alone says nothing: use T | None")
    return item


def _name(node: ast.expr) -> str | None:
    """``int``, ``Optional`` or ``typing.Optional`` as a name; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr if node.value.id == "typing" else None
    return None


def _source(node: ast.expr) -> str:
    try:
        return _shorten(ast.unparse(node))
    except (ValueError, RecursionError):  # pragma: no cover - a parsed tree unparses
        return "?"


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
