"""Graph checks for NAT choices (network.nat) and prod's cross-region backup copies."""

from __future__ import annotations

from scaffolder.environment import catalog
from scaffolder.models import EnvironmentSpec
from scaffolder.provision.mockrun import GraphResource, ResourceGraph, fake_arn

INSTANCE = "aws:ec2/instance:Instance"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
ROUTE = "aws:ec2/route:Route"
VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
PROVIDER = "pulumi:providers:aws"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def _private_routes(graph: ResourceGraph) -> list[GraphResource]:
    return [
        r
        for r in graph.of_type(ROUTE)
        if "-private-" in r.name and r.inputs.get("destinationCidrBlock") == "0.0.0.0/0"
    ]


def _instance_problems(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    instances = graph.of_type(INSTANCE)
    if len(instances) != 1:
        return [f"nat instance: {len(instances)} NAT instances, expected 1"]
    nat, problems = instances[0], []
    if nat.inputs.get("sourceDestCheck") is not False:
        problems.append(f"{nat.name}: source/destination check is on (it cannot forward)")
    if "MASQUERADE" not in str(nat.inputs.get("userData")):
        problems.append(f"{nat.name}: user data does not masquerade")
    if nat.inputs.get("instanceType") != catalog.NAT_INSTANCE_TYPE:
        problems.append(f"{nat.name}: not a {catalog.NAT_INSTANCE_TYPE}")
    if (nat.inputs.get("metadataOptions") or {}).get("httpTokens") != "required":
        problems.append(f"{nat.name}: IMDSv1 allowed")
    if (nat.inputs.get("rootBlockDevice") or {}).get("encrypted") is not True:
        problems.append(f"{nat.name}: root volume not encrypted")
    eni = f"eni-{nat.name}"
    if not all(r.inputs.get("networkInterfaceId") == eni for r in _private_routes(graph)):
        problems.append("nat instance: a private route does not go through the NAT instance")
    return problems


def _endpoint_problems(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    problems = []
    if _private_routes(graph):
        problems.append("nat none: a private subnet still has a default route")
    by_service = {
        str(e.inputs.get("serviceName")).removeprefix(f"com.amazonaws.{spec.region}."): e
        for e in graph.of_type(ENDPOINT)
    }
    private_subnets = {f"{spec.project}-{spec.environment}-net-private-{i}-id" for i in range(2)}
    for service in catalog.INTERFACE_ENDPOINTS:
        endpoint = by_service.get(service)
        if endpoint is None:
            problems.append(f"nat none: no {service} interface endpoint")
            continue
        i = endpoint.inputs
        if i.get("vpcEndpointType") != "Interface" or i.get("privateDnsEnabled") is not True:
            problems.append(f"{endpoint.name}: not an interface endpoint with private DNS")
        if set(i.get("subnetIds") or []) != private_subnets:
            problems.append(f"{endpoint.name}: not in every private subnet")
    s3 = by_service.get("s3")
    if s3 is None or s3.inputs.get("vpcEndpointType") != "Gateway":
        problems.append("nat none: no S3 gateway endpoint (ECR's image layers)")
    elif len(s3.inputs.get("routeTableIds") or []) != 2:
        problems.append("nat none: the S3 endpoint is not on every private route table")
    for rule in graph.of_type(INGRESS):
        if "-endpoints-" in rule.name and (
            rule.inputs.get("cidrIpv4") != spec.cidr or rule.inputs.get("fromPort") != 443
        ):
            problems.append(f"{rule.name}: endpoints open beyond HTTPS from the VPC")
    return problems


def check_nat(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    """Exactly the egress `nat` asks for, and nothing of the other modes."""
    if not catalog.needs_network(spec):
        return []
    problems = []
    gateways, instances = graph.of_type(NAT_GATEWAY), graph.of_type(INSTANCE)
    if len(gateways) != catalog.nat_gateway_count(spec):
        problems.append(f"{len(gateways)} NAT gateways, expected {catalog.nat_gateway_count(spec)}")
    if spec.nat != "instance" and instances:
        problems.append(f"nat {spec.nat}: a NAT instance exists")
    if spec.nat != "none" and graph.of_type(ENDPOINT):
        problems.append(f"nat {spec.nat}: VPC endpoints exist (they cost per zone)")
    if spec.nat == "instance":
        problems += _instance_problems(graph, spec)
    if spec.nat == "none":
        problems += _endpoint_problems(graph, spec)
    return problems


def check_backup_copies(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    """Copies to a locked vault, under a key, in another region: exactly when asked."""
    region = catalog.backup_copy_region(spec)
    plans = graph.of_type("aws:backup/plan:Plan")
    actions = [
        a
        for p in plans
        for rule in p.inputs.get("rules", [])
        for a in rule.get("copyActions") or []
    ]
    if region is None:
        return ["copies made though none were asked for"] if actions else []
    vaults = [v for v in graph.of_type(VAULT) if "-copy-" in v.name]
    if len(vaults) != 1:
        return [f"{len(vaults)} copy vaults, expected 1"]
    vault = vaults[0]
    problems = []
    arn = fake_arn(VAULT, vault.name, region)
    retention = spec.backups.retention_days
    if not any(
        a.get("destinationVaultArn") == arn
        and a.get("lifecycle", {}).get("deleteAfter") == retention
        for a in actions
    ):
        problems.append(f"no copy action to a vault in {region} keeping {retention} days")
    keys = {fake_arn("aws:kms/key:Key", k.name, region) for k in graph.of_type("aws:kms/key:Key")}
    if vault.inputs.get("kmsKeyArn") not in keys:
        problems.append(f"{vault.name}: not encrypted with a key in {region}")
    locks = [
        lock
        for lock in graph.of_type(LOCK)
        if lock.inputs.get("backupVaultName") == vault.inputs.get("name")
    ]
    if not locks:
        problems.append(f"{vault.name}: no vault lock")
    else:
        lock = locks[0].inputs
        if lock.get("changeableForDays") is not None:
            problems.append(f"{vault.name}: vault lock in compliance mode, not governance")
        if not lock.get("minRetentionDays") or lock["minRetentionDays"] > retention:
            problems.append(f"{vault.name}: lock minimum does not fit the {retention}-day copies")
        if (lock.get("maxRetentionDays") or 0) < retention:
            problems.append(f"{vault.name}: lock maximum refuses the {retention}-day copies")
    if not any(p.inputs.get("region") == region for p in graph.of_type(PROVIDER)):
        problems.append(f"no provider for {region}")
    return problems


CHECKS = [check_nat, check_backup_copies]


def problems(graph: ResourceGraph, spec: EnvironmentSpec) -> list[str]:
    return [p for check in CHECKS for p in check(graph, spec)]
