"""What an alert says: the event (ids, names, links, a one-line summary) and its two formats.

An event carries no personal data: no actor, no e-mail, no comment or other text a person
typed, no data values (parameter values, error messages). Its id is derived from the facts it
reports, so the same fact always gives the same id (see :mod:`.outbox` for deduplication).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ..canonical import sha256_hex
from ..project import Project

#: the version of the event object a json webhook receives
SCHEMA = 1
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,99}$")
_MAX_NAMES = 5  # columns named in a drift summary before "and N more"


@dataclass(frozen=True)
class Event:
    """One alert, before it is formatted for a webhook."""

    id: str
    event: str
    project: str
    notebook: str
    summary: str
    time: str = ""
    role: str | None = None
    ids: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "id": self.id,
            "event": self.event,
            "time": self.time,
            "project": self.project,
            "notebook": self.notebook,
            "role": self.role,
            "ids": self.ids,
            "links": self.links,
            "summary": self.summary,
            "details": self.details,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Event:
        return cls(
            id=str(data["id"]), event=str(data["event"]), project=str(data["project"]),
            notebook=str(data["notebook"]), summary=str(data["summary"]),
            time=str(data.get("time") or ""), role=data.get("role"),
            ids=dict(data.get("ids") or {}), links=dict(data.get("links") or {}),
            details=dict(data.get("details") or {}),
        )  # fmt: skip


def event_id(event: str, **facts: Any) -> str:
    """The id of the event reporting ``facts`` (a canonical hash: the same facts, the same id)."""
    return sha256_hex({"event": event, **facts})[:32]


def notebook_link(project: Project, notebook: str) -> dict[str, str]:
    """``{"notebook": URL}`` in JupyterLab when the config gives ``lab_url``, else nothing."""
    base = project.config.lab_url
    return {"notebook": f"{base.rstrip('/')}/{quote(notebook)}"} if base and notebook else {}


def mlflow_link(project: Project, experiment: Any, run_id: Any) -> dict[str, str]:
    """``{"mlflow_run": URL}`` when the project's tracking server is a plain http(s) address."""
    uri = project.config.tracking_uri or ""
    if not (uri.startswith(("http://", "https://")) and experiment and run_id) or "@" in uri:
        return {}
    return {"mlflow_run": f"{uri.rstrip('/')}/#/experiments/{quote(str(experiment))}/runs/{quote(str(run_id))}"}  # fmt: skip


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one printable line, at most ``limit`` characters."""
    flat = "".join(ch if ch.isprintable() else " " for ch in text)
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def error_type(error: Any) -> str:
    """The exception's type name from a failure's ``"ename: evalue"`` text; the value (which
    may quote data) is dropped."""
    name = str(error or "").split(":", 1)[0].strip()
    return name if _IDENTIFIER.match(name) else "an error"


def drift_names(flagged: list[dict[str, Any]]) -> str:
    """``applications.income, applications.age and 3 more``."""
    names = [one_line(f"{f.get('dataset', '?')}.{f.get('column', '?')}", 80) for f in flagged]
    shown = ", ".join(names[:_MAX_NAMES])
    return shown + (f" and {len(names) - _MAX_NAMES} more" if len(names) > _MAX_NAMES else "")


def json_body(event: Event) -> bytes:
    """The json format: the event object, compact, keys sorted (the exact bytes signed)."""
    return json.dumps(
        event.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def slack_body(event: Event) -> bytes:
    """The slack format: ``{"text": ...}`` in Slack's mrkdwn, every piece of text escaped."""
    text = f"*{_mrkdwn(event.project)}*: {_mrkdwn(event.summary)}"
    links = [f"<{_mrkdwn(url)}|{_mrkdwn(label.replace('_', ' '))}>" for label, url in event.links.items()]  # fmt: skip
    if links:
        text += " (" + ", ".join(links) + ")"
    return json.dumps({"text": text}, ensure_ascii=False).encode("utf-8")


def _mrkdwn(text: str) -> str:
    """Slack's escaping: ``&``, ``<`` and ``>`` (so no text can become a link or a mention);
    ``|`` too, inside a link's label."""
    return (
        one_line(text, 500)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "¦")
    )
