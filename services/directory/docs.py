"""Swagger UI for ``/openapi.json``, served by the directory function itself: no CDN, so ``/docs`` works
offline on a laptop and in AWS alike.

The assets are the Swagger UI build that Powertools ships inside its package (pinned with Powertools in
``pyproject.toml`` and in the Lambda layer); this page is ours because Powertools' own ``enable_swagger``
embeds one resolver's document, and ours merges every function's.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import aws_lambda_powertools.event_handler.openapi.swagger_ui as _swagger_ui

ASSETS = {
    "swagger-ui-bundle.js": ("swagger-ui-bundle.min.js", "text/javascript; charset=utf-8"),
    "swagger-ui.css": ("swagger-ui.min.css", "text/css; charset=utf-8"),
}

# Relative URLs, so the page works under any base path. persistAuthorization keeps a pasted token
# across reloads; tryItOutEnabled opens every operation ready to send.
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Canger API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#swagger-ui", persistAuthorization: true,
  deepLinking: true, displayOperationId: true, defaultModelsExpandDepth: 0});
</script>
</body></html>
"""


@cache
def asset(name: str) -> tuple[str, str] | None:
    """``(text, content_type)`` of a Swagger UI asset, or None for a name that is not one."""
    if name not in ASSETS:
        return None
    filename, content_type = ASSETS[name]
    return (Path(_swagger_ui.__file__).with_name(filename).read_text(encoding="utf-8"), content_type)
