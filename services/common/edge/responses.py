"""The responses a route builds itself, named once: ``return responses.created(team, f"/v1/teams/{team.id}")``.

Most routes return their model and let the resolver answer 200; a route that creates something
answers 201 with a ``Location`` header (API.md, "Conventions"), and every one of them does it here.
(The OpenAPI side of the same answer is ``api.created(Model)``, given to the route decorator.)
"""

from __future__ import annotations

from typing import TypeVar

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def created(model: M, location: str) -> Response[M]:
    """201 Created with ``model`` as the body and ``location`` naming the new resource."""
    return Response(201, "application/json", model, headers={"Location": location})
