"""estimate_spec_cost: pure, dated, and consistent with the environment table."""

from __future__ import annotations

import math
import subprocess
import sys
import tomllib
from importlib import resources

import pytest

from scaffolder.environment.cost import (
    PRICE_TABLE,
    PriceTable,
    estimate_spec_cost,
    load_prices,
    total,
)
from scaffolder.environment.spec import default_spec
from scaffolder.errors import InputError
from scaffolder.models import DatabaseSpec, EnvironmentSpec, ServiceSpec


def _spec(env: str, *, db: bool = True) -> EnvironmentSpec:
    return default_spec(
        project="notes",
        env=env,  # type: ignore[arg-type]
        region="us-east-1",
        services=[ServiceSpec(name="api", shape="server")],
        secret_names=["SESSION_SECRET"],
        self_hosted_postgres=db,
    )


def test_the_shipped_table_is_what_pydantic_validates() -> None:
    # load_prices builds the table without a validator (the audit prices every run); the
    # validator still checks every field's type and refuses unknown ones.
    text = resources.files("scaffolder.environment").joinpath("prices", PRICE_TABLE).read_text()
    assert load_prices() == PriceTable.model_validate(tomllib.loads(text))
    assert isinstance(load_prices().hours_per_month, float)


def test_price_table_is_dated() -> None:
    prices = load_prices()
    assert prices.as_of.startswith("2026-")
    assert prices.region == "us-east-1"


def test_prod_costs_more_than_staging_costs_more_than_dev() -> None:
    dev, staging, prod = (total(estimate_spec_cost(_spec(e))) for e in ("dev", "staging", "prod"))
    assert 0 < dev < staging < prod


def test_multi_az_doubles_the_instance_line() -> None:
    single = _spec("staging")
    assert single.database is not None
    multi = single.model_copy(
        update={"database": single.database.model_copy(update={"multi_az": True})}
    )
    line = lambda s: next(x for x in estimate_spec_cost(s) if "(db.t4g" in x.resource)  # noqa: E731
    assert line(multi).monthly_usd == pytest.approx(2 * line(single).monthly_usd, abs=0.01)


def test_static_site_without_database_has_no_network_or_db_lines() -> None:
    spec = EnvironmentSpec(
        project="spa", environment="prod", services=[ServiceSpec(name="web", shape="static")]
    )
    names = " ".join(line.resource for line in estimate_spec_cost(spec))
    assert "NAT" not in names and "db" not in names and "ALB" not in names
    assert total(estimate_spec_cost(spec)) < 5


def test_unknown_instance_class_is_an_input_error_with_hint() -> None:
    spec = _spec("dev").model_copy(update={"database": DatabaseSpec(instance_class="db.x9.huge")})
    with pytest.raises(InputError) as info:
        estimate_spec_cost(spec)
    assert "db.t4g.micro" in info.value.hint


def test_cost_module_does_not_import_pulumi() -> None:
    code = (
        "import sys; from scaffolder.environment.cost import estimate_spec_cost; "
        "print('pulumi' in sys.modules or 'pulumi_aws' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_budget_limit_is_one_and_a_half_times_the_estimate_rounded_up_to_ten() -> None:
    from scaffolder.environment.cost import budget_limit_usd

    spec = _spec("prod")
    estimate = total(estimate_spec_cost(spec))
    assert budget_limit_usd(spec) == math.ceil(estimate * 1.5 / 10) * 10
    static = EnvironmentSpec(
        project="spa", environment="dev", services=[ServiceSpec(name="web", shape="static")]
    )
    assert budget_limit_usd(static) == 10  # never below one step, never zero
    assert budget_limit_usd(spec.model_copy(update={"monthly_budget_usd": 75.5})) == 75.5
    budget_lines = [line for line in estimate_spec_cost(spec) if "Budgets" in line.resource]
    assert [line.monthly_usd for line in budget_lines] == [0.0]
