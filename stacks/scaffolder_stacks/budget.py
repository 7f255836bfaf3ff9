"""The environment's cost guard rail: a monthly AWS Budgets budget that alerts early."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from scaffolder_stacks._common import child

# Every resource of an environment carries this tag (value "<project>-<env>"); the
# budget counts only that cost once the tag is activated for cost allocation.
STACK_TAG = "scaffold:stack"

# (threshold %, ACTUAL or FORECASTED): spending that already happened, and the
# month's forecast, so a runaway is noticed in days rather than on the invoice.
NOTIFICATIONS: tuple[tuple[float, str], ...] = ((80, "ACTUAL"), (100, "FORECASTED"))


def cost_filter_value(stack: str) -> str:
    """Budgets names a cost-allocation tag `user:<key>$<value>`."""
    return f"user:{STACK_TAG}${stack}"


@dataclass
class CostBudgetArgs:
    name: str  # scaffolder.environment.catalog.budget_name(spec)
    stack: str  # "<project>-<env>", the value of STACK_TAG
    limit_usd: float
    topic_arn: pulumi.Input[str]
    tags: dict[str, str]
    email: str | None = None


class CostBudget(pulumi.ComponentResource):
    budget: aws.budgets.Budget

    def __init__(
        self, name: str, args: CostBudgetArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:budget:CostBudget", name, None, opts)
        emails = [args.email] if args.email else None
        self.budget = aws.budgets.Budget(
            name,
            name=args.name,
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=f"{args.limit_usd:.2f}",
            limit_unit="USD",
            cost_filters=[
                aws.budgets.BudgetCostFilterArgs(
                    name="TagKeyValue", values=[cost_filter_value(args.stack)]
                )
            ],
            notifications=[
                aws.budgets.BudgetNotificationArgs(
                    comparison_operator="GREATER_THAN",
                    threshold=threshold,
                    threshold_type="PERCENTAGE",
                    notification_type=kind,
                    subscriber_sns_topic_arns=[args.topic_arn],
                    # Straight to the inbox too: it still arrives if the topic is broken.
                    subscriber_email_addresses=emails,
                )
                for threshold, kind in NOTIFICATIONS
            ],
            tags=args.tags,
            opts=child(self),
        )
        self.register_outputs({"budget_name": self.budget.name})
