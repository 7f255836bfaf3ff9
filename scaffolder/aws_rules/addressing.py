"""Subnet CIDRs carved from the VPC's CIDR. Pure (no pulumi import).

The VPC's first half holds the public subnets, its second half the private
ones; each subnet is 1/16 of the VPC, so every half keeps room for up to eight
zones. For the default 10.0.0.0/16 that is 10.0.0.0/20, 10.0.16.0/20 (public)
and 10.0.128.0/20, 10.0.144.0/20 (private): the addresses the stacks always used.
"""

from __future__ import annotations

import ipaddress

DEFAULT_CIDR = "10.0.0.0/16"
SUBNET_BITS = 4  # each subnet is 2**-4 of the VPC
LARGEST_VPC = 16  # AWS: a VPC's IPv4 block is /16 to /28
SMALLEST_SUBNET = 27  # an ALB needs a /27 or larger in each of its subnets
SMALLEST_VPC = SMALLEST_SUBNET - SUBNET_BITS
MAX_ZONES = 2 ** (SUBNET_BITS - 1)
ZONE_COUNT = 2  # the zones an environment's VPC spans


def vpc_network(cidr: str) -> ipaddress.IPv4Network:
    """The VPC's block, or ValueError with a sentence saying what AWS and the stacks need."""
    try:
        network = ipaddress.ip_network(cidr, strict=True)
    except ValueError as exc:
        raise ValueError(
            f"{cidr!r} is not an IPv4 CIDR block such as {DEFAULT_CIDR}: {exc}"
        ) from exc
    if not isinstance(network, ipaddress.IPv4Network):
        raise ValueError(f"{cidr} is IPv6; the VPC needs an IPv4 block such as {DEFAULT_CIDR}")
    if network.prefixlen < LARGEST_VPC:
        raise ValueError(f"{cidr} is larger than AWS allows for a VPC (/{LARGEST_VPC} at most)")
    if network.prefixlen > SMALLEST_VPC:
        raise ValueError(
            f"{cidr} is too small: the VPC needs /{SMALLEST_VPC} or larger, so that each "
            f"public and private subnet is at least /{SMALLEST_SUBNET} (an ALB's minimum)"
        )
    return network


def subnet_cidrs(cidr: str, zones: int) -> tuple[list[str], list[str]]:
    """(public, private) subnet CIDRs, one of each per zone."""
    if not 1 <= zones <= MAX_ZONES:
        raise ValueError(f"{zones} zones: the VPC layout holds 1 to {MAX_ZONES}")
    network = vpc_network(cidr)
    public_half, private_half = network.subnets(prefixlen_diff=1)
    size = network.prefixlen + SUBNET_BITS
    public = list(public_half.subnets(new_prefix=size))[:zones]
    private = list(private_half.subnets(new_prefix=size))[:zones]
    return [str(n) for n in public], [str(n) for n in private]
