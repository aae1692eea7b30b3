"""The merged OpenAPI document of every HTTP function, built with Powertools' ``OpenAPIMerge``.

Each function's resolver describes its own routes; this merges them into the one document that
``GET /openapi.json`` serves. The directory function serves a generated copy
(``services/directory/openapi.json``) so that it never has to import another service; a test fails
when the copy is stale, and ``canger openapi --write`` refreshes it.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

from services import catalog
from services.directory import logic as directory_logic

DOCUMENT_PATH = Path(directory_logic.__file__).with_name("openapi.json")

DESCRIPTION = (
    "Canger (苍洱): residents' appeals, volunteer service and community project funding for a city's "
    "community service complex, with the yearly figures officials quote. See API.md for the contract."
)


def merged() -> dict[str, Any]:
    merge = OpenAPIMerge(
        title="Canger API",
        version="1.0.0",
        description=DESCRIPTION,
        security_schemes={"bearer": HTTPBearer(bearerFormat="JWT")},
        security=[{"bearer": []}],
        on_conflict="error",
    )
    for function in catalog.http_functions():
        module_name = function.handler.rpartition(".")[0]
        merge.add_schema(importlib.import_module(module_name).app.get_openapi_schema())
    document = json.loads(json.dumps(merge.get_openapi_schema(), default=str))
    for function in catalog.http_functions():
        for route in function.routes:
            operation = document.get("paths", {}).get(route.path, {}).get(route.method.lower())
            if operation is not None and route.public:
                operation["security"] = []  # public: no token needed
    return document


def merged_json() -> str:
    return json.dumps(merged(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
