"""Typed configuration, read once from the environment.

This is the only module that reads ``os.environ``. Lambda functions get these variables from the
CDK stack (``infra_cdk``); the local server sets the same names before it imports a handler.
"""

from __future__ import annotations

import os
from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

# Identifier prefixes: letters, digits and hyphens, as 360Giving and org-id.guide prefixes are written.
_ID_PREFIX = r"^[A-Za-z0-9]+(-[A-Za-z0-9_.]+)*$"
# The identifier prefixes a deployment may set (``cdk deploy -c open_data_<key>_prefix=…``).
OPEN_DATA_PREFIXES = ("grant", "recipient", "funder")


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    records_table: str = Field(default="canger-records")
    stats_table: str = Field(default="canger-stats")
    idempotency_table: str = Field(default="canger-idempotency")
    event_bus: str = Field(default="canger")
    reports_bucket: str = Field(default="canger-reports")
    service: str = Field(default="canger")
    # Figures count by calendar year in this zone (ARCHITECTURE.md, "Data").
    report_timezone: str = Field(default="Asia/Shanghai")
    # Seconds a request handler waits before the outbox relay may republish its event.
    outbox_grace_seconds: int = Field(default=60, ge=0)
    # Signs listing cursors (services.common.data.dynamo). The stack passes a value CloudFormation
    # generated; the local server one of its own. The default only serves tests and imports.
    cursor_key: str = Field(default="canger-local-cursor-key", min_length=16)
    # Powertools Tracer (X-Ray SDK subsegments); see services.common.observability for the cost.
    sdk_tracing: bool = Field(default=False)
    # 360Giving identifiers (README, "Open data"): a grant is <grant prefix>-<funding id>; an organisation
    # without a registered identifier is <its prefix>-<code>. A city sets its own registered prefixes.
    open_data_grant_prefix: str = Field(default="360G-canger", pattern=_ID_PREFIX)
    open_data_recipient_prefix: str = Field(default="360G-canger-community", pattern=_ID_PREFIX)
    open_data_funder_prefix: str = Field(default="360G-canger-source", pattern=_ID_PREFIX)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.report_timezone)


_ENV_NAMES = {
    "records_table": "RECORDS_TABLE",
    "stats_table": "STATS_TABLE",
    "idempotency_table": "IDEMPOTENCY_TABLE",
    "event_bus": "EVENT_BUS",
    "reports_bucket": "REPORTS_BUCKET",
    "service": "POWERTOOLS_SERVICE_NAME",
    "report_timezone": "REPORT_TIMEZONE",
    "outbox_grace_seconds": "OUTBOX_GRACE_SECONDS",
    "open_data_grant_prefix": "OPEN_DATA_GRANT_PREFIX",
    "open_data_recipient_prefix": "OPEN_DATA_RECIPIENT_PREFIX",
    "open_data_funder_prefix": "OPEN_DATA_FUNDER_PREFIX",
    "cursor_key": "CURSOR_KEY",
}


def _sdk_tracing(value: str | None) -> bool:
    # Powertools' own switch, inverted: unset or "true" means disabled.
    return value is not None and value.strip().lower() in ("false", "0")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process. Cached: call ``get_settings.cache_clear()`` after changing the environment."""
    values = {field: os.environ[name] for field, name in _ENV_NAMES.items() if name in os.environ}
    return Settings.model_validate({**values, "sdk_tracing": _sdk_tracing(os.environ.get("POWERTOOLS_TRACE_DISABLED"))})
