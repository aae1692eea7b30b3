"""The dashboard's built files (``web/dist``) at ``/`` of the local server, and the page's ``config.json``.

    GET /              web/dist/index.html
    GET /assets/<f>    web/dist/assets/<f>   (hashed names: cached for a year)
    GET /config.json   {"api_url": ""}       (the API is this same origin; in AWS the deployment writes it)

Anything else is not ours (``response`` returns None) and goes on to the API. ``make run`` builds
``web/dist`` when it is missing; without it ``/`` says how to build it rather than answering a 404.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path

from werkzeug.security import safe_join
from werkzeug.wrappers import Response

DIST = Path(__file__).resolve().parents[1] / "web" / "dist"

NOT_BUILT = "The dashboard is not built: run `make web` (npm ci and vite build in web/), then reload."


def response(path: str, dist: Path = DIST) -> Response | None:
    """The static response for ``path``, or None when the path is not the dashboard's."""
    if path == "/config.json":
        body = json.dumps({"api_url": ""})
        return Response(body, content_type="application/json", headers={"Cache-Control": "no-store"})
    if path in ("/", "/index.html"):
        index = dist / "index.html"
        if not index.is_file():
            return Response(NOT_BUILT, status=503, content_type="text/plain; charset=utf-8")
        return Response(
            index.read_bytes(), content_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"}
        )
    if path.startswith("/assets/"):
        # Only files under dist/assets: safe_join says None for "..", absolute parts and the like.
        found = safe_join(str(dist / "assets"), path.removeprefix("/assets/"))
        if found is None or not Path(found).is_file():
            return None
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        return Response(
            Path(found).read_bytes(),
            content_type=content_type,
            headers={"Cache-Control": "public, max-age=31536000, immutable"},
        )
    return None
