"""The official 360Giving 1.4.3 schemas, shipped in ``tests/data/standards/360giving`` (MIT; see its README),
loaded offline into one ``referencing`` registry: ``package_validator().iter_errors(package)``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).parent / "data" / "standards" / "360giving"
# The 1.4.3 package schema still refers to the grant schema by its 1.4.2 URL (see the README there).
GRANT_1_4_2 = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"


def _load(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def package_validator() -> Draft202012Validator:
    package, grant = _load("360-giving-package-schema.json"), _load("360-giving-schema.json")
    grant_resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources(
        [
            (package["$id"], DRAFT202012.create_resource(package)),
            (grant["$id"], grant_resource),
            (GRANT_1_4_2, grant_resource),
        ]
    )
    checker = FormatChecker()
    # awardDate is oneOf(date-time, YYYY-MM-DD): without a real date-time check both would match.
    assert not checker.conforms("2025-03-01", "date-time"), "install rfc3339-validator"
    return Draft202012Validator(package, registry=registry, format_checker=checker)


def errors(package: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in package_validator().iter_errors(package)]
