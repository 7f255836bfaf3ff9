"""The names of the audit report formats.

Kept apart from scaffolder.audit so the CLI can offer the choice without
importing the audit machinery (`scaffold --help` must stay fast).
"""

from __future__ import annotations

from enum import StrEnum


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    SARIF = "sarif"
    HTML = "html"
