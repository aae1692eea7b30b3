"""Domain errors. Logic raises these; ``services.common.edge.problems`` turns them into HTTP responses.

CangerError
├── MalformedRequest    the request cannot be read at all (not JSON, not an object)
├── NotAuthenticated    no caller, or the caller's identity is incomplete
├── NotAllowed          the caller may not do this
├── NotFound            no such resource, or one the caller may not know exists
├── Conflict            the action does not fit the current state
├── TooLarge            the request body is over the limit
└── InvalidInput        fields fail validation; ``errors`` names each field
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class CangerError(Exception):
    """Base of every error a client can cause. ``detail`` is shown to the client: keep it free of personal data."""

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        # Extra members of the problem document, e.g. ``existing_id`` on a duplicate registration.
        self.extensions = extensions


class MalformedRequest(CangerError):
    pass


class NotAuthenticated(CangerError):
    pass


class NotAllowed(CangerError):
    pass


class NotFound(CangerError):
    pass


class Conflict(CangerError):
    pass


class TooLarge(CangerError):
    pass


class InvalidInput(CangerError):
    def __init__(self, errors: list[FieldError], detail: str = "The request has invalid fields.") -> None:
        super().__init__(detail)
        self.errors = errors

    @classmethod
    def field(cls, field: str, message: str) -> InvalidInput:
        return cls([FieldError(field, message)])
