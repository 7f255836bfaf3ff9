"""What an environment contains, decided from its EnvironmentSpec alone.

Pure (no pulumi import): the components build exactly what this module says,
and `scaffolder.provision.cost` prices the same list without running Pulumi,
so the offline estimate and the planned resource graph cannot drift apart.
"""

from __future__ import annotations

from scaffolder.models import EnvironmentSpec, ServiceSpec


def prefix(spec: EnvironmentSpec) -> str:
    """Physical-name prefix shared by every resource of the environment."""
    return f"{spec.project}-{spec.environment}"


def server_services(spec: EnvironmentSpec) -> list[ServiceSpec]:
    return [s for s in spec.services if s.shape == "server"]


def static_services(spec: EnvironmentSpec) -> list[ServiceSpec]:
    return [s for s in spec.services if s.shape == "static"]


def needs_network(spec: EnvironmentSpec) -> bool:
    """A VPC is only worth paying for when something runs inside it."""
    return bool(server_services(spec)) or spec.database is not None


def nat_gateway_count(spec: EnvironmentSpec) -> int:
    return max(0, min(spec.nat_gateways, 2)) if needs_network(spec) else 0


def has_restore_testing(spec: EnvironmentSpec) -> bool:
    return spec.database is not None and spec.backups.restore_test_schedule is not None


def service_alarm_names(spec: EnvironmentSpec, service: ServiceSpec) -> dict[str, str]:
    base = f"{prefix(spec)}-{service.name}"
    return {
        "5xx": f"{base}-5xx-rate",
        "latency": f"{base}-p95-latency",
        "unhealthy": f"{base}-unhealthy-hosts",
    }


def database_alarm_names(spec: EnvironmentSpec) -> dict[str, str]:
    if spec.database is None:
        return {}
    base = f"{prefix(spec)}-db"
    return {
        "cpu": f"{base}-cpu",
        "storage": f"{base}-free-storage",
        "connections": f"{base}-connections",
    }


def backup_alarm_names(spec: EnvironmentSpec) -> dict[str, str]:
    base = prefix(spec)
    names: dict[str, str] = {}
    if spec.database is not None:
        names["backup-failed"] = f"{base}-backup-jobs-failed"
    if has_restore_testing(spec):
        names["restore-failed"] = f"{base}-restore-jobs-failed"
    if spec.backups.verify_window_days:
        names["not-verified"] = f"{base}-no-verified-restore"
    return names


def all_alarm_names(spec: EnvironmentSpec) -> list[str]:
    names: list[str] = []
    for service in server_services(spec):
        names.extend(service_alarm_names(spec, service).values())
    names.extend(database_alarm_names(spec).values())
    names.extend(backup_alarm_names(spec).values())
    return names


def budget_name(spec: EnvironmentSpec) -> str:
    """The environment's AWS Budgets budget (unique per account, like the alarms)."""
    return f"{prefix(spec)}-monthly-cost"


def bucket_count(spec: EnvironmentSpec) -> int:
    """Backups bucket, artifacts (release ledger) bucket, one site bucket per static app."""
    return 2 + len(static_services(spec))


def secret_count(spec: EnvironmentSpec) -> int:
    """The app secret, plus the RDS-managed master user secret."""
    return 1 + (1 if spec.database is not None else 0)


def verify_evaluation_days(window_days: int) -> int:
    """Daily periods the "no verified restore" alarm evaluates.

    CloudWatch caps an alarm's evaluation range at 7 days. A restore verified on
    day D publishes 1 for day D; the alarm fires once the following full days all
    lack a 1, so `window - 1` breaching days means "none within `window` days".
    """
    return max(1, min(window_days - 1, 7))
