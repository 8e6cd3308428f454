"""Authorization: a server whose authorizer denies the ``mlops`` resource gets 403 from our API."""

from __future__ import annotations

from pathlib import Path

import pytest
from jupyter_server.auth.authorizer import Authorizer
from tornado.httpclient import HTTPClientError

from .helpers import make_notebook
from .helpers.server import server_config

pytest_plugins = ["pytest_jupyter.jupyter_server"]


class DenyMlops(Authorizer):
    """Allows everything except the resource our handlers declare."""

    def is_authorized(self, handler, user, action, resource) -> bool:
        return resource != "mlops"


@pytest.fixture
def jp_server_config() -> dict:
    return server_config(authorizer_class=DenyMlops)


async def test_an_authenticated_user_without_the_mlops_permission_is_refused(
    jp_fetch, jp_root_dir: Path
) -> None:
    make_notebook(jp_root_dir / "a.ipynb", ["x = 1"])
    assert (
        await jp_fetch("api", "contents", "a.ipynb")
    ).code == 200  # authenticated and allowed elsewhere
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("mlops", "api", "notebook", params={"path": "a.ipynb"})
    assert info.value.code == 403
