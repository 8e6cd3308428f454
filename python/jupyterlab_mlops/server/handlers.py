"""REST handlers: authenticate, authorize, confine the path, call the core, answer JSON."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any, Literal, TypeVar

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from ..approvals import approval_status, sign_off
from ..checklists.configure import reconfigure
from ..config import CONTEXT_FIELDS
from ..confinement import confined_to
from ..decisions import record_decision
from ..errors import ForbiddenError, MlopsError, NotFoundError, first_invalid_field
from ..panel import panel_document
from ..paths import confine
from ..people import acting_identity
from ..portfolio import portfolio
from ..project import find_project
from ..reviews import ReviewRequest, request_review
from ..roles import is_anonymous
from ..signoffs import SignOff

AUTH_RESOURCE = "mlops"
BaseModelT = TypeVar("BaseModelT", bound=BaseModel)


class MlopsHandler(APIHandler):
    """Base: JSON errors ``{"error", "hint"}`` with a 4xx status for anything the user can fix."""

    auth_resource = AUTH_RESOURCE

    @property
    def root_dir(self) -> Path:
        return Path(self.settings["server_root_dir"]).expanduser().resolve()

    def fail(self, exc: MlopsError) -> None:
        """Answer with the error, never revealing where the server's files live."""
        root = f"{self.root_dir}/"
        body = {key: value.replace(root, "") for key, value in exc.to_json().items()}
        self.set_status(exc.status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    async def answer(self, work: Callable[..., Any], *args: Any, created: bool = False) -> None:
        """Run ``work(*args)`` off the event loop and answer its JSON (201 when ``created``),
        or the error it raised as a 4xx JSON body."""
        try:
            body = await asyncio.to_thread(confined_to, self.root_dir, work, *args)
        except MlopsError as exc:
            self.fail(exc)
            return
        except OSError as exc:
            self.fail(
                ForbiddenError(
                    f"cannot read the notebook's project ({exc.strerror})", "check file permissions"
                )
            )
            return
        if created:
            self.set_status(201)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    def unrooted(self, body: dict[str, Any]) -> dict[str, Any]:
        """``body`` without the server's own folder in any text."""
        root = f"{self.root_dir}/"
        return json.loads(json.dumps(body).replace(json.dumps(root)[1:-1], ""))

    def notebook_path(self, api_path: str) -> Path:
        """The notebook named by an API path: inside the root, not hidden (unless allowed), saved."""
        if not api_path.endswith(".ipynb"):
            raise MlopsError(f"not a notebook: {api_path}", "give the path of an .ipynb file")
        notebook = confine(self.root_dir, api_path)
        hidden = any(part.startswith(".") for part in PurePosixPath(api_path).parts)
        if (hidden and not self.contents_manager.allow_hidden) or not notebook.is_file():
            raise NotFoundError(f"notebook not found: {api_path}", "save the notebook first")
        return notebook


class NotebookStatusHandler(MlopsHandler):
    """``GET /mlops/api/notebook?path=...``: everything the panel shows for one notebook: its
    project, fingerprint, readiness checklist, sign-offs, timeline and decisions."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        path, actor = self.get_query_argument("path", ""), actor_of(self.current_user)
        await self.answer(self._status, path, actor)  # tornado answers 304 on If-None-Match

    def _status(self, api_path: str, actor: str) -> dict[str, Any]:
        body = panel_document(self.notebook_path(api_path), actor, self.root_dir)
        body["path"] = api_path
        if body["report"] is not None:
            body["report"] = self.unrooted(body["report"])
        return body


class DecisionsHandler(MlopsHandler):
    """``POST /mlops/api/decisions``: record a decision as the server's user (201)."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        actor = actor_of(self.current_user)
        await self.answer(self._record, self.request.body, actor, created=True)

    def _record(self, raw: bytes, actor: str) -> dict[str, Any]:
        body = parse_body(raw, DecisionBody)
        notebook = self.notebook_path(body.path)
        project = find_project(notebook, stop=self.root_dir)
        decision = record_decision(
            project, title=body.title, why=body.why, actor=acting_identity(project, actor),
            alternatives=body.alternatives or None, tags=body.tags, notebook=notebook,
        )  # fmt: skip
        return {"decision": decision.to_json()}


class SignoffsHandler(MlopsHandler):
    """``POST /mlops/api/signoffs``: approve, refuse or revoke in a role as the server's user
    (201); the core's identity and separation-of-duties rules answer 403."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        actor = actor_of(self.current_user)
        await self.answer(self._sign, self.request.body, actor, created=True)

    def _sign(self, raw: bytes, actor: str) -> dict[str, Any]:
        body = parse_body(raw, SignoffBody)
        notebook = self.notebook_path(body.path)
        project = find_project(notebook, stop=self.root_dir)
        entry = sign_off(
            project, notebook, role=body.role, actor=acting_identity(project, actor),
            decision=body.decision, comment=body.comment,
        )  # fmt: skip
        return {
            "signoff": SignOff.of(project, entry, True).to_json(),
            "approvals": approval_status(notebook, project).to_json(),
        }


class ReviewRequestsHandler(MlopsHandler):
    """``POST /mlops/api/review-requests``: ask a role to review the notebook as the server's
    user (201); pending until a sign-off or a refusal in that role answers it."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        actor = actor_of(self.current_user)
        await self.answer(self._request, self.request.body, actor, created=True)

    def _request(self, raw: bytes, actor: str) -> dict[str, Any]:
        body = parse_body(raw, ReviewRequestBody)
        notebook = self.notebook_path(body.path)
        project = find_project(notebook, stop=self.root_dir)
        entry = request_review(
            project, notebook, role=body.role, actor=acting_identity(project, actor),
            comment=body.comment,
        )  # fmt: skip
        return {"request": ReviewRequest(entry).to_json()}


class PortfolioHandler(MlopsHandler):
    """``GET /mlops/api/portfolio``: every project and notebook under the server root."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        await self.answer(self._portfolio)

    def _portfolio(self) -> dict[str, Any]:
        return portfolio(self.root_dir).to_json()


class DocumentsHandler(MlopsHandler):
    """``POST /mlops/api/documentation``: generate the notebook's model card and Annex IV
    documentation for its current bundle as the server's user (201), with their coverage."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        actor = actor_of(self.current_user)
        await self.answer(self._generate, self.request.body, actor, created=True)

    def _generate(self, raw: bytes, actor: str) -> dict[str, Any]:
        from ..documentation.api import generate_docs  # lazy: the renderers

        body = parse_body(raw, DocumentsBody)
        notebook = self.notebook_path(body.path)
        project = find_project(notebook, stop=self.root_dir)
        generated = generate_docs(
            project, notebook, fmt=body.format, actor=acting_identity(project, actor)
        )
        return self.unrooted(generated.to_json())


class ContextHandler(MlopsHandler):
    """``POST /mlops/api/context``: change the registry facts of the notebook's project as the
    server's user (200 with the facts now recorded); only the facts given change."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        actor = actor_of(self.current_user)
        await self.answer(self._configure, self.request.body, actor)

    def _configure(self, raw: bytes, actor: str) -> dict[str, Any]:
        body = parse_body(raw, ContextBody)
        notebook = self.notebook_path(body.path)
        project = find_project(notebook, stop=self.root_dir)
        facts = body.context.model_dump(exclude_unset=True)
        project = reconfigure(project, actor=acting_identity(project, actor), context=facts)
        return {"context": project.config.context.model_dump()}


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    title: str
    why: str
    alternatives: str | None = None
    tags: list[str] = Field(default_factory=list, max_length=20)


class SignoffBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    role: str = Field(min_length=1, max_length=64)
    decision: Literal["approve", "refuse", "revoke"]
    comment: str | None = Field(default=None, max_length=10_000)


class ReviewRequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    role: str = Field(min_length=1, max_length=64)
    comment: str | None = Field(default=None, max_length=2000)


class DocumentsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    format: Literal["html", "md"] = "html"


#: the registry facts to change: text, or ``null``/``""`` to clear one; the core checks each
#: fact's form (:class:`~jupyterlab_mlops.config.ProjectContext`, the one list of facts)
ContextFacts = create_model(
    "ContextFacts",
    __config__=ConfigDict(extra="forbid"),
    **{name: (str | None, Field(default=None, max_length=2000)) for name in CONTEXT_FIELDS},
)


class ContextBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    context: ContextFacts  # type: ignore[valid-type]


def parse_body(raw: bytes, model: type[BaseModelT]) -> BaseModelT:
    """The request's JSON body, validated; a 400 naming the first problem otherwise."""
    try:
        data = json.loads(raw or b"null")
    except (ValueError, RecursionError):  # not JSON, not UTF-8, 4,300+ digits, too deep
        raise MlopsError("the request body is not JSON", "send a JSON object") from None
    if not isinstance(data, dict):
        raise MlopsError("the request body must be a JSON object", "send a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise MlopsError(
            first_invalid_field(exc, "body"), "see the API description (openapi.yaml)"
        ) from None


def actor_of(user: Any) -> str:
    """The identity ledger entries record for a Jupyter server user: its unique ``username``
    (a display name can be shared), or its name when Jupyter made it up for an anonymous user
    (so that it is recognised as anonymous: refused, or in a single-user project taken as the
    local person, see :func:`~jupyterlab_mlops.people.acting_identity`)."""
    if isinstance(user, str):
        return user
    name = str(getattr(user, "name", "") or "")
    username = str(getattr(user, "username", "") or "")
    if name and is_anonymous(name):
        return name
    return username or name or "anonymous"


def handlers() -> list[tuple[str, type[tornado.web.RequestHandler]]]:
    return [
        ("notebook", NotebookStatusHandler),
        ("decisions", DecisionsHandler),
        ("signoffs", SignoffsHandler),
        ("review-requests", ReviewRequestsHandler),
        ("portfolio", PortfolioHandler),
        ("documentation", DocumentsHandler),
        ("context", ContextHandler),
    ]
