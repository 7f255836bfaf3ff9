"""Subnets come from the spec's CIDR and zones from AWS (mocked), not from string building."""

from __future__ import annotations

import ipaddress

import pytest

from scaffolder.aws_rules.addressing import subnet_cidrs
from scaffolder.environment.spec import parse_spec
from scaffolder.errors import InputError
from scaffolder.provision.mockrun import fake_zones
from tests.stacks.graphs import graph_for
from tests.stacks.specs import server_spec

SUBNET = "aws:ec2/subnet:Subnet"


def test_the_default_block_keeps_the_subnets_the_stacks_always_had() -> None:
    assert subnet_cidrs("10.0.0.0/16", 2) == (
        ["10.0.0.0/20", "10.0.16.0/20"],
        ["10.0.128.0/20", "10.0.144.0/20"],
    )


@pytest.mark.parametrize("cidr", ["172.20.0.0/16", "10.8.0.0/20", "192.168.4.0/23"])
def test_subnets_lie_inside_the_block_and_do_not_overlap(cidr: str) -> None:
    public, private = subnet_cidrs(cidr, 2)
    vpc = ipaddress.ip_network(cidr)
    subnets = [ipaddress.ip_network(s) for s in public + private]
    assert all(s.subnet_of(vpc) and s.prefixlen <= 27 for s in subnets)  # type: ignore[arg-type]
    assert not any(a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1 :])


@pytest.mark.parametrize(
    ("cidr", "says"),
    [
        ("10.0.0.0/24", "too small"),
        ("10.0.0.0/8", "larger than AWS allows"),
        ("10.0.0.1/16", "not an IPv4 CIDR"),
        ("fd00::/56", "IPv6"),
        ("ten", "not an IPv4 CIDR"),
    ],
)
def test_a_block_that_cannot_hold_the_subnets_is_refused_clearly(cidr: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        subnet_cidrs(cidr, 2)
    document = {
        "config": {"scaffold:spec": {"project": "notes", "environment": "dev", "cidr": cidr}}
    }
    with pytest.raises(InputError, match="'cidr' is invalid"):
        parse_spec(document, source="Pulumi.dev.yaml")


def test_the_vpc_and_subnets_follow_the_specs_cidr() -> None:
    spec = server_spec("staging").model_copy(update={"cidr": "172.20.0.0/20"})
    graph = graph_for(spec)
    (vpc,) = graph.of_type("aws:ec2/vpc:Vpc")
    assert vpc.inputs["cidrBlock"] == "172.20.0.0/20"
    public, private = subnet_cidrs("172.20.0.0/20", 2)
    assert sorted(s.inputs["cidrBlock"] for s in graph.of_type(SUBNET)) == sorted(public + private)


def test_zones_are_the_ones_aws_lists_as_available() -> None:
    spec = server_spec("prod").model_copy(update={"region": "ap-northeast-1"})
    zones = {s.inputs["availabilityZone"] for s in graph_for(spec).of_type(SUBNET)}
    assert zones == set(fake_zones("ap-northeast-1")["names"][:2])
    assert zones == {"ap-northeast-1a", "ap-northeast-1c"}  # no "<region>b" there
