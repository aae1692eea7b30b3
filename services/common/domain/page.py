"""One page of a listing, as every API returns it: ``{"items": [...], "next_cursor": "…" | null}``.

A service names its pages by subclassing (``class AppealList(Page[Appeal])``), so the OpenAPI
document keeps a readable schema name per listing.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None  # pass as ?cursor= for the next page; null on the last
