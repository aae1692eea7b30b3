import pytest

from services.common.domain.auth import Principal, Role, claims_from_event, parse_groups, principal_from_claims
from services.common.domain.errors import NotAllowed, NotAuthenticated


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        (["community_staff"], ["community_staff"]),  # a decoded token
        ("[community_staff]", ["community_staff"]),  # API Gateway's rendering
        ("[resident other]", ["resident", "other"]),
        ('["city_admin"]', ["city_admin"]),
        ("street_officer", ["street_officer"]),
        (None, []),
    ],
)
def test_parse_groups_accepts_both_forms(claim, expected):
    assert parse_groups(claim) == expected


def test_principal_from_gateway_claims():
    claims = {"sub": "u1", "cognito:groups": "[community_staff]", "custom:community_id": "cm_ninghe"}
    assert principal_from_claims(claims) == Principal("u1", Role.COMMUNITY_STAFF, "cm_ninghe", None)


def test_principal_street_officer_needs_street():
    with pytest.raises(NotAuthenticated):
        principal_from_claims({"sub": "u1", "cognito:groups": ["street_officer"]})


def test_principal_community_role_needs_community():
    with pytest.raises(NotAuthenticated):
        principal_from_claims({"sub": "u1", "cognito:groups": ["grid_worker"]})


@pytest.mark.parametrize("groups", [[], ["janitor"], ["resident", "city_admin"]])
def test_principal_needs_exactly_one_known_role(groups):
    with pytest.raises(NotAuthenticated):
        principal_from_claims({"sub": "u1", "cognito:groups": groups})


def test_principal_missing_claims_is_unauthenticated():
    with pytest.raises(NotAuthenticated):
        principal_from_claims(None)


def test_require_refuses_other_roles():
    resident = Principal("u1", Role.RESIDENT)
    resident.require(Role.RESIDENT)
    with pytest.raises(NotAllowed):
        resident.require(Role.CITY_ADMIN, Role.COMMUNITY_STAFF)


def test_claims_from_event_public_route_has_none():
    assert claims_from_event({"requestContext": {}}) is None
    assert claims_from_event({"requestContext": {"authorizer": {"jwt": {"claims": {"sub": "a"}}}}}) == {"sub": "a"}
