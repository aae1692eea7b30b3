"""Appeals assigned to member units (API.md, "Units at work"): the unit's name as assignee, the unit on the
appeal, its events and tally, a unit unknown or gone (422, nothing written), and a unit leaving while an
appeal is being assigned to it (exactly one outcome)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.common.data import member_units, outbox
from services.common.data.tally import read_year
from services.common.domain import contracts
from services.common.domain.contracts.tallies import AppealsTally
from testkit import units
from tests.callers import NINGHE, SANHE, STAFF
from tests.integration.conftest import api_for
from tests.integration.test_appeals import published, submit


@pytest.fixture
def api(calls):
    return api_for("services.appeals.handler")


@pytest.fixture
def now(clock):
    clock.now = datetime(2025, 6, 16, 2, 0, tzinfo=UTC)
    return clock


def assigned_events(aws_stack) -> list[contracts.AppealAssigned]:
    return [
        contracts.parse_data("AppealAssigned", e.data)
        for e in published(aws_stack)
        if e.metadata.event_type == "AppealAssigned"
    ]


def to_units(year: int = 2025) -> int:
    tally = read_year(AppealsTally, year).get(NINGHE)
    return tally.to_units if tally else 0


def test_assign_to_a_unit_names_it_and_shows_the_unit(api, aws_stack, now):
    unit = units.pair("宁河社区卫生服务中心", community_id=NINGHE)
    appeal = submit(api)
    reply = api("POST", f"/v1/appeals/{appeal['id']}/assign", STAFF, {"member_unit_id": unit})
    assert reply.status == 200, reply.body
    assert (reply.body["assignee"], reply.body["member_unit_id"], reply.body["status"]) == (
        "宁河社区卫生服务中心",
        unit,
        "assigned",
    )
    assert api("GET", f"/v1/appeals/{appeal['id']}", STAFF).body == reply.body
    [event] = assigned_events(aws_stack)
    assert (event.assignee, event.member_unit_id, event.unit_first, event.appeal_first_unit) == (
        "宁河社区卫生服务中心",
        unit,
        True,
        True,
    )
    assert to_units() == 1


def test_a_given_assignee_is_kept_beside_the_unit(api, now):
    unit = units.pair("州医院", community_id=NINGHE)
    appeal = submit(api)
    reply = api("POST", f"/v1/appeals/{appeal['id']}/assign", STAFF, {"member_unit_id": unit, "assignee": "州医院内科"})
    assert (reply.status, reply.body["assignee"], reply.body["member_unit_id"]) == (200, "州医院内科", unit)


def test_a_unit_of_another_community_may_take_the_appeal(api, now):
    unit = units.pair("三和社区物业", community_id=SANHE)
    appeal = submit(api)
    reply = api("POST", f"/v1/appeals/{appeal['id']}/assign", STAFF, {"member_unit_id": unit})
    assert (reply.status, reply.body["member_unit_id"]) == (200, unit)


def test_neither_assignee_nor_unit_is_422_naming_assignee(api):
    appeal = submit(api)
    reply = api("POST", f"/v1/appeals/{appeal['id']}/assign", STAFF, {"note": "谁来办"})
    assert reply.status == 422
    assert [e["field"] for e in reply.body["errors"]] == ["assignee"]


def test_unit_first_and_appeal_first_unit_across_reassignments(api, aws_stack, now):
    first, second = units.pair("一号单位", community_id=NINGHE), units.pair("二号单位", community_id=NINGHE)
    appeal = submit(api)
    path = f"/v1/appeals/{appeal['id']}/assign"
    for body in (
        {"member_unit_id": first},
        {"member_unit_id": second},
        {"member_unit_id": first},
        {"assignee": "社区物业办"},
        {"member_unit_id": second},
    ):
        assert api("POST", path, STAFF, body).status == 200
    events = sorted(assigned_events(aws_stack), key=lambda e: e.at)
    assert [(e.member_unit_id, e.unit_first, e.appeal_first_unit) for e in events] == [
        (first, True, True),
        (second, True, False),
        (first, False, False),
        (None, False, False),
        (second, False, False),
    ]
    assert to_units() == 1


def test_a_plain_assignee_clears_the_unit_and_resolution_names_the_current_unit(api, aws_stack, now):
    unit = units.pair("一号单位", community_id=NINGHE)
    appeal, other = submit(api), submit(api)
    api("POST", f"/v1/appeals/{appeal['id']}/assign", STAFF, {"member_unit_id": unit})
    api("POST", f"/v1/appeals/{other['id']}/assign", STAFF, {"member_unit_id": unit})
    cleared = api("POST", f"/v1/appeals/{other['id']}/assign", STAFF, {"assignee": "社区物业办"}).body
    assert (cleared["assignee"], cleared["member_unit_id"]) == ("社区物业办", None)
    for target in (appeal, other):
        api("POST", f"/v1/appeals/{target['id']}/resolve", STAFF, {"resolution": "已处理", "on_site": True})
    resolved = {
        e.appeal_id: e.member_unit_id
        for e in (
            contracts.parse_data("AppealResolved", x.data)
            for x in published(aws_stack)
            if x.metadata.event_type == "AppealResolved"
        )
    }
    assert resolved == {appeal["id"]: unit, other["id"]: None}
    assert to_units() == 2


def written(api, appeal: dict) -> tuple[dict, int, int, int]:
    """What the appeal, its history, the outbox and the tally hold."""
    path = f"/v1/appeals/{appeal['id']}"
    return (
        api("GET", path, STAFF).body,
        len(api("GET", f"{path}/history", STAFF).body["items"]),
        len(outbox.pending(due_by=None)),
        to_units(),
    )


@pytest.mark.parametrize("case", ["unknown", "not_an_id", "left"])
def test_an_unknown_or_departed_unit_is_422_and_nothing_is_written(api, now, case):
    unit = {"unknown": "mu_01JD0000000000000000000000", "not_an_id": "物业", "left": None}[case]
    if unit is None:
        unit = units.pair("已退出单位", community_id=NINGHE)
        assert units.leave(unit)
    appeal = submit(api)
    before = written(api, appeal)
    reply = api("POST", f"/v1/appeals/{appeal['id']}/assign", STAFF, {"member_unit_id": unit, "assignee": "x"})
    assert reply.status == 422
    assert [e["field"] for e in reply.body["errors"]] == ["member_unit_id"]
    assert written(api, appeal) == before


def test_a_unit_leaving_after_the_check_fails_the_transaction(api, now, monkeypatch):
    """The leave lands between the logic's read (paired) and the transaction: the ConditionCheck refuses."""
    unit = units.pair("正在退出的单位", community_id=NINGHE)
    appeal = submit(api)
    before = written(api, appeal)
    real_get = member_units.get

    def get_then_leave(unit_id: str, **kwargs):
        found = real_get(unit_id, **kwargs)
        assert units.leave(unit_id)
        return found

    monkeypatch.setattr(member_units, "get", get_then_leave)
    reply = api("POST", f"/v1/appeals/{appeal['id']}/assign", STAFF, {"member_unit_id": unit})
    assert reply.status == 422
    assert [e["field"] for e in reply.body["errors"]] == ["member_unit_id"]
    assert written(api, appeal) == before


def test_a_unit_leaving_while_appeals_are_assigned_to_it_gives_one_outcome_each(api, aws_stack, now):
    """Real threads: an assignment and the unit's leave, many times. Each run either assigned before the leave
    (appeal assigned to the unit, one event, counted) or failed with 422 (appeal untouched, nothing written)."""
    outcomes, assigned = set(), 0
    for run in range(16):
        unit = units.pair("赛跑单位", community_id=NINGHE)
        appeal = submit(api)
        path = f"/v1/appeals/{appeal['id']}/assign"
        reply, left = units.race(
            lambda path=path, unit=unit: api("POST", path, STAFF, {"member_unit_id": unit}),
            # The leave starts a little later each run (0 to 45 ms), so runs fall on both sides of the check.
            lambda unit=unit, delay=run * 0.003: units.leave(unit, after_seconds=delay),
        )
        assert left is True
        shown, history, _, _ = written(api, appeal)
        events = [e for e in assigned_events(aws_stack) if e.appeal_id == appeal["id"]]
        if reply.status == 200:
            outcomes.add("assigned")
            assigned += 1
            assert (shown["status"], shown["member_unit_id"], history) == ("assigned", unit, 2)
            assert [(e.member_unit_id, e.appeal_first_unit) for e in events] == [(unit, True)]
        else:
            outcomes.add("refused")
            assert reply.status == 422, reply.body
            assert (shown["status"], shown["member_unit_id"], shown["version"], history) == ("submitted", None, 1, 1)
            assert events == []
        # The tally counts exactly the assignments that happened.
        assert to_units() == assigned
    assert outcomes <= {"assigned", "refused"}
