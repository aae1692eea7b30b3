"""Who may list what: one rule (services/common/domain/reach.py) for every service."""

import pytest

from services.common.domain.errors import InvalidInput, NotAllowed
from services.common.domain.reach import Reach
from tests.callers import ADMIN, GRID_WORKER, NINGHE, OFFICER, OTHER_OFFICER, RESIDENT, SANHE, STAFF, XIAGUAN


@pytest.mark.parametrize(
    ("who", "community_id", "expected"),
    [
        (STAFF, None, Reach.community(NINGHE)),
        (STAFF, NINGHE, Reach.community(NINGHE)),
        (GRID_WORKER, None, Reach.community(NINGHE)),
        (OFFICER, None, Reach.street(XIAGUAN)),
        (OFFICER, NINGHE, Reach.community(NINGHE)),
        (ADMIN, None, Reach.city()),
        (ADMIN, SANHE, Reach.community(SANHE)),
        (RESIDENT, None, Reach.submitter("resident-1")),
        (RESIDENT, NINGHE, Reach.submitter("resident-1")),
    ],
)
def test_reach_is_the_narrowest_the_caller_may_list(who, community_id, expected):
    assert Reach.for_listing(who.principal(), community_id=community_id) == expected


@pytest.mark.parametrize(("who", "community_id"), [(STAFF, SANHE), (GRID_WORKER, SANHE), (OTHER_OFFICER, NINGHE)])
def test_a_community_outside_the_callers_reach_is_403(who, community_id):
    with pytest.raises(NotAllowed):
        Reach.for_listing(who.principal(), community_id=community_id)


def test_an_unknown_community_is_422_naming_the_field():
    with pytest.raises(InvalidInput) as raised:
        Reach.for_listing(ADMIN.principal(), community_id="cm_nowhere")
    assert [e.field for e in raised.value.errors] == ["community_id"]
