"""VPC across two AZs: public subnets for the load balancer and NAT, private for the rest."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import addressing, naming
from scaffolder.models import NatMode
from scaffolder_stacks import egress
from scaffolder_stacks._common import child

POSTGRES_PORT = 5432
ZONE_COUNT = addressing.ZONE_COUNT
ANYWHERE = "0.0.0.0/0"


@dataclass(frozen=True)
class GroupRule:
    """One security group rule: `group` admits (in) or reaches (out) `peer` on `port`."""

    name: str  # the rule's Pulumi name, after the network's
    direction: Literal["in", "out"]
    group: aws.ec2.SecurityGroup
    port: int | None  # None: every protocol and port
    peer: str | aws.ec2.SecurityGroup  # a CIDR, or another group


def group_rule(name: str, rule: GroupRule, parent: pulumi.Resource) -> pulumi.CustomResource:
    make = (
        aws.vpc.SecurityGroupIngressRule
        if rule.direction == "in"
        else aws.vpc.SecurityGroupEgressRule
    )
    ports: dict[str, Any] = (
        {"ip_protocol": "-1"}
        if rule.port is None
        else {"ip_protocol": "tcp", "from_port": rule.port, "to_port": rule.port}
    )
    peer: dict[str, Any] = (
        {"cidr_ipv4": rule.peer}
        if isinstance(rule.peer, str)
        else {"referenced_security_group_id": rule.peer.id}
    )
    resource: pulumi.CustomResource = make(
        name, security_group_id=rule.group.id, **ports, **peer, opts=child(parent)
    )
    return resource


@dataclass
class NetworkArgs:
    name: str
    region: str
    nat_gateways: int  # with nat "gateway" (catalog.nat_gateway_count)
    tags: dict[str, str]
    nat: NatMode = "gateway"
    interface_endpoints: list[str] = field(default_factory=list)  # catalog.interface_endpoints
    gateway_endpoints: list[str] = field(default_factory=list)
    service_ports: list[int] = field(default_factory=list)  # ports the ALB forwards to
    cidr: str = addressing.DEFAULT_CIDR  # EnvironmentSpec.cidr; subnets are carved from it


class Network(pulumi.ComponentResource):
    """Security groups chain internet -> ALB -> service -> database, nothing else."""

    vpc: aws.ec2.Vpc
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]
    alb_sg: aws.ec2.SecurityGroup
    service_sg: aws.ec2.SecurityGroup
    db_sg: aws.ec2.SecurityGroup

    def __init__(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:network:Network", name, None, opts)
        zones = self._zones(args.region)
        public_cidrs, private_cidrs = addressing.subnet_cidrs(args.cidr, ZONE_COUNT)
        self.vpc = aws.ec2.Vpc(
            name,
            cidr_block=args.cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={**args.tags, "Name": name},
            opts=child(self),
        )
        igw = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=self.vpc.id, tags=args.tags, opts=child(self)
        )
        public_rt = aws.ec2.RouteTable(
            f"{name}-public", vpc_id=self.vpc.id, tags=args.tags, opts=child(self)
        )
        aws.ec2.Route(
            f"{name}-public-default",
            route_table_id=public_rt.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=igw.id,
            opts=child(self),
        )
        public, private = [], []
        for i, zone in enumerate(zones):
            pub = aws.ec2.Subnet(
                f"{name}-public-{i}",
                vpc_id=self.vpc.id,
                availability_zone=zone,
                cidr_block=public_cidrs[i],
                map_public_ip_on_launch=False,
                tags={**args.tags, "Name": pulumi.Output.concat(f"{name}-public-", zone)},
                opts=child(self),
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{i}",
                subnet_id=pub.id,
                route_table_id=public_rt.id,
                opts=child(self),
            )
            priv = aws.ec2.Subnet(
                f"{name}-private-{i}",
                vpc_id=self.vpc.id,
                availability_zone=zone,
                cidr_block=private_cidrs[i],
                map_public_ip_on_launch=False,
                tags={**args.tags, "Name": pulumi.Output.concat(f"{name}-private-", zone)},
                opts=child(self),
            )
            public.append(pub)
            private.append(priv)
        self._nat(name, args, public, private)
        self.public_subnet_ids = [s.id for s in public]
        self.private_subnet_ids = [s.id for s in private]
        self._security_groups(name, args)
        self.register_outputs(
            {
                "vpc_id": self.vpc.id,
                "private_subnet_ids": self.private_subnet_ids,
                "db_security_group_id": self.db_sg.id,
            }
        )

    def _zones(self, region: str) -> list[pulumi.Output[str]]:
        """The region's first available zones that need no opt-in (no Local Zones).

        Asked of AWS: not every account has every letter (`<region>a` may be
        missing), and zone letters map to different data centres per account.
        """
        available = aws.get_availability_zones_output(
            state="available",
            filters=[
                aws.GetAvailabilityZonesFilterArgs(
                    name="opt-in-status", values=["opt-in-not-required"]
                )
            ],
            opts=pulumi.InvokeOutputOptions(parent=self),
        )

        def pick(names: list[str], index: int) -> str:
            if len(names) < ZONE_COUNT:
                raise ValueError(
                    f"{region} offers {len(names)} available zone(s); the VPC needs {ZONE_COUNT}"
                )
            return sorted(names)[index]

        return [available.names.apply(functools.partial(pick, index=i)) for i in range(ZONE_COUNT)]

    def _nat(
        self,
        name: str,
        args: NetworkArgs,
        public: list[aws.ec2.Subnet],
        private: list[aws.ec2.Subnet],
    ) -> None:
        targets: list[dict[str, pulumi.Input[str]]] = []
        if args.nat == "gateway":
            for i in range(max(0, min(args.nat_gateways, len(public)))):
                eip = aws.ec2.Eip(f"{name}-nat-{i}", domain="vpc", tags=args.tags, opts=child(self))
                gateway = aws.ec2.NatGateway(
                    f"{name}-nat-{i}",
                    allocation_id=eip.id,
                    subnet_id=public[i].id,
                    tags=args.tags,
                    opts=child(self),
                )
                targets.append({"nat_gateway_id": gateway.id})
        elif args.nat == "instance":
            instance = egress.nat_instance(
                name,
                vpc_id=self.vpc.id,
                vpc_cidr=args.cidr,
                subnet_id=public[0].id,
                tags=args.tags,
                parent=self,
            )
            targets.append({"network_interface_id": instance.primary_network_interface_id})
        tables = []
        for i, subnet in enumerate(private):
            rt = aws.ec2.RouteTable(
                f"{name}-private-{i}", vpc_id=self.vpc.id, tags=args.tags, opts=child(self)
            )
            if targets:
                # Fewer NATs than zones: the zones share them (cheaper; one zone's
                # outage cuts the others' egress).
                aws.ec2.Route(
                    f"{name}-private-{i}-default",
                    route_table_id=rt.id,
                    destination_cidr_block="0.0.0.0/0",
                    **targets[i % len(targets)],
                    opts=child(self),
                )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{i}", subnet_id=subnet.id, route_table_id=rt.id, opts=child(self)
            )
            tables.append(rt)
        if args.interface_endpoints or args.gateway_endpoints:
            egress.vpc_endpoints(
                name,
                vpc_id=self.vpc.id,
                vpc_cidr=args.cidr,
                region=args.region,
                subnet_ids=[s.id for s in private],
                route_table_ids=[t.id for t in tables],
                interface=args.interface_endpoints,
                gateway=args.gateway_endpoints,
                tags=args.tags,
                parent=self,
            )

    def _security_groups(self, name: str, args: NetworkArgs) -> None:
        def group(suffix: str, description: str) -> aws.ec2.SecurityGroup:
            return aws.ec2.SecurityGroup(
                f"{name}-{suffix}",
                name=naming.physical_name(naming.SECURITY_GROUP, name, suffix),
                vpc_id=self.vpc.id,
                description=description,
                tags=args.tags,
                opts=child(self),
            )

        self.alb_sg = group("alb", "Load balancer: HTTP(S) from the internet")
        self.service_sg = group("service", "App tasks: only from the load balancer")
        self.db_sg = group("db", "Database: only from the app tasks")
        # The chain as a table: internet -> ALB -> service -> database, and out.
        rules = [
            GroupRule(f"alb-in-{port}", "in", self.alb_sg, port, ANYWHERE) for port in (80, 443)
        ]
        for port in sorted(set(args.service_ports)):
            rules += [
                GroupRule(f"service-in-{port}", "in", self.service_sg, port, self.alb_sg),
                GroupRule(f"alb-out-{port}", "out", self.alb_sg, port, self.service_sg),
            ]
        rules += [
            GroupRule("db-in", "in", self.db_sg, POSTGRES_PORT, self.service_sg),
            # Tasks reach ECR, Secrets Manager and third-party APIs through the NAT
            # (with nat "none": AWS's APIs through the VPC endpoints, nothing else).
            GroupRule("service-out", "out", self.service_sg, None, ANYWHERE),
        ]
        for r in rules:
            group_rule(f"{name}-{r.name}", r, parent=self)
