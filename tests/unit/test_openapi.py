"""The OpenAPI document: valid 3.1, and true to what the edge and the gateway answer (API.md, "Conventions")."""

import re

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from canger_local import openapi
from services import catalog

DOCUMENT = openapi.merged()
OPERATIONS = [
    (path, method, operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    if method in ("get", "post", "patch", "put", "delete")
]
WRITES = [(p, m, o) for p, m, o in OPERATIONS if m in ("post", "patch")]


def test_served_openapi_document_is_up_to_date():
    # If this fails, run `make openapi` (canger openapi --write) and commit the result.
    assert openapi.DOCUMENT_PATH.read_text(encoding="utf-8") == openapi.merged_json()


def test_generated_reference_in_docs_is_up_to_date():
    # If this fails, run `make openapi` and commit docs/openapi.json and docs/API.md.
    assert (openapi.DOCS_DIR / "openapi.json").read_text(encoding="utf-8") == openapi.merged_json()
    assert (openapi.DOCS_DIR / "API.md").read_text(encoding="utf-8") == openapi.reference_markdown()


def test_document_is_valid_openapi_3_1():
    errors = [error.message for error in OpenAPIV31SpecValidator(DOCUMENT).iter_errors()]
    assert errors == []
    assert DOCUMENT["openapi"].startswith("3.1")


def test_every_route_of_the_table_is_documented_once():
    documented = {(path, method.upper()) for path, method, _ in OPERATIONS}
    routed = {
        (route.path, route.method)
        for function in catalog.http_functions()
        for route in function.routes
        if route.path not in ("/openapi.json", "/docs", "/docs/{asset}")
    }
    assert routed == documented


def test_public_routes_need_no_token_and_others_need_the_bearer_scheme():
    public = {(r.path, r.method.lower()) for f in catalog.http_functions() for r in f.routes if r.public}
    for path, method, operation in OPERATIONS:
        expected = [] if (path, method) in public else [{"bearer": []}]
        assert (path, method, expected) == (path, method, operation["security"])
    assert (DOCUMENT["components"]["securitySchemes"]["bearer"]) == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A Cognito ID token",
    }


def test_operation_ids_are_short_camel_case_and_unique():
    ids = [operation["operationId"] for _, _, operation in OPERATIONS]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not re.fullmatch(r"[a-z]+(?:[A-Z0-9][a-z0-9]*){0,4}", i)] == []
    assert DOCUMENT["paths"]["/v1/appeals"]["post"]["operationId"] == "submitAppeal"


def test_every_operation_has_a_summary_and_a_description():
    missing = [o["operationId"] for _, _, o in OPERATIONS if not o.get("summary") or len(o.get("description", "")) < 20]
    assert missing == []


def test_every_problem_answer_is_the_one_problem_schema():
    for path, _, operation in OPERATIONS:
        for status, response in operation["responses"].items():
            if path.startswith("/open311/") and status in ("400", "404"):
                continue  # GeoReport v2's own error array (API.md, "Open data")
            if int(status) >= 400:
                assert (response["content"]) == {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                }
    schemas = DOCUMENT["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert {"type", "title", "status", "detail", "errors"} <= set(schemas["Problem"]["properties"])


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/v1/appeals", "post", {"201", "400", "401", "403", "409", "413", "415", "422"}),
        ("/v1/appeals/{appeal_id}", "get", {"200", "401", "403", "404", "422"}),
        ("/v1/me", "get", {"200", "401", "422"}),
        ("/v1/stats/{year}", "get", {"200", "422"}),
        ("/v1/reports/{report}", "get", {"200", "404", "422"}),
        ("/v1/projects/{project_id}", "patch", {"200", "400", "401", "403", "404", "409", "413", "415", "422"}),
    ],
)
def test_operations_list_the_statuses_they_answer(path, method, statuses):
    assert statuses == set(DOCUMENT["paths"][path][method]["responses"])


def test_every_write_takes_an_idempotency_key():
    for _, _, operation in WRITES:
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        assert [p["name"] for p in headers] == ["Idempotency-Key"], operation["operationId"]


def test_every_write_has_an_example_body():
    assert [
        o["operationId"] for _, _, o in WRITES if "example" not in o["requestBody"]["content"]["application/json"]
    ] == []


def test_schema_names_are_unique_and_statistics_figures_are_described():
    schemas = DOCUMENT["components"]["schemas"]
    assert {"Funding", "FundingFigures"} <= set(schemas)
    for name in ("AppealFigures", "MeetingFigures", "VolunteerFigures", "ProjectFigures", "FundingFigures"):
        undescribed = [field for field, schema in schemas[name]["properties"].items() if "description" not in schema]
        assert (name, []) == (name, undescribed)


def test_times_and_dates_carry_their_format():
    schemas = DOCUMENT["components"]["schemas"]
    assert schemas["Appeal"]["properties"]["submitted_at"]["format"] == "date-time"
    assert schemas["NewActivity"]["properties"]["started_at"]["format"] == "date-time"
    assert schemas["Funding"]["properties"]["received_on"]["format"] == "date"
    assert schemas["ServiceEntry"]["properties"]["date"]["format"] == "date"


def test_parameters_are_plain_json_not_python_reprs():
    text = openapi.merged_json()
    assert "ParameterInType" not in text
    assert "openapi_extensions=" not in text
