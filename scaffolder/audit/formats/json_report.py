"""The JSON report: ReadinessReport as-is, plus the JSON Schema it follows.

`schema_version` is "1" until a field is removed or changes meaning; adding an
optional field keeps version 1. docs/schema/report-v1.json is generated from the
models (`python -m scaffolder.audit.generated_docs`) and a test keeps it in step.
"""

from __future__ import annotations

import json
from typing import Any

from scaffolder.display import json_safe
from scaffolder.models import ReadinessReport

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_TITLE = "scaffold audit report, schema version 1"


def to_json(report: ReadinessReport) -> str:
    return json_safe(report.model_dump_json(indent=2)) + "\n"


def report_schema() -> dict[str, Any]:
    schema = ReadinessReport.model_json_schema(mode="serialization")
    return {"$schema": SCHEMA_DIALECT, "title": SCHEMA_TITLE, **_without_title(schema)}


def report_schema_json() -> str:
    return json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n"


def _without_title(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != "title"}
