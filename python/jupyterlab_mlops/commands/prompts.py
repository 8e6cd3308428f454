"""``prompt`` and ``prompts``: prompt templates as versions in the project's MLflow prompt
registry (register, move an alias, show, compare), and the catalog."""

from __future__ import annotations

import argparse

from ..errors import MlopsError
from ..render import View
from .base import Handler, Invocation, add_command, notebook_for, path_from, project_for

_ACTIONS = {"show": 1, "diff": 3, "alias": 3}  # action -> how many words follow it
_USAGE = (
    "prompt NAME (the template in the %%mlops prompt cell, or --file/--text) | "
    "prompt show NAME[@ALIAS|/VERSION] | prompt diff NAME V1 V2 | prompt alias NAME VERSION ALIAS"
)


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this group's subcommands to ``sub``."""
    one = add_command(
        sub,
        "prompt",
        "register a prompt version, move an alias, show a version or compare two",
        "`%%mlops prompt NAME` registers the cell body ({{variable}} placeholders) as the next "
        "version of prompt NAME in the project's MLflow prompt registry, unless the newest "
        "version has the same text, and records it in the ledger. `prompt show "
        "NAME[@ALIAS|/VERSION]` prints a version; `prompt diff NAME V1 V2` compares two side "
        "by side (a version number or @ALIAS each); `prompt alias NAME VERSION ALIAS` points "
        "an alias such as production at a version, recorded in the ledger.",
    )
    one.add_argument("words", nargs="+", metavar="NAME | show REF | diff NAME V1 V2 | alias NAME VERSION ALIAS")  # fmt: skip
    one.add_argument("--alias", metavar="ALIAS", help="point this alias at the version registered")
    one.add_argument("--message", "-m", metavar="TEXT", help="what changed (the commit message)")
    one.add_argument("--file", metavar="FILE", help="the template from a text file")
    one.add_argument("--text", metavar="TEMPLATE", help="the template as an argument")
    one.add_argument("--notebook", metavar="NOTEBOOK", help="bind the entry to this notebook")
    many = add_command(
        sub,
        "prompts",
        "list the project's prompts (their newest versions and aliases), or one prompt's versions",
        "Lists every prompt in the project's MLflow prompt registry with its newest version, "
        "aliases and variables; with NAME, every version of that prompt. Assigned in a "
        "notebook (`p = %mlops prompts`) it is a DataFrame.",
    )
    many.add_argument("name", nargs="?", metavar="NAME")


def _prompt(args: argparse.Namespace, where: Invocation) -> View:
    from ..prompts import api, views  # lazy: ~5 ms (MLflow when the registry is asked)

    words = list(args.words)
    action = words[0] if words[0] in _ACTIONS and len(words) > 1 else None
    if action is not None:
        if len(words) - 1 != _ACTIONS[action] or args.alias or args.file or args.text:
            raise MlopsError(f"`prompt {action}` takes other arguments", _USAGE)
        project = project_for(where)
        if action == "show":
            return views.PromptView(api.load_prompt(project, words[1]))
        if action == "diff":
            from ..prompts.diff import diff_prompt

            return views.DiffView(diff_prompt(project, *words[1:]))
        name, version, alias = words[1:]
        if not version.isdigit():
            raise MlopsError(f"{version!r} is not a version number", _USAGE)
        entry = api.set_alias(project, name, int(version), alias, actor=where.who())
        return views.AliasView(name, alias, int(version), entry)
    if len(words) != 1:
        raise MlopsError(f"`prompt {' '.join(words)}`: one NAME only", _USAGE)
    template = _template(args, where)
    notebook = notebook_for(where, args.notebook)
    project = project_for(where, notebook)
    registered = api.register_prompt(
        project, words[0], template, alias=args.alias, message=args.message,
        actor=where.who(), notebook=notebook,
    )  # fmt: skip
    return views.PromptView(registered)


def _template(args: argparse.Namespace, where: Invocation) -> str:
    given = [g for g in (args.file, args.text, where.cell_body) if g]
    if len(given) != 1:
        raise MlopsError(
            "no template" if not given else "more than one template given",
            "write it in the body of a %%mlops prompt cell, or give --file FILE or --text",
        )
    if args.file:
        file = path_from(where, args.file)
        assert file is not None
        try:
            return file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise MlopsError(f"{args.file} is not UTF-8 text", "save it as UTF-8") from None
    if args.text:
        return str(args.text)
    # IPython ends a cell magic's body with a newline that is the cell's, not the prompt's
    return str(where.cell_body).rstrip("\n")


def _prompts(args: argparse.Namespace, where: Invocation) -> View:
    from ..prompts import api  # lazy: ~5 ms
    from ..prompts.views import PromptsView

    project = project_for(where)
    if args.name:
        return PromptsView(api.prompt_versions(project, args.name), f"prompt {args.name}")
    return PromptsView(api.list_prompts(project))


HANDLERS: dict[str, Handler] = {"prompt": _prompt, "prompts": _prompts}
