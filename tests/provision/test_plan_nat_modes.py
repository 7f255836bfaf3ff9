"""`scaffold plan` for each NAT choice: the right resources and monthly cost lines."""

from __future__ import annotations

import pytest

from scaffolder.environment.cost import estimate_spec_cost, total
from scaffolder.models import NatMode
from scaffolder.provision.plan import key_settings, plan_spec
from tests.stacks.specs import server_spec

# us-east-1, 2026-11 price table; 730 hours a month.
EXPECTED: dict[NatMode, tuple[str, int, float]] = {
    # two NAT gateways, each $0.045/h + its Elastic IP $0.005/h
    "gateway": ("aws:ec2/natGateway:NatGateway", 2, 36.50),
    # one t4g.nano ($0.0042/h) + public IPv4 ($0.005/h) + 8 GB gp3 ($0.08/GB)
    "instance": ("aws:ec2/instance:Instance", 1, 7.36),
    # six interface endpoints x two zones x $0.01/h; the S3 gateway endpoint is free
    "none": ("aws:ec2/vpcEndpoint:VpcEndpoint", 7, 14.60),
}


@pytest.mark.parametrize("nat", sorted(EXPECTED))
def test_plan_lists_and_prices_the_nat_choice(nat: NatMode) -> None:
    spec = server_spec("staging").model_copy(
        update={"nat": nat, "nat_gateways": 2 if nat == "gateway" else 0}
    )
    plan = plan_spec(spec)
    kind, count, each = EXPECTED[nat]
    found = [r for r in plan.resources if r.type == kind]
    assert len(found) == count
    priced = [r for r in found if r.monthly_usd]
    assert {r.monthly_usd for r in priced} == {each}
    others = {t for t, _, _ in EXPECTED.values()} - {kind}
    assert not [r for r in plan.resources if r.type in others]
    assert plan.monthly_total_usd == pytest.approx(total(estimate_spec_cost(spec)), abs=0.011)


def test_nat_instance_is_the_cheapest_egress_for_staging() -> None:
    totals = {
        nat: plan_spec(
            server_spec("staging").model_copy(
                update={"nat": nat, "nat_gateways": 1 if nat == "gateway" else 0}
            )
        ).monthly_total_usd
        for nat in EXPECTED
    }
    assert totals["instance"] < totals["gateway"] < totals["none"]
    assert plan_spec(server_spec("staging")).monthly_total_usd == totals["instance"]


def test_plan_prices_prod_backup_copies_in_the_other_region() -> None:
    plan = plan_spec(server_spec("prod"))
    lines = [line for r in plan.resources for line in r.cost_lines]
    copies = [line for line in lines if "us-west-2" in line.resource]
    # 50 GB stored at $0.095/GB-month, and ~50 GB a month sent at $0.02/GB
    assert sorted(line.monthly_usd for line in copies) == [1.00, 4.75]
    keys = [r for r in plan.resources if r.type == "aws:kms/key:Key"]
    assert len(keys) == 2  # the environment's key and the copy region's
    off = server_spec("prod")
    off = off.model_copy(update={"backups": off.backups.model_copy(update={"copy_region": None})})
    assert plan.monthly_total_usd - plan_spec(off).monthly_total_usd == pytest.approx(6.75)


def test_plan_details_name_the_nat_instance_endpoints_and_lock() -> None:
    instance = server_spec("dev").model_copy(update={"nat": "instance", "nat_gateways": 0})
    (nat,) = [r for r in plan_spec(instance).resources if r.type == "aws:ec2/instance:Instance"]
    assert key_settings(nat) == {"instanceType": "t4g.nano", "sourceDestCheck": False}
    none = server_spec("dev").model_copy(update={"nat": "none", "nat_gateways": 0})
    settings = [key_settings(r) for r in plan_spec(none).resources]
    assert {
        "serviceName": "com.amazonaws.us-east-1.ecr.dkr",
        "vpcEndpointType": "Interface",
        "privateDnsEnabled": True,
    } in settings
    prod = plan_spec(server_spec("prod")).resources
    (lock,) = [r for r in prod if r.type.endswith("VaultLockConfiguration")]
    assert key_settings(lock) == {"minRetentionDays": 30, "maxRetentionDays": 365}
