"""Monthly cost estimates from a dated price table.

`estimate_spec_cost` prices an EnvironmentSpec directly (pure, fast, no pulumi);
`scaffolder.provision.plan` prices the mock resource graph with the same unit
functions below, and a test holds the two totals equal.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from scaffolder.aws_rules.addressing import ZONE_COUNT
from scaffolder.environment import catalog
from scaffolder.errors import InputError
from scaffolder.models import CostLine, EnvironmentSpec
from scaffolder.models.record import Bounds, Record

PRICE_TABLE = "aws-us-east-1-2026-11.toml"


@dataclass(kw_only=True, slots=True)
class RdsPrices(Record):
    storage_gp3_gb_month: float
    backup_storage_gb_month: float
    copy_storage_gb_month: float
    inter_region_transfer_gb: float
    instance_hourly: dict[str, float]


@dataclass(kw_only=True, slots=True)
class NetworkPrices(Record):
    nat_gateway_hourly: float
    public_ipv4_hourly: float
    interface_endpoint_hourly: float
    ebs_gp3_gb_month: float
    instance_hourly: dict[str, float]


@dataclass(kw_only=True, slots=True)
class AlbPrices(Record):
    hourly: float
    lcu_hourly: float
    lcus_assumed: float
    public_addresses: int


@dataclass(kw_only=True, slots=True)
class FargatePrices(Record):
    vcpu_hourly: float
    gb_hourly: float


@dataclass(kw_only=True, slots=True)
class StoragePrices(Record):
    s3_gb_month: float
    s3_gb_assumed: float
    ecr_gb_month: float
    ecr_gb_assumed: float


@dataclass(kw_only=True, slots=True)
class MonitoringPrices(Record):
    kms_key_month: float
    secret_month: float
    alarm_month: float
    # AWS Budgets: the first two budgets of an account are free, then $0.02 a day each.
    budget_month: float = 0.0


@dataclass(kw_only=True, slots=True)
class PriceTable(Record):
    as_of: str
    region: str
    currency: str = "USD"
    hours_per_month: Annotated[float, Bounds(gt=0)] = 730
    rds: RdsPrices
    network: NetworkPrices
    alb: AlbPrices
    fargate: FargatePrices
    storage: StoragePrices
    monitoring: MonitoringPrices


@lru_cache(maxsize=4)
def load_prices(name: str = PRICE_TABLE) -> PriceTable:
    # A file beside this module (in a wheel too): importlib.resources would cost the audit
    # its imports (zipfile, tempfile: ~10 ms a run) to read it.
    text = (Path(__file__).parent / "prices" / name).read_text("utf-8")
    return price_table(tomllib.loads(text))


def price_table(data: dict[str, Any]) -> PriceTable:
    """A table shipped with scaffold, built without pydantic (the audit prices every run).

    tests/provision/test_provision_cost.py holds it equal to `PriceTable.model_validate`
    of the same data, which checks every field's type and that none is unknown.
    """
    return PriceTable(
        as_of=data["as_of"],
        region=data["region"],
        currency=data.get("currency", "USD"),
        hours_per_month=float(data.get("hours_per_month", 730)),
        rds=RdsPrices(**data["rds"]),
        network=NetworkPrices(**data["network"]),
        alb=AlbPrices(**data["alb"]),
        fargate=FargatePrices(**data["fargate"]),
        storage=StoragePrices(**data["storage"]),
        monitoring=MonitoringPrices(**data["monitoring"]),
    )


def _round(value: float) -> float:
    return round(value, 2)


# -- unit prices: one function per kind of billed resource -----------------


def db_instance(p: PriceTable, label: str, instance_class: str, multi_az: bool) -> CostLine:
    hourly = p.rds.instance_hourly.get(instance_class)
    if hourly is None:
        known = ", ".join(sorted(p.rds.instance_hourly))
        raise InputError(
            f"The price table has no price for DB instance class '{instance_class}'.",
            hint=f"Use one of: {known}; or add it to scaffolder/environment/prices/{PRICE_TABLE}.",
        )
    copies = 2 if multi_az else 1
    suffix = ", Multi-AZ" if multi_az else ""
    return CostLine(
        resource=f"{label} ({instance_class}{suffix})",
        monthly_usd=_round(hourly * copies * p.hours_per_month),
    )


def db_storage(p: PriceTable, label: str, storage_gb: float, multi_az: bool) -> CostLine:
    copies = 2 if multi_az else 1
    return CostLine(
        resource=f"{label} storage ({storage_gb:g} GB gp3)",
        monthly_usd=_round(storage_gb * copies * p.rds.storage_gp3_gb_month),
    )


def db_backup_storage(p: PriceTable, label: str, storage_gb: float) -> CostLine:
    return CostLine(
        resource=f"{label} backups (~{storage_gb:g} GB snapshots)",
        monthly_usd=_round(storage_gb * p.rds.backup_storage_gb_month),
    )


def nat_gateway(p: PriceTable, label: str) -> CostLine:
    hourly = p.network.nat_gateway_hourly + p.network.public_ipv4_hourly
    return CostLine(
        resource=f"{label} (NAT gateway + Elastic IP)",
        monthly_usd=_round(hourly * p.hours_per_month),
    )


def nat_instance(p: PriceTable, label: str, instance_type: str, volume_gb: float) -> CostLine:
    hourly = p.network.instance_hourly.get(instance_type)
    if hourly is None:
        raise InputError(
            f"The price table has no price for EC2 instance type '{instance_type}'.",
            hint=f"Add it to scaffolder/environment/prices/{PRICE_TABLE}.",
        )
    monthly = (hourly + p.network.public_ipv4_hourly) * p.hours_per_month
    monthly += volume_gb * p.network.ebs_gp3_gb_month
    return CostLine(
        resource=f"{label} (NAT instance {instance_type} + public IPv4 + {volume_gb:g} GB gp3)",
        monthly_usd=_round(monthly),
    )


def interface_endpoint(p: PriceTable, label: str, zones: int) -> CostLine:
    return CostLine(
        resource=f"{label} (VPC interface endpoint x {zones} AZ)",
        monthly_usd=_round(p.network.interface_endpoint_hourly * zones * p.hours_per_month),
    )


def backup_copies(p: PriceTable, label: str, storage_gb: float, region: str) -> list[CostLine]:
    """Recovery points copied to `region`: stored there, and sent there each month."""
    return [
        CostLine(
            resource=f"{label} copies in {region} (~{storage_gb:g} GB)",
            monthly_usd=_round(storage_gb * p.rds.copy_storage_gb_month),
        ),
        CostLine(
            resource=f"{label} copy transfer to {region} (~{storage_gb:g} GB/month)",
            monthly_usd=_round(storage_gb * p.rds.inter_region_transfer_gb),
        ),
    ]


def load_balancer(p: PriceTable, label: str) -> CostLine:
    hourly = (
        p.alb.hourly
        + p.alb.lcu_hourly * p.alb.lcus_assumed
        + p.network.public_ipv4_hourly * p.alb.public_addresses
    )
    return CostLine(resource=f"{label} (ALB)", monthly_usd=_round(hourly * p.hours_per_month))


def fargate(p: PriceTable, label: str, cpu: float, memory_mb: float, count: float) -> CostLine:
    hourly = (cpu / 1024) * p.fargate.vcpu_hourly + (memory_mb / 1024) * p.fargate.gb_hourly
    return CostLine(
        resource=f"{label} (Fargate {cpu:g} CPU / {memory_mb:g} MB x {count:g})",
        monthly_usd=_round(hourly * count * p.hours_per_month),
    )


def bucket(p: PriceTable, label: str) -> CostLine:
    return CostLine(
        resource=f"{label} (S3, ~{p.storage.s3_gb_assumed:g} GB)",
        monthly_usd=_round(p.storage.s3_gb_assumed * p.storage.s3_gb_month),
    )


def ecr_repository(p: PriceTable, label: str) -> CostLine:
    return CostLine(
        resource=f"{label} (ECR, ~{p.storage.ecr_gb_assumed:g} GB)",
        monthly_usd=_round(p.storage.ecr_gb_assumed * p.storage.ecr_gb_month),
    )


def kms_key(p: PriceTable, label: str) -> CostLine:
    return CostLine(resource=f"{label} (KMS key)", monthly_usd=p.monitoring.kms_key_month)


def secret(p: PriceTable, label: str) -> CostLine:
    return CostLine(resource=f"{label} (secret)", monthly_usd=p.monitoring.secret_month)


def alarm(p: PriceTable, label: str) -> CostLine:
    return CostLine(resource=f"{label} (alarm)", monthly_usd=p.monitoring.alarm_month)


def budget(p: PriceTable, label: str) -> CostLine:
    return CostLine(resource=f"{label} (AWS Budgets budget)", monthly_usd=p.monitoring.budget_month)


# -- the whole environment ---------------------------------------------------


def estimate_spec_cost(spec: EnvironmentSpec, prices: PriceTable | None = None) -> list[CostLine]:
    """Estimated monthly cost of `spec`, one line per billed resource."""
    p = prices or load_prices()
    base = catalog.prefix(spec)
    lines: list[CostLine] = [kms_key(p, f"{base}-key")]
    lines += [nat_gateway(p, f"{base}-nat-{i}") for i in range(catalog.nat_gateway_count(spec))]
    lines += [
        nat_instance(p, f"{base}-nat", catalog.NAT_INSTANCE_TYPE, catalog.NAT_INSTANCE_VOLUME_GB)
        for _ in range(catalog.nat_instance_count(spec))
    ]
    lines += [
        interface_endpoint(p, f"{base}-endpoint-{service}", ZONE_COUNT)
        for service in catalog.interface_endpoints(spec)
    ]
    db = spec.database
    if db is not None:
        label = f"{base}-db"
        lines += [
            db_instance(p, label, db.instance_class, db.multi_az),
            db_storage(p, label, db.allocated_storage_gb, db.multi_az),
            db_backup_storage(p, label, db.allocated_storage_gb),
        ]
        # The restore-check task's image (stacks/restore_task.py); its runs bill by the minute.
        lines.append(ecr_repository(p, f"{base}-restore-check"))
        copy_region = catalog.backup_copy_region(spec)
        if copy_region is not None:
            lines.append(kms_key(p, f"{base}-copy-key"))
            lines += backup_copies(p, label, db.allocated_storage_gb, copy_region)
    for service in catalog.server_services(spec):
        label = f"{base}-{service.name}"
        lines += [
            fargate(p, label, service.cpu, service.memory, service.desired_count),
            load_balancer(p, label),
            ecr_repository(p, label),
        ]
    lines += [bucket(p, f"{base}-bucket-{i}") for i in range(catalog.bucket_count(spec))]
    lines += [secret(p, f"{base}-secret-{i}") for i in range(catalog.secret_count(spec))]
    lines += [alarm(p, name) for name in catalog.all_alarm_names(spec)]
    lines.append(budget(p, catalog.budget_name(spec)))
    return lines


def total(lines: list[CostLine]) -> float:
    return _round(sum(line.monthly_usd for line in lines))


BUDGET_HEADROOM = 1.5
BUDGET_STEP_USD = 10


def budget_limit_usd(spec: EnvironmentSpec, prices: PriceTable | None = None) -> float:
    """The environment's AWS Budgets limit: the spec's, else 1.5x the estimate.

    Rounded up to the next 10 USD so the number reads like a budget someone chose,
    and never zero (AWS refuses a zero budget; a static site estimates ~1.50 USD).
    """
    if spec.monthly_budget_usd is not None:
        return float(spec.monthly_budget_usd)
    estimate = total(estimate_spec_cost(spec, prices))
    steps = math.ceil(round(estimate * BUDGET_HEADROOM, 2) / BUDGET_STEP_USD)
    return float(max(1, steps) * BUDGET_STEP_USD)
