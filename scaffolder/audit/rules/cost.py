"""Cost rules: what the default environments cost and the line items that surprise people."""

from __future__ import annotations

from collections.abc import Iterator

from scaffolder.audit.rules.base import AuditContext, Hit, Stage, rule, server_apps
from scaffolder.models import Dimension, Severity

COST = Dimension.COST

# us-east-1 list price of one NAT gateway-month (730 h x $0.045), before data processing.
NAT_GATEWAY_MONTHLY_USD = 32.85


def _money(value: float) -> str:
    return f"${value:,.2f}"


@rule(
    id="COST001",
    dimension=COST,
    severity=Severity.INFO,
    title="Estimated monthly AWS cost",
    why=(
        "The environments bill from their first hour whether or not anyone uses them, and prod "
        "is sized for availability, not for price."
    ),
    fix=(
        "Review the resources and prices with `scaffold plan <env>`, and destroy dev while it "
        "is idle with `scaffold destroy dev`."
    ),
    action="Review resources and monthly cost offline",
    stage=Stage.PLAN,
    fix_command="scaffold plan prod",
)
def estimated_cost(ctx: AuditContext) -> Iterator[Hit]:
    if ctx.monthly_cost:
        parts = ", ".join(f"{env} {_money(usd)}" for env, usd in ctx.monthly_cost.items())
        total = sum(ctx.monthly_cost.values())
        yield Hit(title=f"Estimated monthly AWS cost: {parts} (total {_money(total)})")


@rule(
    id="COST002",
    dimension=COST,
    severity=Severity.INFO,
    title="NAT gateways bill by the hour",
    why=(
        "Each NAT gateway costs about $33 a month before any traffic, and prod runs one per "
        "availability zone so one zone's outage does not take the app down."
    ),
    fix=(
        "Keep them in prod; dev and staging default to `nat: instance` (one NAT instance, about "
        "$7 a month): set it in infra/Pulumi.<env>.yaml wherever gateways remain."
    ),
    action="Review resources and monthly cost offline",
    stage=Stage.PLAN,
    fix_command="scaffold plan dev",
)
def nat_gateways(ctx: AuditContext) -> Iterator[Hit]:
    if not server_apps(ctx.facts):
        return
    counts = {env: spec.nat_gateways for env, spec in ctx.specs.items() if spec.nat_gateways > 0}
    if counts:
        total = sum(counts.values())
        parts = ", ".join(f"{n} in {env}" for env, n in counts.items())
        yield Hit(
            title=(
                f"NAT gateways: {parts} (about {_money(total * NAT_GATEWAY_MONTHLY_USD)} a month "
                "before traffic)"
            )
        )


@rule(
    id="COST003",
    dimension=COST,
    severity=Severity.INFO,
    title="Multi-AZ doubles the database's cost",
    why=(
        "A Multi-AZ standby is a second database instance billed in full, worth it for prod's "
        "availability and nowhere else."
    ),
    fix="Keep `multi_az: true` only in infra/Pulumi.prod.yaml; dev and staging default to off.",
    action="Review resources and monthly cost offline",
    stage=Stage.PLAN,
    fix_command="scaffold plan prod",
)
def multi_az_database(ctx: AuditContext) -> Iterator[Hit]:
    envs = [env for env, spec in ctx.specs.items() if spec.database and spec.database.multi_az]
    if envs:
        yield Hit(title=f"Multi-AZ database in {', '.join(envs)} doubles its instance cost")


def budgeted_environments(ctx: AuditContext) -> set[str]:
    """Environments with a Pulumi stack in the repository (infra/Pulumi.<env>.yaml).

    scaffold's stacks give every environment an AWS Budgets budget (scaffolder_stacks/budget.py),
    so a Pulumi stack per environment is taken as the guard rail being in place, as
    DATA006 does for backups. A hand-written Pulumi project with the same stack names
    passes too: the facts do not say whose program the stacks run.
    """
    production = ctx.facts.production
    if "pulumi" not in production.iac:
        return set()
    return {env.strip().lower() for env in production.environments}


@rule(
    id="COST004",
    dimension=COST,
    severity=Severity.MEDIUM,
    title="No budget alarm",
    why=(
        "A runaway autoscaler or a forgotten dev stack is only noticed on the invoice, weeks "
        "after it started."
    ),
    fix=(
        "`scaffold init` writes infra/ stacks that give every environment an AWS Budgets "
        "budget at about 1.5x its estimate (or `monthly_budget_usd` in infra/Pulumi.<env>.yaml), "
        "alerting the alarm topic and e-mail at 80% spent and 100% forecast."
    ),
    action="Give every environment a monthly cost budget that alerts",
    stage=Stage.INIT,
    fix_command="scaffold init",
)
def no_budget_alarm(ctx: AuditContext) -> Iterator[Hit]:
    missing = [env for env in ctx.specs if env not in budgeted_environments(ctx)]
    if not missing:
        return
    if len(missing) == len(ctx.specs):
        yield Hit()
    else:
        yield Hit(title=f"No budget alarm for {', '.join(missing)}")
