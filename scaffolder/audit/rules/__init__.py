"""Every audit rule, one module per dimension (and three more for security), in one registry.

Importing this package registers the rules; `all_rules()` returns them in id order.
"""

from __future__ import annotations

from scaffolder.audit.rules import (
    ci_outcomes,
    code,
    cost,
    data,
    leaked_secrets,
    operations,
    rls_probe,
    security,
    workflows,
)
from scaffolder.audit.rules.base import AuditContext, Hit, Rule, Stage, registered

__all__ = ["AuditContext", "Hit", "Rule", "Stage", "all_rules", "get_rule"]

# imported for their registrations
_MODULES = (
    security,
    leaked_secrets,
    rls_probe,
    workflows,
    data,
    operations,
    ci_outcomes,
    code,
    cost,
)


def all_rules() -> list[Rule]:
    """Every registered rule, sorted by id (CODE..., COST..., DATA..., OPS..., SEC...)."""
    return [r for _, r in sorted(registered().items())]


def get_rule(rule_id: str) -> Rule:
    return registered()[rule_id]
