"""aws_rules.naming: valid for every kind, readable, stable, never one name for two inputs."""

from __future__ import annotations

import itertools

import pytest

from scaffolder.aws_rules import naming
from scaffolder.aws_rules.naming import RULES, physical_name

LONG_A = "acme-customer-onboarding-portal-prototype-v2"
LONG_B = "acme-customer-onboarding-portal-prototype-v3"
PREFIXES = [
    "notes-prod",
    f"{LONG_A}-staging",
    "café-ünïcode-笔记本-dev",
    "笔记-prod",
    "日记-prod",
    "3d-viewer-prod",
    "internal-tools-dev",
    "MyApp-prod",
    "sg-tools-dev",
    "xn--app-dev",
    "a-dev",
]
PURPOSES: list[tuple[str, ...]] = [(), ("api",), ("background-worker", "execution"), ("x" * 300,)]


@pytest.mark.parametrize("kind", sorted(RULES))
def test_every_name_fits_its_kind(kind: str) -> None:
    for prefix, purpose in itertools.product(PREFIXES, PURPOSES):
        name = physical_name(kind, prefix, *purpose)
        assert RULES[kind].fits(name), (kind, prefix, purpose, name)
        assert name == physical_name(kind, prefix, *purpose)  # stable


@pytest.mark.parametrize("kind", sorted(RULES))
def test_different_inputs_never_share_a_name(kind: str) -> None:
    """Long names cut at the same place, and non-ASCII names that map to the same
    ASCII (or to nothing), still differ: the hash is of the original words."""
    inputs = list(itertools.product([*PREFIXES, f"{LONG_B}-staging"], PURPOSES[:3]))
    names = [physical_name(kind, prefix, *purpose) for prefix, purpose in inputs]
    assert len(set(names)) == len(names)


def test_two_long_projects_differing_at_the_end_get_different_short_names() -> None:
    a = physical_name(naming.ALB, f"{LONG_A}-staging", "api")
    b = physical_name(naming.ALB, f"{LONG_B}-staging", "api")
    assert a != b and len(a) <= 32 and len(b) <= 32
    # Readable: the project's start, the environment and the purpose survive the cut.
    assert a.startswith("acme-custom") and a.endswith("-staging-api")
    assert a == "acme-custom-93805124-staging-api"  # the hash never changes silently


def test_names_that_already_fit_are_unchanged() -> None:
    """The names the stacks sent before this module stay the same (no replacement)."""
    assert physical_name(naming.SNS_TOPIC, "notes-prod", "alarms") == "notes-prod-alarms"
    assert physical_name(naming.SECRET, "notes", "dev", "app") == "notes/dev/app"
    assert physical_name(naming.KMS_ALIAS, "notes-prod", "key") == "alias/notes-prod-key"
    assert physical_name(naming.LOG_GROUP, "notes-prod", "api") == "/scaffold/notes-prod/api"
    assert physical_name(naming.RDS_INSTANCE, "notes-prod", "db") == "notes-prod-db"
    assert (
        physical_name(naming.RESTORE_TESTING_PLAN, "my-app-prod", "restore-test")
        == "my_app_prod_restore_test"
    )
    assert physical_name(naming.ECS_CLUSTER, "notes-prod") == "notes-prod"


def test_non_ascii_and_case_map_to_what_the_kind_allows() -> None:
    bucket = physical_name(naming.S3_BUCKET, "Café-Notes-prod", "artifacts", "123456789012")
    assert bucket.startswith("cafe-notes-") and bucket.endswith("-prod-artifacts-123456789012")
    db = physical_name(naming.RDS_INSTANCE, "笔记-prod", "db")
    assert db[0].isalpha() and db.endswith("-prod-db")
    assert physical_name(naming.ALB, "internal-tools-dev", "api").startswith("xinternal-tools-")


@pytest.mark.parametrize("prefix", ["notes-prod", f"{LONG_A}-staging", "café-ünïcode-笔记本-dev"])
def test_every_task_family_starts_with_the_prefix_the_deploy_role_may_run(prefix: str) -> None:
    allowed = physical_name(naming.ECS_FAMILY, prefix)
    for service in ("api", "background-worker"):
        assert physical_name(naming.ECS_FAMILY, prefix, service).startswith(f"{allowed}-")


def test_planned_physical_name_shows_pulumis_random_suffix() -> None:
    bucket = "aws:s3/bucket:Bucket"
    assert naming.physical_name_of(bucket, "site", {"bucket": "a-b-c"}) == "a-b-c"
    assert naming.physical_name_of(bucket, "site", {}) == "site-xxxxxxx"
    assert naming.physical_name_of("aws:ec2/vpc:Vpc", "net", {}) is None
