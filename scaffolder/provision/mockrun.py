"""Run a Pulumi program under Pulumi's own mocks: no engine, no cloud, no CLI.

The mocks echo every resource's inputs back as its state and invent the
outputs AWS would compute (ARNs, DNS names), so the program runs to the end and
the whole resource graph can be priced (`scaffold plan`) or checked (tests).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from pydantic import Field

from scaffolder.errors import CloudError
from scaffolder.models import EnvironmentSpec, Model

ACCOUNT_ID = "123456789012"
_LOCK = threading.Lock()  # the Pulumi runtime's settings are process-global


class GraphResource(Model):
    type: str  # "aws:rds/instance:Instance"
    name: str  # the Pulumi logical name
    inputs: dict[str, Any] = Field(default_factory=dict)  # engine (camelCase) property names
    custom: bool = True  # False for ComponentResources


class ResourceGraph(Model):
    resources: list[GraphResource]
    outputs: dict[str, Any] = Field(default_factory=dict)

    def of_type(self, type_: str) -> list[GraphResource]:
        return [r for r in self.resources if r.type == type_]


# How the mocks hand a secret input over: {SIG_KEY: SECRET_SIG, "value": ...}
# (pulumi.runtime.rpc's markers; not imported so that this module stays light).
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def secret_value(value: Any) -> Any:
    """The value inside a secret the mocks were given, or None for a plain value."""
    if isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG:
        return value.get("value")
    return None


def fake_arn(type_: str, name: str, region: str) -> str:
    service = type_.split(":")[1].split("/", maxsplit=1)[0] if ":" in type_ else "x"
    kind = type_.rsplit(":", 1)[-1].lower()
    return f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{kind}/{name}"


def _fake_state(type_: str, name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    arn = fake_arn(type_, name, region)
    invented: dict[str, Any] = {
        "arn": arn,
        "arnSuffix": f"app/{name}/0123456789abcdef",
        "name": name,
        "keyId": f"{name}-key-id",
        "bucket": name,
        "bucketRegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
        "dnsName": f"{name}.{region}.elb.amazonaws.com",
        "domainName": f"{name}.cloudfront.net",
        # The physical name, as ECR answers (the URL names the repository AWS created).
        "repositoryUrl": f"{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com/"
        + str(inputs.get("name") or name),
        "address": f"{name}.rds.amazonaws.com",
        "identifier": name,
        "primaryNetworkInterfaceId": f"eni-{name}",
    }
    if type_ == "aws:acm/certificate:Certificate":
        invented["domainValidationOptions"] = fake_validation_options(inputs.get("domainName"))
    if type_ == "aws:route53/record:Record":
        invented["fqdn"] = inputs.get("name")
    if type_ == "aws:rds/instance:Instance" and inputs.get("manageMasterUserPassword"):
        invented["masterUserSecrets"] = [
            {
                "secretArn": f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:rds!{name}",
                "secretStatus": "active",
                "kmsKeyId": inputs.get("masterUserSecretKmsKeyId"),
            }
        ]
    return {**invented, **inputs}


ZONE_LETTERS = {"ap-northeast-1": "acd"}


def fake_zones(region: str) -> dict[str, Any]:
    """What `aws.get_availability_zones` answers: three zones, as most regions have.

    Tokyo's list skips "b" (it is closed to new accounts), as the real answer does.
    """
    letters = ZONE_LETTERS.get(region, "abc")
    return {
        "id": region,
        "names": [f"{region}{letter}" for letter in letters],
        "zoneIds": [f"{region}-az{n}" for n in range(1, len(letters) + 1)],
        "groupNames": [region] * len(letters),
        "state": "available",
    }


FAKE_AMI_ID = "ami-0123456789abcdef0"


def fake_ami(region: str) -> dict[str, Any]:
    """What `aws.ec2.get_ami` answers for the NAT instance's Amazon Linux 2023 lookup."""
    return {
        "id": FAKE_AMI_ID,
        "imageId": FAKE_AMI_ID,
        "name": "al2023-ami-2023.9.20261101.0-kernel-6.12-arm64",
        "architecture": "arm64",
        "ownerId": "137112412989",
        "rootDeviceType": "ebs",
        "virtualizationType": "hvm",
    }


def fake_validation_options(domain: object) -> list[dict[str, str]]:
    """ACM's DNS validation record for `domain` (one name, so one record)."""
    return [
        {
            "domainName": str(domain),
            "resourceRecordName": f"_0123456789abcdef.{domain}.",
            "resourceRecordType": "CNAME",
            "resourceRecordValue": "_fedcba9876543210.plan.acm-validations.aws.",
        }
    ]


PLAN_ORIGIN_SECRET = "plan-origin-secret"  # a placeholder, never deployed
CLOUDFRONT_PREFIX_LIST_ID = "pl-3b927c52"  # us-east-1's origin-facing list


def edge_answer(token: str, args: dict[str, Any], hosted_zones: frozenset[str]) -> dict[str, Any]:
    """The invokes scaffolder_stacks/edge.py makes: prefix list, random secret, hosted zone."""
    if token == "aws:ec2/getManagedPrefixList:getManagedPrefixList":
        return {"id": CLOUDFRONT_PREFIX_LIST_ID, "name": args.get("name"), "entries": []}
    if token == "aws:secretsmanager/getRandomPassword:getRandomPassword":
        return {"id": "plan", "randomPassword": PLAN_ORIGIN_SECRET}
    if token == "aws:route53/getZone:getZone" and args.get("name") in hosted_zones:
        name = str(args["name"])
        return {"id": f"Z{name}", "zoneId": f"Z{name}", "name": name}
    return {}


def run_under_mocks(
    program: Callable[[], dict[str, Any]],
    *,
    project: str,
    stack: str,
    region: str,
    hosted_zones: frozenset[str] = frozenset(),
) -> ResourceGraph:
    """Run `program` (which returns its stack outputs) and collect every resource."""
    import pulumi

    resources: list[GraphResource] = []
    outputs: dict[str, Any] = {}
    provider_regions: dict[str, str] = {}

    class _Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            inputs = dict(args.inputs)
            resources.append(
                GraphResource(type=args.typ, name=args.name, inputs=inputs, custom=args.custom)
            )
            if not args.custom:
                return "", {}
            resource_id = f"{args.name}-id"
            if args.typ == "pulumi:providers:aws":  # a second region (backup copies)
                provider_regions[resource_id] = str(inputs.get("region") or region)
            # A resource of an explicit provider lives in that provider's region.
            where = provider_regions.get((args.provider or "").rsplit("::", 1)[-1], region)
            return resource_id, _fake_state(args.typ, args.name, inputs, where)

        def call(
            self, args: pulumi.runtime.MockCallArgs
        ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
            if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    "accountId": ACCOUNT_ID,
                    "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/plan",
                    "userId": "plan",
                    "id": ACCOUNT_ID,
                }, []
            if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
                return fake_zones(region), []
            if args.token == "aws:ec2/getAmi:getAmi":
                return fake_ami(region), []
            return edge_answer(args.token, dict(args.args), hosted_zones), []

    def _run() -> Any:
        result = program()
        return pulumi.Output.from_input(result).apply(outputs.update)

    with _LOCK:
        pulumi.runtime.set_mocks(_Mocks(), project=project, stack=stack, preview=False)
        try:
            pulumi.runtime.test(_run)()  # type: ignore[no-untyped-call]
        except Exception as exc:  # the program's own bug or a bad spec
            raise CloudError(
                f"The Pulumi program failed under mocks: {exc}",
                hint="Run with --debug for the traceback; check infra/Pulumi.<env>.yaml.",
            ) from exc
    return ResourceGraph(resources=resources, outputs=outputs)


def run_environment(
    spec: EnvironmentSpec, *, hosted_zones: frozenset[str] = frozenset()
) -> ResourceGraph:
    """The resource graph `scaffolder_stacks.environment.program(spec)` would create.

    `hosted_zones`: the public zones the account is pretended to hold (none in `plan`).
    """
    from scaffolder_stacks.environment import program

    return run_under_mocks(
        lambda: program(spec),
        project=spec.project,
        stack=spec.environment,
        region=spec.region,
        hosted_zones=hosted_zones,
    )
