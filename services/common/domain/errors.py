"""Domain errors. Logic raises these; ``services.common.edge.problems`` turns them into HTTP responses.

CangerError
├── MalformedRequest    the request cannot be read at all (not JSON, not an object)
├── NotAuthenticated    no caller, or the caller's identity is incomplete
├── NotAllowed          the caller may not do this
├── NotFound            no such resource, or one the caller may not know exists
├── Conflict            the action does not fit the current state
├── TooLarge            the request body is over the limit
├── UnsupportedMediaType  a write whose body is not declared as JSON
├── MethodNotAllowed    a known path, another method; ``allowed`` lists the ones it has
└── InvalidInput        fields fail validation; ``errors`` names each field
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from services.common.domain.ids import is_id


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


class UnsupportedMediaType(CangerError):
    pass


class MethodNotAllowed(CangerError):
    def __init__(self, allowed: list[str]) -> None:
        super().__init__(f"This path answers {', '.join(allowed)} only.")
        self.allowed = list(allowed)


class InvalidInput(CangerError):
    def __init__(self, errors: list[FieldError], detail: str = "The request has invalid fields.") -> None:
        super().__init__(detail)
        self.errors = errors

    @classmethod
    def field(cls, field: str, message: str) -> InvalidInput:
        return cls([FieldError(field, message)])


# --- the checks every service makes, named once ----------------------------------------------------

T = TypeVar("T")


def get_or_404(
    load: Callable[[str], T | None], resource_id: str, *, prefix: str, what: str, visible: Callable[[T], bool] = bool
) -> T:
    """``load(resource_id)`` if the id is well formed and the caller may see the result, else ``NotFound``::

        project = get_or_404(store.get, project_id, prefix="prj", what="project", visible=by.sees)

    One 404 for "no such id", "not an id" and "not yours to see", so a caller learns nothing of
    records outside their reach.
    """
    found = load(resource_id) if is_id(resource_id, prefix) else None
    if found is None or not visible(found):
        raise NotFound(f"No such {what}.")
    return found


def require_version(what: str, current: int, expected: int | None) -> None:
    """``Conflict`` (409, with ``current_version``) unless ``expected`` is absent or is ``current``."""
    if expected is not None and expected != current:
        raise Conflict(
            f"The {what} is at version {current}, not {expected}; reload it and try again.",
            current_version=current,
        )
