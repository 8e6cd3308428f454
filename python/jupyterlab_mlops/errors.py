"""The one error type every surface knows how to show."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError


class MlopsError(Exception):
    """A problem the user can fix: a short message and a hint saying how.

    Magics show it as one line (no traceback), the CLI prints it and exits non-zero,
    REST handlers answer with a 4xx JSON body ``{"error": message, "hint": hint}``.
    """

    status = 400

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def to_json(self) -> dict[str, Any]:
        return {"error": self.message, "hint": self.hint}


class NotFoundError(MlopsError):
    """Something named by the user does not exist."""

    status = 404


class ForbiddenError(MlopsError):
    """The request is understood but not allowed (e.g. a path outside the server root)."""

    status = 403


class BusyError(MlopsError):
    """Another process held a lock for too long."""

    status = 409


class LedgerBusyError(BusyError):
    """Another process held the ledger lock for too long."""


def first_invalid_field(exc: ValidationError, default: str) -> str:
    """``field.path: message`` for the first problem a pydantic ``ValidationError`` lists
    (``default`` names the whole document when the problem has no field)."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or default
    return f"{where}: {first['msg']}"
