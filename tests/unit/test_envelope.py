import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from services.common.domain.clock import to_rfc3339
from services.common.domain.events import Event, raw_event


def test_new_event_envelope_shape():
    moment = datetime(2023, 12, 31, 20, 0, tzinfo=UTC)
    event = raw_event(
        "appeals",
        "AppealSubmitted",
        {"community_id": "cm_ninghe"},
        occurred_at=moment,
        correlation_id="req-1",
    )
    detail = json.loads(event.detail_json())
    assert event.source == "canger.appeals"
    assert set(detail) == {"metadata", "data"}
    assert detail["metadata"]["event_type"] == "AppealSubmitted"
    assert detail["metadata"]["occurred_at"] == "2023-12-31T20:00:00.000Z"
    assert detail["metadata"]["version"] == 1
    assert detail["metadata"]["event_id"].startswith("evt_")
    assert detail["data"] == {"community_id": "cm_ninghe"}


def test_envelope_round_trips_through_the_consumer_model():
    event = raw_event("volunteers", "ActivityLogged", {"hours": "2.5"}, correlation_id=None)
    parsed = Event.model_validate(json.loads(event.detail_json()))
    assert parsed.metadata == event.metadata and parsed.data == event.data


def test_envelope_refuses_naive_time_and_unknown_metadata():
    with pytest.raises(ValidationError):
        Event.model_validate(
            {
                "metadata": {"event_id": "e", "event_type": "X", "occurred_at": "2024-01-01T00:00:00"},
                "data": {},
            }
        )
    with pytest.raises(ValidationError):
        Event.model_validate(
            {
                "metadata": {
                    "event_id": "e",
                    "event_type": "X",
                    "occurred_at": "2024-01-01T00:00:00Z",
                    "extra": 1,
                },
                "data": {},
            }
        )


def test_to_rfc3339_converts_offsets_to_utc():
    beijing = timezone(timedelta(hours=8))
    assert to_rfc3339(datetime(2024, 1, 1, 4, 30, tzinfo=beijing)) == "2023-12-31T20:30:00.000Z"
