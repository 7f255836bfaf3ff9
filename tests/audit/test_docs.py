"""docs/audit.md lists every rule as the registry says; docs/exit-codes.md every exit code."""

from __future__ import annotations

from pathlib import Path

from scaffolder.audit.generated_docs import RULES_END, RULES_START, rules_table, with_rules_table
from scaffolder.audit.rules import all_rules
from scaffolder.errors import EXIT_CODES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_audit_doc_contains_every_rule_id() -> None:
    text = (DOCS / "audit.md").read_text(encoding="utf-8")
    for rule in all_rules():
        assert f"| {rule.id} | {rule.dimension.value} | {rule.severity.value} |" in text


def test_audit_doc_rule_table_is_current() -> None:
    text = (DOCS / "audit.md").read_text(encoding="utf-8")
    assert RULES_START in text and RULES_END in text
    assert with_rules_table(text) == text, "run `python -m scaffolder.audit.generated_docs`"


def test_rules_table_has_one_row_per_rule() -> None:
    rows = [
        line for line in rules_table().splitlines() if line.startswith("| ") and "---" not in line
    ]
    assert len(rows) == len(all_rules()) + 1  # plus the header


def test_exit_codes_doc_lists_every_code_with_its_meaning() -> None:
    text = (DOCS / "exit-codes.md").read_text(encoding="utf-8")
    for code, meaning in EXIT_CODES.items():
        assert f"| {code} | {meaning} |" in text
