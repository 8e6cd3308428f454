"""``alerts``: what waits to reach the project's webhooks, and sending it now."""

from __future__ import annotations

import argparse

from ..render import View
from .base import Handler, Invocation, add_command, project_for


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this group's subcommands to ``sub``."""
    command = add_command(
        sub,
        "alerts",
        "list the alerts waiting for a webhook (pending or failed); --retry sends them now",
        "Alerts (review requests, sign-offs, stale approvals, drift, failed batch runs) go to "
        "the webhooks in .mlops/config `alerts:` through an outbox in .mlops/cache/alerts/, "
        "in the background, retried with backoff. This lists what has not been delivered: "
        "the event, its notebook, the webhook (its address masked), attempts, the next try "
        "and the last error. --retry sends everything waiting now, due or not, and exits 1 "
        "if something still failed.",
    )
    command.add_argument("--retry", action="store_true", help="send every waiting alert now")


def _alerts(args: argparse.Namespace, where: Invocation) -> View:
    from ..alerts.api import alerts_report  # lazy: ~2 ms
    from ..alerts.views import AlertsView

    return AlertsView(alerts_report(project_for(where), send=args.retry))


HANDLERS: dict[str, Handler] = {"alerts": _alerts}
