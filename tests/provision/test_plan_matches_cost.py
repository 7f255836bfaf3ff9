"""`scaffold plan` prices the mock resource graph; estimate_spec_cost prices the spec.

Both use the same price table and must agree, so the audit's cost dimension
and the plan a user sees never tell two different stories.
"""

from __future__ import annotations

import pytest

from scaffolder.environment.cost import estimate_spec_cost, total
from scaffolder.models import ENV_NAMES, EnvName
from scaffolder.provision.plan import plan_spec
from tests.stacks.specs import server_spec, static_spec


@pytest.mark.parametrize("env", ENV_NAMES)
@pytest.mark.parametrize("make", [server_spec, static_spec], ids=["server-rds", "static-supabase"])
def test_plan_total_equals_estimate_spec_cost(make: object, env: EnvName) -> None:
    spec = make(env)  # type: ignore[operator]
    plan = plan_spec(spec)
    assert plan.monthly_total_usd == pytest.approx(total(estimate_spec_cost(spec)), abs=0.011)
    assert plan.monthly_total_usd > 0


def test_plan_lists_every_resource_with_its_cost() -> None:
    plan = plan_spec(server_spec("prod"))
    by_type = {r.type: r for r in plan.resources}
    assert by_type["aws:rds/instance:Instance"].monthly_usd > 100  # Multi-AZ db.t4g.medium
    assert by_type["aws:ec2/vpc:Vpc"].monthly_usd == 0
    assert not any(r.type.startswith("scaffold:") for r in plan.resources)
    assert plan.prices_as_of == "2026-11-01"


def test_plan_names_the_budget_limit() -> None:
    spec = server_spec("staging").model_copy(update={"monthly_budget_usd": 250})
    plan = plan_spec(spec)
    assert any("$250.00" in note for note in plan.notes)
    assert "aws:budgets/budget:Budget" in {r.type for r in plan.resources}
