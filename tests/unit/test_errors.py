import json

from services.common.data.dynamo import WriteConflict
from services.common.domain.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    MalformedRequest,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    TooLarge,
)
from services.common.edge import problems


def test_problems_each_domain_error_maps_to_its_status():
    # Given one error of each kind
    cases = {
        MalformedRequest("x"): 400,
        NotAuthenticated("x"): 401,
        NotAllowed("x"): 403,
        NotFound("x"): 404,
        Conflict("x"): 409,
        TooLarge("x"): 413,
        InvalidInput.field("a", "b"): 422,
    }
    # When each is mapped, then the status is the one API.md names
    assert {type(e).__name__: problems.problem_body(e)[0] for e in cases} == {
        type(e).__name__: status for e, status in cases.items()
    }


def test_problems_subclass_maps_through_its_ancestor():
    status, body = problems.problem_body(WriteConflict(["ConditionalCheckFailed"]))
    assert (status, body["type"]) == (409, "urn:canger:problem:conflict")


def test_problems_validation_lists_fields():
    error = InvalidInput([FieldError("contact.phone", "not a mainland mobile number")])
    response = problems.lambda_response(error)
    assert response["headers"]["Content-Type"] == "application/problem+json"
    assert json.loads(response["body"]) == {
        "type": "urn:canger:problem:validation",
        "title": "Unprocessable content",
        "status": 422,
        "detail": "The request has invalid fields.",
        "errors": [{"field": "contact.phone", "message": "not a mainland mobile number"}],
    }


def test_problems_extensions_are_members_of_the_document():
    _, body = problems.problem_body(Conflict("Phone already registered.", existing_id="vol_1"))
    assert body["existing_id"] == "vol_1"


def test_problems_internal_error_says_nothing_internal():
    body = json.loads(problems.internal_lambda_response()["body"])
    assert body == {
        "type": "urn:canger:problem:internal",
        "title": "Internal server error",
        "status": 500,
        "detail": "Something went wrong on our side; it has been logged.",
    }


def test_problems_unauthorized_carries_www_authenticate():
    response = problems.lambda_response(NotAuthenticated("A bearer token is required."))
    assert response["headers"]["WWW-Authenticate"] == 'Bearer realm="canger"'


def test_field_path_drops_location_and_indexes_lists():
    assert problems.field_path(("body", "participants", 0, "hours")) == "participants[0].hours"
    assert problems.field_path(("query", "limit")) == "limit"
    assert problems.field_path(("body",)) == "body"
