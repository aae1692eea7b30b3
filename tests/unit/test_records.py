"""The one item mapping (services/common/data/records.py), transaction labels, and events from their class."""

from datetime import UTC, datetime
from decimal import Decimal

from services.appeals.models.records import AppealRecord
from services.appeals.models.resources import Appeal, Level, LocationView, Status
from services.common.data import dynamo, records
from services.common.domain.contracts.appeals import AppealReopened
from services.common.domain.events import new_event

RECORD = AppealRecord(
    id="apl_01JD3J4ZQ6X8M3V0S5T7K2B9RC",
    community_id="cm_ninghe",
    street_id="st_xiaguan",
    grid_id=None,
    category="parking_traffic",
    title="t",
    description="d",
    channel="app",
    status=Status.RESOLVED,
    level=Level.COMMUNITY,
    location=LocationView(address="1号", lat=25.6, lng=100.2),
    submitted_by="resident-1",
    submitted_at=datetime(2025, 3, 1, tzinfo=UTC),
    satisfaction=4,
    version=3,
    first_resolved_at=datetime(2025, 3, 2, tzinfo=UTC),
)


def test_a_record_round_trips_through_its_item():
    item = records.to_item(RECORD, pk="APPEALS#APPEAL#x", sk="APPEAL")
    assert item["location"]["lat"] == Decimal("25.6")
    assert item["submitted_at"] == "2025-03-01T00:00:00.000Z"
    assert "grid_id" not in item and item["pk"] == "APPEALS#APPEAL#x"
    stored = {**item, "version": Decimal(3), "satisfaction": Decimal(4)}
    assert records.from_item(AppealRecord, stored) == RECORD


def test_the_resource_leaves_out_what_only_the_service_keeps():
    resource = RECORD.to_resource()
    assert type(resource) is Appeal
    assert "first_resolved_at" not in resource.model_dump()


def test_a_cancelled_transaction_names_its_failed_items_by_label():
    conflict = dynamo.WriteConflict(
        ["None", "ConditionalCheckFailed", "None", "ConditionalCheckFailed"],
        ["meeting", "appeal:apl_a", "appeal:apl_b", "appeal:apl_c"],
    )
    assert conflict.failed("appeal") == ["apl_a", "apl_c"]
    assert conflict.failed("meeting") == []
    invalid = conflict.invalid_references("appeal", "appeal_ids", ["apl_c", "apl_b", "apl_a"], "No such appeal.")
    assert invalid is not None and [e.field for e in invalid.errors] == ["appeal_ids[0]", "appeal_ids[2]"]


def test_an_event_takes_its_type_from_its_contract_class():
    data = AppealReopened(
        appeal_id="apl_x",
        community_id="cm_ninghe",
        street_id="st_xiaguan",
        category="parking_traffic",
        level="community",
        submitted_at=datetime(2025, 3, 1, tzinfo=UTC),
        at=datetime(2025, 3, 2, tzinfo=UTC),
    )
    event = new_event("appeals", data)
    assert event.metadata.event_type == "AppealReopened"
    assert event.data == data.model_dump(mode="json")
