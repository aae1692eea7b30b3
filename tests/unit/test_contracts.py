"""The event contract: the committed schemas match the models, and each event's fields are pinned here.

If a test here fails after an intended change, update docs/events.schema.json (`make openapi`),
docs/EVENTS.md and this table together, and say so in the change: consumers rely on these fields.
"""

from __future__ import annotations

import pytest

from services.common.domain import contracts

APPEAL = {"appeal_id", "community_id", "street_id", "category", "level", "submitted_at", "at"}

PROJECT = {"project_id", "community_id", "street_id", "kind", "year"}

PINNED = {
    "AppealSubmitted": APPEAL | {"channel"},
    "AppealAssigned": APPEAL | {"assignee", "response_in_time", "member_unit_id", "unit_first", "appeal_first_unit"},
    "AppealEscalated": APPEAL | {"from_level", "automatic", "response_in_time"},
    "AppealResolved": APPEAL
    | {
        "first",
        "on_site",
        "at_meeting",
        "meeting_id",
        "seconds_to_resolve",
        "response_in_time",
        "resolved_in_time",
        "member_unit_id",
    },
    "AppealRated": APPEAL | {"satisfaction"},
    "AppealReopened": APPEAL,
    "AppealClosed": APPEAL | {"reason", "response_in_time"},
    "AppealOverdue": APPEAL | {"deadline", "deadline_at", "first"},
    "AppealExtensionRequested": APPEAL | {"request_id", "days"},
    "AppealExtended": APPEAL | {"request_id", "days", "due_at", "first"},
    "AppealExtensionRejected": APPEAL | {"request_id", "days"},
    "AppealSupervised": APPEAL,
    "AppealMerged": APPEAL | {"into", "previously_resolved", "response_in_time"},
    "MeetingHeld": {
        "meeting_id",
        "community_id",
        "street_id",
        "held_at",
        "appeal_ids",
        "appeals_discussed",
        "resident_count",
    },
    "TeamCreated": {"team_id", "community_id", "street_id", "group", "at"},
    "VolunteerRegistered": {"volunteer_id", "community_id", "street_id", "group", "skills", "team_ids", "at"},
    "ActivityLogged": {
        "activity_id",
        "community_id",
        "street_id",
        "team_id",
        "field",
        "started_at",
        "ended_at",
        "residents_served",
        "participants",
        "member_unit_ids",
    },
    "ProjectCreated": PROJECT | {"budget", "target_beneficiaries", "at", "member_unit_ids"},
    "ProjectUpdated": PROJECT | {"status", "previous_status", "beneficiaries_covered", "beneficiaries_delta", "at"},
    "FundingRecorded": PROJECT | {"funding_id", "source", "amount", "received_on", "member_unit_id"},
    "DisbursementRecorded": PROJECT | {"disbursement_id", "amount", "paid_on"},
    "SessionRecorded": PROJECT | {"session_id", "held_on", "residents_served"},
    "MemberUnitJoined": {"member_unit_id", "community_id", "street_id", "kind", "joined_on", "at"},
    "MemberUnitLeft": {"member_unit_id", "community_id", "street_id", "kind", "joined_on", "left_on", "at"},
    "SiteOpened": {"site_id", "community_id", "street_id", "kind", "opened_on", "at"},
}


def test_committed_schemas_are_up_to_date():
    # If this fails, run `make openapi` and commit docs/events.schema.json.
    assert contracts.SCHEMA_PATH.read_text(encoding="utf-8") == contracts.schemas_json()


def test_every_event_type_is_pinned():
    assert set(contracts.event_types()) == set(PINNED)


@pytest.mark.parametrize("event_type", sorted(PINNED))
def test_event_fields_are_the_pinned_ones(event_type):
    assert set(contracts.event_types()[event_type].model_fields) == PINNED[event_type]


@pytest.mark.parametrize("event_type", sorted(PINNED))
def test_every_event_carries_its_scope(event_type):
    required = set(contracts.event_types()[event_type].model_json_schema()["required"])
    assert {"community_id", "street_id"} <= required


def test_unknown_fields_are_refused_by_the_consumer_side():
    data = {
        "meeting_id": "mtg_1",
        "community_id": "cm_ninghe",
        "street_id": "st_xiaguan",
        "held_at": "2025-01-01T00:00:00Z",
        "appeal_ids": [],
        "appeals_discussed": 0,
        "resident_count": 3,
        "surprise": 1,
    }
    with pytest.raises(ValueError, match="surprise"):
        contracts.parse_data("MeetingHeld", data)
