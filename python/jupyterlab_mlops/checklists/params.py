"""The parameters cell: the notebook's declared inputs, as a typed schema.

A parameters cell (a code cell tagged ``parameters``, as papermill uses it) may hold only
assignments of literal values to plain names, with comments. The schema is each name with the
type of its default (int, float, str, bool, list, dict or None), or the type its annotation or
``# type:`` comment declares (``threshold: float = 1``, ``label: Optional[str] = None``,
``tags: list[str] = []``, ``seed = 7  # type: int``; see :mod:`.annotations`). A trailing
comment may constrain the value::

    threshold = 0.5  # range: 0..1
    model = "gbm"    # choices: gbm, rf, logistic

Batch runs validate their values against the schema, and approvals bind it.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Any

from ..fingerprint import cell_source
from .annotations import ANY, ParameterType, annotation_type, read_type, text_type, type_comment

TYPES = {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict"}
_RANGE = re.compile(r"#.*?\brange:\s*(-?[\d.eE+]+)?\s*\.\.\s*(-?[\d.eE+]+)?")
_CHOICES = re.compile(r"#.*?\bchoices:\s*([^#]+)")


@dataclass(frozen=True)
class Constraint:
    """What a trailing comment allows: a numeric range, or a set of choices."""

    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        low = "" if self.minimum is None else f"{self.minimum:g}"
        high = "" if self.maximum is None else f"{self.maximum:g}"
        return f"range {low}..{high}"


@dataclass(frozen=True)
class ParameterSchema:
    """What the parameters cell declares, and what is wrong with it."""

    cell_index: int | None  # None: the notebook has no parameters cell
    parameters: dict[str, str] = field(default_factory=dict)  # name -> type
    problems: list[str] = field(default_factory=list)
    constraints: dict[str, Constraint] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)

    def described(self) -> dict[str, str]:
        """Each name with its type and constraint, in words (what approvals bind)."""
        return {
            name: kind
            + (f" ({self.constraints[name].describe()})" if name in self.constraints else "")
            for name, kind in self.parameters.items()
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "cell": self.cell_index,
            "parameters": self.described(),
            "problems": self.problems,
        }


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
        where = f" at line {exc.lineno}" if exc.lineno else ""
        return ParameterSchema(
            index, problems=[f"the parameters cell does not parse: {exc.msg}{where}"]
        )
    except (ValueError, RecursionError, MemoryError):
        return ParameterSchema(index, problems=["the parameters cell does not parse"])
    parameters: dict[str, str] = {}
    constraints: dict[str, Constraint] = {}
    defaults: dict[str, Any] = {}
    comments = _comments(source)
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
        declared = _declared_type(node, comments)
        if isinstance(declared, str):
            problems.append(f"line {node.lineno}: {name}: {declared}")
            continue
        if declared is not None:
            if literal is not None and (declared == ANY or declared.mismatch(literal, name)):
                wanted = "None" if declared == ANY else declared.phrase()
                problems.append(f"line {node.lineno}: {name}'s default is not {wanted}")
                continue
            kind = declared.describe()
        if kind is None:
            problems.append(
                f"line {node.lineno}: {name} has an unsupported type {type(literal).__name__}"
            )
            continue
        parameters[name] = kind
        defaults[name] = literal
        constraint = _constraint(comments.get(node.lineno, ""), read_type(kind))
        if isinstance(constraint, str):
            problems.append(f"line {node.lineno}: {name}: {constraint}")
        elif constraint is not None:
            constraints[name] = constraint
    if not parameters and not problems:
        problems.append("the parameters cell declares no parameters")
    return ParameterSchema(index, parameters, problems, constraints, defaults)


def _comments(source: str) -> dict[int, str]:
    """Line number -> the comment on that line."""
    found: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                found[token.start[0]] = token.string
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def _constraint(comment: str, kind: ParameterType) -> Constraint | str | None:
    """The constraint a trailing comment declares, a problem in words, or None (a None value
    is always allowed where the type allows it)."""
    if match := _RANGE.search(comment):
        if kind.item is not None or kind.base not in ("int", "float"):
            return "a range applies to int and float parameters only"
        try:
            low, high = (float(v) if v else None for v in match.groups())
        except ValueError:
            return "write a range as `# range: LOW..HIGH`"
        if low is None and high is None:
            return "write a range as `# range: LOW..HIGH`"
        return Constraint(minimum=low, maximum=high)
    if match := _CHOICES.search(comment):
        if kind.item is not None or kind.base != "str":
            return "choices apply to str parameters only"
        choices = tuple(c.strip() for c in match.group(1).split(",") if c.strip())
        return Constraint(choices=choices) if choices else "list the choices after `choices:`"
    return None


def _declared_type(node: ast.stmt, comments: dict[int, str]) -> ParameterType | str | None:
    """The type an annotation, or else a ``# type:`` comment at the end of the assignment,
    declares; a problem in words; or None if neither is there."""
    if isinstance(node, ast.AnnAssign):
        return annotation_type(node.annotation)
    written = type_comment(comments.get(node.end_lineno or node.lineno, ""))
    if written is None:
        return None
    declared = text_type(written, "the type comment")
    if isinstance(declared, str) and not declared.startswith("the type comment"):
        return f"the type comment: {declared}"
    return declared


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
