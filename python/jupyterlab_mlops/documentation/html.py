"""A document as one self-contained HTML file: no request leaves it (styles inline, figures
embedded as ``data:`` URIs), it prints cleanly to PDF from a browser (print styles, a page
break before each top-level point), and every text from the evidence or the author is
escaped, so no HTML or script in a decision title or a name is ever live."""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape

from ..render import html_table
from .markdown import link_text
from .meter import meter, missing_keys, status_label
from .model import COVERAGE_LABELS, Document, Link, Section, Statement

#: reads a figure (``RUN_ID/path`` or a project file): its MIME type and bytes, or why not
ImageLoader = Callable[[str], tuple[str, bytes] | str]

COLORS = {"evidence": "#2e7d32", "author": "#1565c0", "not_applicable": "#757575", "missing": "#c62828"}  # fmt: skip

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;
max-width:52rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #ccc}
h3{font-size:1.1rem;margin-top:1.4rem}.meta,.coverage-label{color:#555;font-size:.9rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{padding:3px 8px;text-align:left;
vertical-align:top;border-bottom:1px solid #ddd}
code.link{font-size:.8rem;background:#f2f2f2;padding:0 3px;border-radius:3px;white-space:nowrap}
.meter{display:flex;height:1.1rem;border-radius:3px;overflow:hidden;margin:.4rem 0;border:1px solid #bbb}
.meter span{display:block;height:100%}
.legend span.swatch{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 .8rem;vertical-align:middle}
.needs{border-left:4px solid #c62828;padding:.3rem .6rem;background:#fdecea}
.author{border-left:4px solid #1565c0;padding:.1rem .6rem;background:#eef4fb}
.author p{white-space:pre-wrap}img{max-width:100%}
.status-evidence{color:#2e7d32}.status-author{color:#1565c0}.status-not_applicable{color:#555}
.status-missing{color:#c62828;font-weight:600}
@media print{
body{max-width:none;margin:0;font-size:11pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
section.top{break-before:page;page-break-before:always}
h2,h3{break-after:avoid;page-break-after:avoid}
table,img,figure,li{break-inside:avoid;page-break-inside:avoid}
a{color:inherit;text-decoration:none}
}
@page{margin:18mm 15mm}
"""


def render_html(document: Document, images: ImageLoader | None = None) -> str:
    """The whole document as one HTML page; ``images`` reads the figures statements name
    (without it, each figure is named, not embedded)."""
    d = document
    meta = (
        f"Project {escape(d.project)}, notebook <code>{escape(d.notebook)}</code> (version "
        f"<code>{escape(d.fingerprint.removeprefix('sha256:')[:12])}</code>, bundle "
        f"<code>{escape(d.bundle_digest[:12])}</code>). Generated {escape(d.generated_at)} "
        f"by {escape(d.generated_by)}."
    )
    body = "".join(_section(s, d.kind, images) for s in d.sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">"
        f"<title>{escape(d.title)}</title><style>{CSS}</style></head><body>"
        f'<header><h1>{escape(d.title)}</h1><p class="meta">{meta}</p></header>'
        f"{coverage_html(d)}<main>{body}</main></body></html>\n"
    )


#: the bar's own layout, inline: the meter also shows in a notebook, without the page's CSS
_METER = "display:flex;height:1.1rem;max-width:40rem;border:1px solid #bbb;border-radius:3px;overflow:hidden"  # fmt: skip


def coverage_html(document: Document) -> str:
    """The coverage meter: a bar per status, a legend, and a table of every counted section."""
    m = meter(document)
    total = m["total"] or 1
    bar = "".join(
        f'<span class="bar-{k}" style="display:block;width:{100 * n / total:.2f}%;'
        f'background:{COLORS[k]}" title="{escape(COVERAGE_LABELS[k])}: {n}"></span>'
        for k, n in m["totals"].items()
        if n
    )
    legend = "".join(
        f'<span class="swatch" style="display:inline-block;width:.8rem;height:.8rem;'
        f'margin:0 .3rem 0 .8rem;background:{COLORS[k]}"></span>'
        f'{escape(COVERAGE_LABELS[k])} <b class="count-{k}">{n}</b>'
        for k, n in m["totals"].items()
    )
    rows = [
        [
            escape(e["key"] if document.kind == "annex-iv" else e["title"]),
            f'<span class="status-{e["status"]}">{escape(e["label"])}</span>',
        ]
        for e in m["entries"]
    ]
    missing = missing_keys(document)
    needs = (
        f'<p class="needs">Needs author input: {escape(", ".join(missing))}</p>' if missing else ""
    )
    return (
        '<section class="coverage"><h2>Coverage</h2>'
        f'<p><b class="covered">{m["covered"]}</b> of <b class="total">{m["total"]}</b> '
        f'covered</p><div class="meter" style="{_METER}">{bar}</div><p class="legend">{legend}</p>'
        f"{needs}{html_table(['section', 'coverage'], rows)}</section>"
    )


def _links(links: list[Link]) -> str:
    return " ".join(
        f'<code class="link" title="{escape(link.label)}: {escape(link.id)}">'
        f"{escape(link_text(link))}</code>"
        for link in links
    )


def _image(ref: str, images: ImageLoader | None) -> str:
    found = images(ref) if images is not None else "not embedded"
    if isinstance(found, str):
        return f'<p class="coverage-label">(figure {escape(ref)}: {escape(found)})</p>'
    mime, data = found
    uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return f'<figure><img src="{uri}" alt="{escape(ref)}"></figure>'


def _statement(statement: Statement, images: ImageLoader | None) -> str:
    links = _links(statement.links)
    out = f"<li>{escape(statement.text)}{' ' + links if links else ''}"
    if statement.rows:
        head, *rest = statement.rows or [[]]
        out += html_table([escape(h) for h in head], [[escape(c) for c in r] for r in rest])
    if statement.image:
        out += _image(statement.image, images)
    return out + "</li>"


def _section(section: Section, kind: str, images: ImageLoader | None) -> str:
    top = "(" not in section.key if kind == "annex-iv" else False
    tag = "h2" if top or kind != "annex-iv" else "h3"
    number = f"{escape(section.key)} " if kind == "annex-iv" else ""
    heading = f"<{tag}>{number}{escape(section.title)}</{tag}>"
    classes = f"section cov-{section.coverage}" + (" top" if top else "")
    if section.heading_only:
        return f'<section class="{classes}" id="s-{escape(section.key)}">{heading}</section>'
    parts = [
        heading,
        f'<p class="coverage-label">Coverage: <span class="status-{section.coverage}">'
        f"{escape(status_label(section))}</span></p>",
    ]
    if section.statements:
        parts.append("<ul>" + "".join(_statement(s, images) for s in section.statements) + "</ul>")
    if section.author_text:
        paragraphs = [p.strip() for p in section.author_text.strip().split("\n\n") if p.strip()]
        parts.append(
            '<div class="author"><p class="coverage-label">By the author:</p>'
            + "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
            + "</div>"
        )
    if section.coverage == "missing":
        parts.append(
            f'<p class="needs"><b>Needs author input:</b> '
            f"{escape(section.needs or 'text for this section')}</p>"
        )
    return f'<section class="{classes}" id="s-{escape(section.key)}">{"".join(parts)}</section>'
