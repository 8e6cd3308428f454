"""Parameter annotations as papermill reads them (``Optional[int]``, ``list[str]``, quoted, ``#
type:`` comments): read from the syntax tree into the schema, validated with their real type,
passed on the command line and back, and injected into a real papermill run."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_mlops.batch.parameters import (
    check_injected,
    check_name,
    format_cli_values,
    parse_cli_values,
    validate,
)
from jupyterlab_mlops.checklists.annotations import read_type
from jupyterlab_mlops.checklists.params import ParameterSchema, parameter_schema
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.project import Project


def schema_of(source: str) -> ParameterSchema:
    """The schema of a notebook whose first cell, tagged ``parameters``, is ``source``."""
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    notebook.cells = [nbformat.v4.new_code_cell("import math"), cell]
    return parameter_schema(notebook)


#: today's forms: their descriptions are what existing approvals bound, so they never change
TODAY = (
    "n = 3\nt: float = 1\nlabel: str = None\nx = None\nflag = True\nl = [1, 'a']\nd = {'a': [1]}\n"
    "threshold = 0.5  # range: 0..1\nmodel = 'gbm'  # choices: gbm, rf\nk: int = 2  # range: 1..\n"
)

ACCEPTED = [
    ("a: Optional[int] = None", "int | None"),
    ("a: typing.Optional[int] = 3", "int | None"),
    ("a: int | None = None", "int | None"),
    ("a: None | int = 1", "int | None"),
    ("a: Union[int, None] = None", "int | None"),
    ("a: Union[None, str] = 'x'", "str | None"),
    ("a: Optional[Optional[float]] = 1", "float | None"),
    ("a: list[str] = ['x']", "list[str]"),
    ("a: List[str] = []", "list[str]"),
    ("a: List = [1, 'x']", "list"),
    ("a: dict[str, float] = {'a': 1, 'b': 0.5}", "dict[str, float]"),
    ("a: Dict[str, float] = {}", "dict[str, float]"),
    ("a: Dict = {'a': 'b'}", "dict"),
    ("a: list[dict[str, int]] = [{'a': 1}]", "list[dict[str, int]]"),
    ("a: dict[str, list[int | None]] = {'a': [1, None]}", "dict[str, list[int | None]]"),
    ("a: Optional[list[str]] = None", "list[str] | None"),
    ("a: list[str] = None", "list[str]"),  # a None default is allowed, as for `label: str = None`
    ('c: "NoneType" = None', "None"),
    ("c: None = None", "None"),
    ('x: "int" = 1', "int"),
    ("x: 'Optional[Dict[str, \"int\"]]' = None", "dict[str, int] | None"),
    ("x = 1  # type: int", "int"),
    ("x = None  # type: Optional[list[int]]", "list[int] | None"),
    ("x = 'a'  # type: ignore", "str"),
    ("x = [\n  'a',\n]  # type: list[str]", "list[str]"),
    ("p: Optional[float] = None  # range: 0..1", "float | None (range 0..1)"),
    ("p = 0.5  # type: float  # range: 0..1", "float (range 0..1)"),
    ("m: Optional[str] = None  # choices: gbm, rf", "str | None (one of gbm, rf)"),
]

REFUSED = [
    (
        "a: tuple = ()",
        "line 1: a: `tuple` is not a parameter type: use int, float, str, bool, list or dict, "
        "or list[T], dict[str, T], T | None",
    ),
    ("a: int | str = 1", "line 1: a: `int | str`: a union may only add None to one type, as in int | None"),
    ("a: Union[int, float] = 1", "line 1: a: `float | int`: a union may only add None to one type, as in int | None"),
    ("a: dict[int, str] = {}", "line 1: a: `dict[int, str]`: mapping keys are text: use dict[str, T]"),
    ("a: list[None] = []", "line 1: a: `list[None]`: an item type of None alone says nothing: use T | None"),
    ("a: list[int, str] = []", "line 1: a: `list[int, str]`: write list[T]"),
    ("a: Optional[int, str] = 1", "line 1: a: `Optional[int, str]`: write Optional[T]"),
    ("a: list[str] = ['x', 1]", "line 1: a's default is not a list[str]"),
    ("a: dict[str, float] = {'a': 'b'}", "line 1: a's default is not a dict[str, float]"),
    ("a: Optional[int] = 'x'", "line 1: a's default is not an int or None"),
    ("a: int = 'x'", "line 1: a's default is not an int"),
    ("a: NoneType = 3", "line 1: a's default is not None"),
    ("a: 'int(' = 1", "line 1: a: the quoted annotation 'int(' does not parse"),
    ("a: os.PathLike = 1", "line 1: a: `os.PathLike` is not a parameter type: use int, float, str, bool, list or dict, or list[T], dict[str, T], T | None"),
    ("a: eval('int') = 1", "line 1: a: `eval('int')` is not a parameter type: use int, float, str, bool, list or dict, or list[T], dict[str, T], T | None"),
    ("a = 'gbm'  # type: gbm or rf", "line 1: a: the type comment: `gbm or rf` is not a parameter type: use int, float, str, bool, list or dict, or list[T], dict[str, T], T | None"),
    ("a = 1  # type: int(", "line 1: a: the type comment 'int(' does not parse"),
    ("a: list[str] = []  # range: 0..1", "line 1: a: a range applies to int and float parameters only"),
    ("a: Optional[int] = None  # choices: 1, 2", "line 1: a: choices apply to str parameters only"),
    (
        "a: " + "list[" * 9 + "int" + "]" * 9 + " = []",
        "line 1: a: the annotation is nested more than 8 levels deep",
    ),
]  # fmt: skip


def test_todays_forms_are_described_as_before() -> None:
    schema = schema_of(TODAY)
    assert schema.problems == []
    assert schema.described() == {
        "n": "int", "t": "float", "label": "str", "x": "None", "flag": "bool", "l": "list",
        "d": "dict", "threshold": "float (range 0..1)", "model": "str (one of gbm, rf)",
        "k": "int (range 1..)",
    }  # fmt: skip


@pytest.mark.parametrize(("source", "described"), ACCEPTED)
def test_annotations_papermill_reads_are_accepted(source: str, described: str) -> None:
    schema = schema_of(source)
    assert schema.problems == []
    ((name, found),) = schema.described().items()
    assert found == described
    assert read_type(schema.parameters[name]).describe() == schema.parameters[name]


@pytest.mark.parametrize(("source", "problem"), REFUSED)
def test_other_annotations_are_refused_with_a_clear_problem(source: str, problem: str) -> None:
    assert schema_of(source).problems == [problem]


SCHEMA = schema_of(
    "o: Optional[int] = None\nso: Optional[str] = None\nls: list[str] = []\n"
    "df: dict[str, float] = {}\nnl: list[dict[str, int]] = []\nlo: Optional[list[str]] = None\n"
    "f: float | None = None  # range: 0..1\nplain: list = []\n"
)


def test_validation_keeps_the_real_type() -> None:
    good = {
        "o": None, "so": None, "ls": ["a", "b"], "df": {"a": 1, "b": 0.5}, "nl": [{"a": 1}, {}],
        "lo": None, "f": None, "plain": [1, "a", None],
    }  # fmt: skip
    assert validate(good, SCHEMA) == good
    assert validate({"o": 3, "so": "null", "lo": [], "f": 1}, SCHEMA)["f"] == 1
    for values, message, hint in [
        ({"o": "3"}, 'parameter o must be an int or None, not "3"', "e.g. -p o 3 (or null)"),
        ({"o": True}, "parameter o must be an int or None, not true", "e.g. -p o 3 (or null)"),
        ({"so": 3}, "parameter so must be a str or None, not 3", "e.g. -p so VALUE (or null)"),
        ({"ls": None}, "parameter ls must be a list[str], not null", "e.g. -p ls '[\"text\", \"text\"]'"),
        ({"ls": "a"}, 'parameter ls must be a list[str], not "a"', "e.g. -p ls '[\"text\", \"text\"]'"),
        ({"ls": ["a", 1]}, 'parameter ls must be a list[str], not ["a", 1]: ls[1] is 1', "e.g. -p ls '[\"text\", \"text\"]'"),
        ({"df": {"a": "x"}}, "parameter df must be a dict[str, float], not {\"a\": \"x\"}: df['a'] is \"x\"", "e.g. -p df '{\"a\": 0.5}'"),
        ({"df": {"a": True}}, "parameter df must be a dict[str, float], not {\"a\": true}: df['a'] is true", "e.g. -p df '{\"a\": 0.5}'"),
        ({"nl": [{"a": 1}, {"b": 1.5}]}, "parameter nl must be a list[dict[str, int]], not [{\"a\": 1}, {\"b\": 1.5}]: nl[1]['b'] is 1.5", "e.g. -p nl '[{\"a\": 3}, {\"a\": 3}]'"),
        ({"lo": [None]}, "parameter lo must be a list[str] or None, not [null]: lo[0] is null", "e.g. -p lo '[\"text\", \"text\"]' (or null)"),
        ({"f": 2}, "parameter f=2 is outside its range 0..1", "give a value inside the range the parameters cell declares"),
    ]:  # fmt: skip
        with pytest.raises(MlopsError) as refused:
            validate(values, SCHEMA)
        assert (refused.value.message, refused.value.hint) == (message, hint)


def test_null_on_the_command_line() -> None:
    """JSON ``null`` is None where the type allows it; for ``str | None`` the text is taken as it
    is, except ``null`` and a value starting with a double quote, which is a JSON string."""
    for text, value in [
        ("null", None), ('"null"', "null"), ("abc", "abc"), ('"abc"', "abc"), ('"', '"'),
        ("None", "None"), ("", ""), ('"\\"q\\""', '"q"'),
    ]:  # fmt: skip
        assert parse_cli_values([("so", text)], SCHEMA) == {"so": value}, text
        assert parse_cli_values(format_cli_values({"so": value}, SCHEMA), SCHEMA) == {"so": value}
    assert format_cli_values({"so": "null", "o": None, "ls": ["a"]}, SCHEMA) == [
        ("so", '"null"'), ("o", "null"), ("ls", '["a"]'),
    ]  # fmt: skip
    assert parse_cli_values([("o", "null"), ("lo", "null")], SCHEMA) == {"o": None, "lo": None}
    plain = ParameterSchema(0, {"n": "int", "label": "str"})
    assert parse_cli_values([("n", "null"), ("label", "null")], plain) == {
        "n": None,
        "label": "null",
    }
    with pytest.raises(MlopsError, match="parameter n must be an int, not null"):
        validate({"n": None}, plain)
    with pytest.raises(MlopsError) as refused:
        parse_cli_values([("ls", "a")], SCHEMA)
    assert refused.value.message == "parameter ls: 'a' is not a list[str]"


BROKEN = "threshold = 0.5\nlabel = (\n"


def test_a_parameters_cell_with_problems_is_named_instead_of_the_parameter() -> None:
    broken = schema_of(BROKEN)
    assert broken.problems == ["the parameters cell does not parse: '(' was never closed at line 2"]
    hint = (
        "fix the parameters cell and have the change approved (`mlops check` lists what is wrong)"
    )
    for refuse in (
        lambda: parse_cli_values([("threshold", "0.4")], broken),
        lambda: validate({"threshold": 0.4}, broken),
        lambda: check_name("threshold", broken),
    ):
        with pytest.raises(MlopsError) as refused:
            refuse()
        assert refused.value.message == (
            "the parameters cell does not parse: '(' was never closed at line 2 (cell 2)"
        )
        assert refused.value.hint == hint
    typed = schema_of("a = 1\nb: tuple = ()")
    with pytest.raises(MlopsError, match=r"^the parameters cell has problems: line 2: b: `tuple`"):
        parse_cli_values([("a", "2")], typed)
    assert parse_cli_values([], broken) == {} and validate({}, broken) == {}


def test_batch_run_names_the_unparseable_parameters_cell(project: Project, mlops) -> None:
    from .helpers import make_notebook

    make_notebook(project.root / "train.ipynb", ["import math", BROKEN], tags={1: ["parameters"]})
    done = mlops("batch", "run", "train.ipynb", "-p", "a", "1", cwd=project.root)
    assert done.returncode == 1
    assert (
        "the parameters cell does not parse: '(' was never closed at line 2 (cell 2)" in done.stderr
    )
    assert "mlops check" in done.stderr and "declares no parameter" not in done.stderr
    assert "Traceback" not in done.stderr


#: (annotation source, its description): every spelling papermill reads, nested up to 3 levels
LEAVES = st.sampled_from(
    [("int", "int"), ("float", "float"), ("str", "str"), ("bool", "bool"), ("list", "list"),
     ("List", "list"), ("dict", "dict"), ("Dict", "dict"), ("'int'", "int"), ("typing.List", "list")]
)  # fmt: skip


def _optional(pair: tuple[str, str]) -> st.SearchStrategy[tuple[str, str]]:
    source, described = pair
    nullable = described if described.endswith(" | None") else f"{described} | None"
    return st.sampled_from(
        [(f"Optional[{source}]", nullable), (f"{source} | None", nullable),
         (f"None | {source}", nullable), (f"Union[{source}, None]", nullable),
         (f"list[{source}]", f"list[{described}]"), (f"List[{source}]", f"list[{described}]"),
         (f"dict[str, {source}]", f"dict[str, {described}]"),
         (f"Dict['str', {source}]", f"dict[str, {described}]")]
    )  # fmt: skip


def annotations(depth: int = 3) -> st.SearchStrategy[tuple[str, str]]:
    return LEAVES if depth == 0 else LEAVES | annotations(depth - 1).flatmap(_optional)


@settings(deadline=None, max_examples=200)
@given(annotations())
def test_every_spelling_reads_to_its_description_and_back(pair: tuple[str, str]) -> None:
    source, described = pair
    for cell in (f"x: {source} = None", f"x: {source!r} = None", f"x = None  # type: {source}"):
        schema = schema_of(cell)
        assert schema.problems == [] and schema.parameters == {"x": described}, cell
        assert read_type(described).describe() == described


ANNOTATION_TEXT = st.text(max_size=60) | st.builds(
    "".join,
    st.lists(
        st.sampled_from(
            ["int", "None", "list", "dict", "Optional", "Union", "str", "[", "]", ",", " | ",
             "'", '"', "(", ")", ".", "typing", "NoneType", "\x00", "\\", "#", "\n", "lambda: 0"]
        ),
        max_size=30,
    ),
)  # fmt: skip


@settings(deadline=None, max_examples=300)
@given(ANNOTATION_TEXT)
def test_annotation_text_gives_a_type_or_a_listed_problem(text: str) -> None:
    """Whatever the annotation text, the reader returns a schema: a parameter whose description
    reads back as its type, or problems, never an exception."""
    for cell in (f"x: {text} = None", f"x: {text!r} = None", f"x = None  # type: {text}"):
        schema = schema_of(cell)
        assert schema.problems or "x" in schema.parameters
        for kind in schema.parameters.values():
            assert read_type(kind).describe() == kind


def test_a_papermill_run_with_optional_and_list_parameters(tmp_path: Path) -> None:
    import papermill

    source = "limit: Optional[int] = 10\ntags: list[str] = ['base']\nlabel: Optional[str] = 'x'"
    code = (
        "import json\nfrom typing import Optional\n"
        "json.dump({'limit': limit, 'tags': tags, 'label': label}, open('out.json', 'w'))"
    )
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}  # fmt: skip
    notebook.cells = [
        nbformat.v4.new_code_cell("from typing import Optional"),
        nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(code),
    ]
    nbformat.write(notebook, tmp_path / "in.ipynb")
    schema = parameter_schema(notebook)
    assert schema.described() == {"limit": "int | None", "tags": "list[str]", "label": "str | None"}
    wanted = {"limit": None, "tags": ["a", "null", '"q"', "None"], "label": "null"}
    pairs = format_cli_values(wanted, schema)
    values = validate(parse_cli_values(pairs, schema), schema)
    assert values == wanted
    executed = papermill.execute_notebook(
        str(tmp_path / "in.ipynb"), str(tmp_path / "run.ipynb"), parameters=values,
        kernel_name="python3", cwd=str(tmp_path), progress_bar=False,
    )  # fmt: skip
    check_injected(executed, values)
    assert json.loads((tmp_path / "out.json").read_text()) == wanted


class _SneakyInt(int):
    """An int that formats itself as code: the Python API must refuse it as not plain data."""

    def __format__(self, spec: str) -> str:
        return "__import__('os').system('touch /tmp/pwned')"

    def __repr__(self) -> str:
        return self.__format__("")


def test_hostile_values_are_refused_as_the_products_errors(tmp_path: Path) -> None:
    schema = schema_of("n = 1\nlabel = 'a'\nitems = [1]")
    for values, message in [
        ({"n": _SneakyInt(3)}, "parameter n: a _SneakyInt is not plain data"),
        ({"items": [True, _SneakyInt(3)]}, "a _SneakyInt is not plain data"),
        ({"label": "caf\udcff"}, "parameter label is not valid UTF-8 text"),
        ({"items": {"\udcff": 1}}, "parameter items is not valid UTF-8 text"),
    ]:
        with pytest.raises(MlopsError, match=message):
            validate(values, schema)
    with pytest.raises(MlopsError, match="parameter label is not valid UTF-8 text"):
        validate(parse_cli_values([("label", "\udcff")], schema), schema)
