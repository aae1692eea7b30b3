from canger_local import openapi


def test_served_openapi_document_is_up_to_date():
    # If this fails, run `make openapi` (canger openapi --write) and commit the result.
    assert openapi.DOCUMENT_PATH.read_text(encoding="utf-8") == openapi.merged_json()


def test_public_routes_need_no_token_and_others_do():
    document = openapi.merged()
    assert document["paths"]["/v1/communities"]["get"]["security"] == []
    assert "security" not in document["paths"]["/v1/me"]["get"]
    assert document["security"] == [{"bearer": []}]
