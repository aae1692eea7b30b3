"""The open appeals by category (``APPEALS#DEMAND#<cid>``, ``common.data.open_demand``) that the complex's
matching reads: whatever the appeals go through, the counts equal the appeals open now, per community."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from services.common.data import open_demand
from tests.callers import NINGHE, OTHER_STAFF, RESIDENT, SANHE, STAFF
from tests.integration.conftest import api_for
from tests.integration.test_appeals import submit

OPEN = {"submitted", "assigned", "escalated"}
CATEGORIES = ("parking_traffic", "medical", "elderly_care")


@pytest.fixture
def api(calls):
    return api_for("services.appeals.handler")


def actual_open(api, appeals: list[dict], community: str) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for appeal in appeals:
        shown = api("GET", f"/v1/appeals/{appeal['id']}", STAFF if appeal["community_id"] == NINGHE else OTHER_STAFF)
        if shown.body["community_id"] == community and shown.body["status"] in OPEN:
            counts[shown.body["category"]] += 1
    return dict(counts)


def test_submit_resolve_close_reopen_and_merge_keep_the_demand_equal_to_the_open_appeals(api):
    appeals = [submit(api, category=category) for category in CATEGORIES for _ in range(2)]
    appeals.append(submit(api, community_id=SANHE, grid_id=None, category="medical"))
    assert open_demand.open_by_category(NINGHE) == {"parking_traffic": 2, "medical": 2, "elderly_care": 2}
    assert open_demand.open_by_category(SANHE) == {"medical": 1}
    first, second, third, fourth, fifth, _untouched, sanhe = (a["id"] for a in appeals)

    def act(appeal_id: str, action: str, body: dict, who=STAFF) -> None:
        reply = api("POST", f"/v1/appeals/{appeal_id}/{action}", who, body)
        assert reply.status == 200, (action, reply.body)

    steps = [
        (first, "assign", {"assignee": "物业"}, STAFF),  # open → open
        (first, "resolve", {"resolution": "好了", "on_site": True}, STAFF),  # leaves
        (first, "reopen", {"reason": "没好"}, RESIDENT),  # back
        (first, "resolve", {"resolution": "这次好了", "on_site": False}, STAFF),
        (first, "rate", {"satisfaction": 5}, RESIDENT),  # resolved → closed: no change
        (second, "close", {"reason": "withdrawn"}, STAFF),
        (third, "merge", {"into": fourth}, STAFF),
        (fourth, "escalate", {"reason": "需要街道"}, STAFF),  # still open
        (fifth, "assign", {"assignee": "卫生院"}, STAFF),
        (fifth, "close", {"reason": "out_of_scope"}, STAFF),
        (sanhe, "resolve", {"resolution": "已处理", "on_site": True}, OTHER_STAFF),
    ]
    for appeal_id, action, body, who in steps:
        act(appeal_id, action, body, who)
        for community in (NINGHE, SANHE):
            assert open_demand.open_by_category(community) == actual_open(api, appeals, community), (action, community)
    assert open_demand.open_by_category(NINGHE) == {"medical": 1, "elderly_care": 1}
    assert open_demand.open_by_category(SANHE) == {}


def test_a_random_walk_of_actions_keeps_the_demand_exact(api):
    rng = random.Random(14)
    appeals = [submit(api, category=rng.choice(CATEGORIES)) for _ in range(6)]
    moves = {
        "submitted": ["assign", "resolve", "close", "merge"],
        "assigned": ["assign", "resolve", "close", "merge"],
        "resolved": ["reopen", "rate"],
    }
    bodies = {
        "assign": ({"assignee": "物业"}, STAFF),
        "resolve": ({"resolution": "好了", "on_site": True}, STAFF),
        "close": ({"reason": "duplicate"}, STAFF),
        "reopen": ({"reason": "没好"}, RESIDENT),
        "rate": ({"satisfaction": 4}, RESIDENT),
    }
    for _ in range(40):
        appeal = rng.choice(appeals)
        status = api("GET", f"/v1/appeals/{appeal['id']}", STAFF).body["status"]
        if status not in moves:
            continue
        action = rng.choice(moves[status])
        if action == "merge":
            others = [
                a
                for a in appeals
                if a is not appeal and api("GET", f"/v1/appeals/{a['id']}", STAFF).body["status"] in OPEN
            ]
            if not others:
                continue
            body, who = {"into": rng.choice(others)["id"]}, STAFF
        else:
            body, who = bodies[action]
        reply = api("POST", f"/v1/appeals/{appeal['id']}/{action}", who, body)
        assert reply.status in (200, 422), reply.body  # 422: a merge into an appeal merged itself
        assert open_demand.open_by_category(NINGHE) == actual_open(api, appeals, NINGHE), action
