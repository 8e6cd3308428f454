"""A document as Markdown, for review in git: the coverage table first, then every section in
order with its statements, their evidence links and tables. Every text from the evidence or
the author is escaped: no HTML in it is ever live, and no Markdown in it changes the layout."""

from __future__ import annotations

import re

from .meter import meter, missing_keys, status_label
from .model import COVERAGE_LABELS, Document, Link, Section, Statement

#: what Markdown (CommonMark, GitHub's) reads as markup anywhere in a line; escaped
_MARKUP = re.compile(r"([\\`*_\[\]|~])")
#: what it reads as markup at the start of a line (headings, lists, rules)
_LEADING = re.compile(r"^(\d+(?=[.)](?:\s|$))|(?=[#+\-=]))")


def escape_md(text: str) -> str:
    """``text`` as literal Markdown on one line: HTML characters as entities (no tag is ever
    live), markup characters escaped, line breaks as spaces."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _LEADING.sub(r"\1\\", _MARKUP.sub(r"\\\1", text), count=1)


def _paragraphs(text: str) -> list[str]:
    """Author text as escaped paragraphs (blank lines separate them)."""
    blocks = re.split(r"\n\s*\n", str(text).strip())
    return [escape_md(b) for b in blocks if b.strip()]


def link_text(link: Link) -> str:
    """``[entry 3f2a91c0aa12]``: the link's kind and its id (shortened for long hashes)."""
    ident = link.id.removeprefix("sha256:")
    if link.kind in ("entry", "notebook", "run") and len(ident) > 12:
        ident = ident[:12]
    return f"[{link.kind} {ident}]"


def _links(links: list[Link]) -> str:
    return " ".join(escape_md(link_text(link)) for link in links)


def _table(rows: list[list[str]]) -> list[str]:
    width = max(len(r) for r in rows)
    cells = [[escape_md(c) for c in r] + [""] * (width - len(r)) for r in rows]
    out = ["| " + " | ".join(cells[0]) + " |", "|" + " --- |" * width]
    out += ["| " + " | ".join(r) + " |" for r in cells[1:]]
    return out


def _statement(statement: Statement) -> list[str]:
    links = _links(statement.links)
    text = escape_md(statement.text)
    lines = [f"- {text}{' ' + links if links else ''}"]
    if statement.image:
        lines.append(f"  (figure: {escape_md(statement.image)})")
    if statement.rows:
        lines += ["", *_table(statement.rows), ""]
    return lines


def _section(section: Section, kind: str) -> list[str]:
    top = "(" not in section.key if kind == "annex-iv" else True
    level = "##" if top else "###"
    label = f"{section.key} " if kind == "annex-iv" else ""
    lines = [f"{level} {escape_md(label + section.title)}", ""]
    if section.heading_only:
        return lines
    lines += [f"*Coverage: {escape_md(status_label(section))}*", ""]
    for statement in section.statements:
        lines += _statement(statement)
    if section.statements:
        lines.append("")
    if section.author_text:
        lines += ["By the author:", ""]
        for paragraph in _paragraphs(section.author_text):
            lines += [f"> {paragraph}", ">"]
        lines[-1] = ""
    if section.coverage == "missing":
        needs = section.needs or "text for this section"
        lines += [f"**Needs author input:** {escape_md(needs)}", ""]
    return lines


def coverage_table(document: Document) -> list[str]:
    """The coverage meter as Markdown: a row per counted section, then the totals."""
    m = meter(document)
    lines = ["| section | coverage |", "| --- | --- |"]
    for entry in m["entries"]:
        name = entry["key"] if document.kind == "annex-iv" else entry["title"]
        lines.append(f"| {escape_md(name)} | {escape_md(entry['label'])} |")
    totals = ", ".join(f"{n} {COVERAGE_LABELS[k]}" for k, n in m["totals"].items())
    lines += ["", f"**Total:** {m['covered']} of {m['total']} covered ({totals})."]
    missing = missing_keys(document)
    if missing:
        lines.append(f"**Needs author input:** {escape_md(', '.join(missing))}.")
    return lines


def render_markdown(document: Document) -> str:
    """The whole document as Markdown."""
    d = document
    lines = [
        f"# {escape_md(d.title)}",
        "",
        f"Project {escape_md(d.project)}, notebook {escape_md(d.notebook)} "
        f"(version {escape_md(d.fingerprint.removeprefix('sha256:')[:12])}, bundle "
        f"{escape_md(d.bundle_digest[:12])}); generated {escape_md(d.generated_at)} by "
        f"{escape_md(d.generated_by)}.",
        "",
        "## Coverage",
        "",
        *coverage_table(d),
        "",
    ]
    for section in d.sections:
        lines += _section(section, d.kind)
    return "\n".join(lines).rstrip() + "\n"
