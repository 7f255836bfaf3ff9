"""NAT choices (gateway | instance | none) and prod's locked copies in a second region."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import ValidationError

from scaffolder.aws_rules.regions import paired_region
from scaffolder.environment.spec import parse_spec
from scaffolder.models import ENV_NAMES, EnvironmentSpec, EnvName, NatMode
from scaffolder.provision.mockrun import ResourceGraph
from tests.stacks import egress_checks
from tests.stacks.graphs import graph_for
from tests.stacks.specs import server_spec, static_spec

MODES: tuple[NatMode, ...] = ("gateway", "instance", "none")


def with_nat(spec: EnvironmentSpec, nat: NatMode, gateways: int = 1) -> EnvironmentSpec:
    return spec.model_copy(update={"nat": nat, "nat_gateways": gateways if nat == "gateway" else 0})


def test_defaults_dev_and_staging_one_nat_instance_prod_two_gateways() -> None:
    assert (server_spec("dev").nat, server_spec("dev").nat_gateways) == ("instance", 0)
    assert (server_spec("staging").nat, server_spec("staging").nat_gateways) == ("instance", 0)
    assert (server_spec("prod").nat, server_spec("prod").nat_gateways) == ("gateway", 2)


def test_an_existing_spec_file_with_nat_gateways_keeps_its_meaning() -> None:
    raw = server_spec("prod").model_dump(mode="json", exclude={"region", "nat"})
    raw["nat_gateways"] = 2
    raw["backups"].pop("copy_region")
    spec = parse_spec({"config": {"aws:region": "us-east-1", "scaffold:spec": raw}}, source="f")
    assert (spec.nat, spec.nat_gateways, spec.backups.copy_region) == ("gateway", 2, None)
    assert len(graph_for(spec).of_type(egress_checks.NAT_GATEWAY)) == 2


def test_nat_gateways_only_count_gateways() -> None:
    with pytest.raises(ValidationError, match="nat_gateways counts NAT gateways"):
        EnvironmentSpec.model_validate({**server_spec("dev").model_dump(), "nat_gateways": 2})


@pytest.mark.parametrize("env", ENV_NAMES)
@pytest.mark.parametrize("nat", MODES)
def test_each_nat_mode_builds_its_egress(env: EnvName, nat: NatMode) -> None:
    spec = with_nat(server_spec(env), nat, gateways=2)
    assert egress_checks.problems(graph_for(spec), spec) == []


@pytest.mark.parametrize("env", ENV_NAMES)
def test_default_specs_pass_the_egress_and_copy_checks(env: EnvName) -> None:
    for spec in (server_spec(env), static_spec(env)):
        assert egress_checks.problems(graph_for(spec), spec) == []


def test_prod_copies_to_the_paired_region_dev_and_staging_do_not() -> None:
    assert server_spec("prod").backups.copy_region == "us-west-2"
    assert server_spec("staging").backups.copy_region is None
    assert server_spec("dev").backups.copy_region is None
    vaults = graph_for(server_spec("staging")).of_type(egress_checks.VAULT)
    assert [v for v in vaults if "-copy-" in v.name] == []


def test_staging_copies_when_asked_and_prod_can_turn_copies_off() -> None:
    staging = server_spec("staging")
    asked = staging.model_copy(
        update={"backups": staging.backups.model_copy(update={"copy_region": "eu-west-1"})}
    )
    graph = graph_for(asked)
    assert egress_checks.check_backup_copies(graph, asked) == []
    assert len(graph.of_type(egress_checks.LOCK)) == 1
    prod = server_spec("prod")
    off = prod.model_copy(update={"backups": prod.backups.model_copy(update={"copy_region": None})})
    assert graph_for(off).of_type(egress_checks.LOCK) == []


def test_copy_region_must_be_another_region() -> None:
    data = server_spec("prod").model_dump()
    data["backups"]["copy_region"] = "us-east-1"
    with pytest.raises(ValidationError, match="own region"):
        EnvironmentSpec.model_validate(data)
    data["backups"]["copy_region"] = "mars"
    with pytest.raises(ValidationError):
        EnvironmentSpec.model_validate(data)


def test_paired_regions_stay_in_their_jurisdiction_with_a_fallback() -> None:
    assert paired_region("us-east-1") == "us-west-2"
    assert paired_region("eu-west-1") == "eu-central-1"
    assert paired_region("me-south-1") == "us-east-1"  # not in the table
    assert all(paired_region(r) != r for r in ("us-east-1", "us-west-2", "eu-central-1"))


# -- each check fails when its requirement is removed ---------------------------


def _one(graph: ResourceGraph, type_: str, name_part: str = "") -> dict[str, object]:
    return next(r for r in graph.of_type(type_) if name_part in r.name).inputs


def _source_dest_on(g: ResourceGraph) -> None:
    _one(g, egress_checks.INSTANCE)["sourceDestCheck"] = True


def _no_masquerade(g: ResourceGraph) -> None:
    _one(g, egress_checks.INSTANCE)["userData"] = "#!/bin/bash\n"


def _endpoint_without_dns(g: ResourceGraph) -> None:
    _one(g, egress_checks.ENDPOINT, "ecr-dkr")["privateDnsEnabled"] = False


def _endpoint_missing(g: ResourceGraph) -> None:
    g.resources = [r for r in g.resources if not r.name.endswith("endpoint-logs")]


def _endpoints_open(g: ResourceGraph) -> None:
    _one(g, egress_checks.INGRESS, "-endpoints-")["cidrIpv4"] = "0.0.0.0/0"


def _no_copy_action(g: ResourceGraph) -> None:
    for rule in _one(g, "aws:backup/plan:Plan")["rules"]:  # type: ignore[attr-defined]
        rule.pop("copyActions", None)


def _copy_in_home_region(g: ResourceGraph) -> None:
    rule = _one(g, "aws:backup/plan:Plan")["rules"][0]  # type: ignore[index]
    arn = rule["copyActions"][0]["destinationVaultArn"]
    rule["copyActions"][0]["destinationVaultArn"] = arn.replace("us-west-2", "us-east-1")


def _compliance_lock(g: ResourceGraph) -> None:
    _one(g, egress_checks.LOCK)["changeableForDays"] = 3


def _unlocked(g: ResourceGraph) -> None:
    g.resources = [r for r in g.resources if r.type != egress_checks.LOCK]


def _home_key(g: ResourceGraph) -> None:
    vault = _one(g, egress_checks.VAULT, "-copy-")
    vault["kmsKeyArn"] = str(vault["kmsKeyArn"]).replace("us-west-2", "us-east-1")


REGRESSIONS: dict[str, tuple[NatMode, Callable[[ResourceGraph], None]]] = {
    "nat-instance-source-dest-check": ("instance", _source_dest_on),
    "nat-instance-no-masquerade": ("instance", _no_masquerade),
    "endpoint-without-private-dns": ("none", _endpoint_without_dns),
    "logs-endpoint-missing": ("none", _endpoint_missing),
    "endpoints-open-to-all": ("none", _endpoints_open),
    "no-copy-action": ("gateway", _no_copy_action),
    "copy-in-home-region": ("gateway", _copy_in_home_region),
    "vault-lock-compliance": ("gateway", _compliance_lock),
    "copy-vault-unlocked": ("gateway", _unlocked),
    "copy-key-in-home-region": ("gateway", _home_key),
}


@pytest.mark.parametrize("case", sorted(REGRESSIONS))
def test_a_mutated_graph_fails_the_egress_checks(case: str) -> None:
    nat, mutate = REGRESSIONS[case]
    spec = with_nat(server_spec("prod"), nat, gateways=2)
    graph = graph_for(spec)
    assert egress_checks.problems(graph, spec) == []
    mutate(graph)
    assert egress_checks.problems(graph, spec), case
