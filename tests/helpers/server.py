"""The Jupyter server configuration the REST tests start pytest-jupyter's server with."""

from __future__ import annotations


def server_config(**server_app: object) -> dict:
    """A ``jp_server_config``: this extension on and no unauthenticated access (an undecorated
    handler would fail the tests), plus more ``ServerApp`` settings (``authorizer_class``,
    ``identity_provider_class``, ...)."""
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_mlops": True},
            "allow_unauthenticated_access": False,
            **server_app,
        }
    }
