"""SARIF 2.1.0 for GitHub code scanning: one reportingDescriptor per rule, one result per finding.

GitHub reads `security-severity` (a number as a string, CVSS-like) from rule
properties, wants every result to have a location, and builds alerts from
`partialFingerprints`. Findings with no file evidence (e.g. "no CI") point at the
repository's first app manifest so they still show up.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from scaffolder.audit.rules import Rule, all_rules
from scaffolder.display import json_safe
from scaffolder.models import Evidence, Finding, ReadinessReport, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FALLBACK_URI = "README.md"

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub's buckets: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "2.0",
    Severity.INFO: "0.1",
}


def _descriptor(rule: Rule) -> dict[str, Any]:
    command = f"\n\nRun: `{rule.fix_command}`" if rule.fix_command else ""
    return {
        "id": rule.id,
        "name": "".join(word.capitalize() for word in rule.title.replace("`", "").split()),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why},
        "help": {
            "text": f"{rule.why}\n\nFix: {rule.fix}" + command.replace("`", ""),
            "markdown": f"**Why it breaks in production:** {rule.why}\n\n**Fix:** {rule.fix}"
            + command,
        },
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "tags": sorted({rule.dimension.value, "production-readiness"}),
            "precision": "high",
            "problem.severity": _LEVEL[rule.severity]
            if rule.severity != Severity.INFO
            else "recommendation",
            "security-severity": _SECURITY_SEVERITY[rule.severity],
        },
    }


def _file_evidence(finding: Finding) -> list[Evidence]:
    return [e for e in finding.evidence if e.path and e.path not in (".", "./")]


def _fallback_uri(report: ReadinessReport) -> str:
    for app in report.facts.apps:
        for evidence in app.evidence:
            if evidence.path and evidence.path not in (".", "./"):
                return evidence.path
    return FALLBACK_URI


def _location(evidence: Evidence) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {
            "uri": quote(evidence.path.lstrip("/"), safe="/"),
            "uriBaseId": SRCROOT,
        }
    }
    if evidence.line and evidence.line >= 1:
        physical["region"] = {"startLine": evidence.line}
    return {"physicalLocation": physical}


def _fingerprint(finding: Finding, evidence: Evidence) -> str:
    key = f"{finding.rule_id}\0{evidence.path}\0{evidence.line or 0}\0{finding.title}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _result(finding: Finding, index: int, fallback: str) -> dict[str, Any]:
    evidence = _file_evidence(finding) or [Evidence(path=fallback)]
    message = f"{finding.title}. {finding.why} Fix: {finding.fix}"
    if finding.fix_command:
        message += f" Run: {finding.fix_command}"
    properties = {"severity": finding.severity.value, "dimension": finding.dimension.value}
    if finding.status == "planned":
        # Prepared by `scaffold init`, not done: a note, so code scanning does not alert on it.
        message += f" Planned: {finding.planned}." if finding.planned else ""
        properties |= {"status": "planned", "planned": finding.planned or ""}
    return {
        "ruleId": finding.rule_id,
        "ruleIndex": index,
        "level": "note" if finding.status == "planned" else _LEVEL[finding.severity],
        "message": {"text": message},
        "locations": [_location(e) for e in evidence[:10]],
        "partialFingerprints": {"scaffoldFinding/v1": _fingerprint(finding, evidence[0])},
        "properties": properties,
    }


def sarif_log(report: ReadinessReport) -> dict[str, Any]:
    rules = all_rules()
    index = {rule.id: i for i, rule in enumerate(rules)}
    fallback = _fallback_uri(report)
    results = [
        _result(finding, index[finding.rule_id], fallback)
        for finding in report.findings
        if finding.rule_id in index
    ]
    driver = {
        "name": "scaffold",
        "version": report.tool_version,
        "rules": [_descriptor(rule) for rule in rules],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                "results": results,
                "columnKind": "unicodeCodePoints",
                "properties": {
                    "score": report.score,
                    "plannedScore": report.planned_score,
                    "repository": report.repository,
                },
            }
        ],
    }


def to_sarif(report: ReadinessReport) -> str:
    return json_safe(json.dumps(sarif_log(report), indent=2, ensure_ascii=False)) + "\n"
