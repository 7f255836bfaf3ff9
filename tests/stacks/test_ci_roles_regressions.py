"""The CI trust and role-split checks are not vacuous: each weakening fails them.

Every GitHub-trusting role must pin its workflow files on the default branch
(`job_workflow_ref`) besides the repository's environment (`sub`; the verify role's
is `<env>-backup`); neither reads the RDS master secret nor restores (the
restore-check task's role does), and the verify role cannot deploy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from scaffolder.models import EnvName
from scaffolder.provision.mockrun import GraphResource, ResourceGraph
from scaffolder_stacks.ci_access import trust_policy
from tests.stacks import graph_checks
from tests.stacks.graphs import graph_for
from tests.stacks.specs import server_spec

REF = "token.actions.githubusercontent.com:job_workflow_ref"


def _role(g: ResourceGraph, kind: str) -> GraphResource:
    return next(
        r
        for r in g.of_type("aws:iam/role:Role")
        if "WebIdentity" in r.inputs["assumeRolePolicy"] and r.inputs["name"].endswith(kind)
    )


def _edit_trust(g: ResourceGraph, kind: str, edit: Callable[[dict[str, Any]], None]) -> None:
    role = _role(g, kind)
    policy = json.loads(role.inputs["assumeRolePolicy"])
    edit(policy["Statement"][0]["Condition"])
    role.inputs["assumeRolePolicy"] = json.dumps(policy)


def _edit_policy(g: ResourceGraph, suffix: str, edit: Callable[[list[Any]], None]) -> None:
    policy = next(p for p in g.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith(suffix))
    document = json.loads(policy.inputs["policy"])
    edit(document["Statement"])
    policy.inputs["policy"] = json.dumps(document)


def _any_branch_deploys(g: ResourceGraph) -> None:
    _edit_trust(g, "-deploy", lambda c: c["StringEquals"].pop(REF))


def _any_branch_verifies(g: ResourceGraph) -> None:
    _edit_trust(g, "-verify", lambda c: c["StringEquals"].pop(REF))


def _wildcard_ref(g: ResourceGraph) -> None:
    def edit(condition: dict[str, Any]) -> None:
        condition["StringEquals"].pop(REF)
        condition["StringLike"] = {REF: "acme/notes/.github/workflows/*@*"}

    _edit_trust(g, "-deploy", edit)


def _feature_branch_deploys(g: ResourceGraph) -> None:
    def edit(condition: dict[str, Any]) -> None:
        condition["StringEquals"][REF] = [
            r.replace("refs/heads/main", "refs/heads/feature")
            for r in condition["StringEquals"][REF]
        ]

    _edit_trust(g, "-deploy", edit)


def _deploy_workflow_verifies(g: ResourceGraph) -> None:
    def edit(condition: dict[str, Any]) -> None:
        condition["StringEquals"][REF].append(
            "acme/notes/.github/workflows/deploy.yml@refs/heads/main"
        )

    _edit_trust(g, "-verify", edit)


def _no_verify_role(g: ResourceGraph) -> None:
    role = _role(g, "-verify")
    g.resources = [r for r in g.resources if r is not role]


def _deploy_role_reads_the_db_secret(g: ResourceGraph) -> None:
    secret = str(g.outputs["db_secret_arn"])

    def edit(statements: list[Any]) -> None:
        reader = next(s for s in statements if s.get("Sid") == "ReadConnectionSecrets")
        reader["Resource"].append(secret)

    _edit_policy(g, "-deploy", edit)


def _deploy_role_restores(g: ResourceGraph) -> None:
    restore: list[Any] = []
    _edit_policy(
        g,
        "-restore-check-task",
        lambda s: restore.extend(x for x in s if x.get("Sid") == "RestoreTests"),
    )
    _edit_policy(g, "-deploy", lambda s: s.extend(restore))


def _verify_role_reads_the_db_secret(g: ResourceGraph) -> None:
    secret = str(g.outputs["db_secret_arn"])
    _edit_policy(
        g,
        "-verify-policy",
        lambda s: s.append(
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": [secret]}
        ),
    )


def _verify_role_restores(g: ResourceGraph) -> None:
    restore: list[Any] = []
    _edit_policy(
        g,
        "-restore-check-task",
        lambda s: restore.extend(x for x in s if x.get("Sid") == "RestoreTests"),
    )
    _edit_policy(g, "-verify-policy", lambda s: s.extend(restore))


def _verify_workflow_needs_prod_reviewers(g: ResourceGraph) -> None:
    sub = "token.actions.githubusercontent.com:sub"

    def edit(condition: dict[str, Any]) -> None:
        condition["StringEquals"][sub] = condition["StringEquals"][sub].removesuffix("-backup")

    _edit_trust(g, "-verify", edit)


def _verify_role_deploys(g: ResourceGraph) -> None:
    _edit_policy(
        g,
        "-verify-policy",
        lambda s: s.append(
            {"Effect": "Allow", "Action": "ecs:UpdateService", "Resource": ["arn:x"]}
        ),
    )


def _reusable_workflow_untrusted(g: ResourceGraph) -> None:
    """The deploy jobs run in deploy-environment.yml: trusting deploy.yml alone locks them out."""

    def edit(condition: dict[str, Any]) -> None:
        condition["StringEquals"][REF] = [
            r for r in condition["StringEquals"][REF] if "deploy-environment.yml" not in r
        ]

    _edit_trust(g, "-deploy", edit)


def _promotion_reads_every_project(g: ResourceGraph) -> None:
    def edit(statements: list[Any]) -> None:
        next(s for s in statements if s.get("Sid") == "EcrReadPromotedImages").pop("Condition")

    _edit_policy(g, "-deploy", edit)


def _promotion_writes_the_source(g: ResourceGraph) -> None:
    def edit(statements: list[Any]) -> None:
        reads = next(s for s in statements if s.get("Sid") == "EcrReadPromotedImages")
        reads["Action"].append("ecr:PutImage")

    _edit_policy(g, "-deploy", edit)


REGRESSIONS: dict[str, Callable[[ResourceGraph], None]] = {
    "any-branch-deploys": _any_branch_deploys,
    "any-branch-verifies": _any_branch_verifies,
    "wildcard-ref": _wildcard_ref,
    "feature-branch-deploys": _feature_branch_deploys,
    "deploy-workflow-verifies": _deploy_workflow_verifies,
    "no-verify-role": _no_verify_role,
    "deploy-role-reads-the-db-secret": _deploy_role_reads_the_db_secret,
    "deploy-role-restores": _deploy_role_restores,
    "verify-role-deploys": _verify_role_deploys,
    "reusable-workflow-untrusted": _reusable_workflow_untrusted,
    "promotion-reads-every-project": _promotion_reads_every_project,
    "promotion-writes-the-source": _promotion_writes_the_source,
    "verify-role-reads-the-db-secret": _verify_role_reads_the_db_secret,
    "verify-role-restores": _verify_role_restores,
    "verify-role-in-the-deploy-environment": _verify_workflow_needs_prod_reviewers,
}


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_a_weakened_ci_role_fails_the_checks(name: str) -> None:
    spec = server_spec("staging")
    graph = graph_for(spec)
    assert graph_checks.problems(graph, spec) == []
    REGRESSIONS[name](graph)
    assert graph_checks.problems(graph, spec) != []


def test_the_default_branch_comes_from_the_spec() -> None:
    spec = server_spec("prod")
    assert spec.ci is not None
    spec = spec.model_copy(update={"ci": spec.ci.model_copy(update={"default_branch": "trunk"})})
    graph = graph_for(spec)
    assert graph_checks.problems(graph, spec) == []
    trust = json.loads(_role(graph, "-deploy").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Condition"]["StringEquals"][REF] == [
        "acme/notes/.github/workflows/deploy.yml@refs/heads/trunk",
        "acme/notes/.github/workflows/deploy-environment.yml@refs/heads/trunk",
        "acme/notes/.github/workflows/rollback.yml@refs/heads/trunk",
    ]


def test_the_trust_policy_requires_environment_workflow_and_branch() -> None:
    condition = trust_policy("arn:p", "o/r", "prod", ["deploy.yml"], "main")["Statement"][0][
        "Condition"
    ]
    assert condition == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:o/r:environment:prod",
            REF: ["o/r/.github/workflows/deploy.yml@refs/heads/main"],
        }
    }


# IAM's string conditions over one claim set: every key of every operator must match,
# a list of values is any one of them; StringLike's `*` and `?` are its only wildcards.
def _iam_like(pattern: str, value: str) -> bool:
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.fullmatch(regex, value) is not None


def _admits(role: GraphResource, claims: dict[str, str]) -> bool:
    statement = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    matchers = {"StringEquals": str.__eq__, "StringLike": _iam_like}
    for operator, keys in statement["Condition"].items():
        for key, wanted in keys.items():
            values = [wanted] if isinstance(wanted, str) else wanted
            claim = claims.get(key.removeprefix("token.actions.githubusercontent.com:"))
            if claim is None or not any(matchers[operator](v, claim) for v in values):
                return False
    return True


def _claims(environment: str, workflow: str, ref: str) -> dict[str, str]:
    """The claims of a job bound to `environment`, of `workflow` run from `ref`."""
    return {
        "aud": "sts.amazonaws.com",
        "sub": f"repo:acme/notes:environment:{environment}",
        "job_workflow_ref": f"acme/notes/.github/workflows/{workflow}@{ref}",
    }


@pytest.mark.parametrize("workflow", ["deploy.yml", "deploy-environment.yml"])
def test_a_feature_branch_deploys_to_dev_as_deploy_yml_says(workflow: str) -> None:
    """deploy.yml sends every branch but main to dev (its build job in the GitHub
    environment dev, then deploy-environment.yml): dev's deploy role must admit that
    branch's jobs. Pinned to refs/heads/main, as every role was, it refused them, so the
    RUNBOOK's "a push to any branch other than main deploys to dev" never worked."""
    spec = server_spec("dev")
    graph = graph_for(spec)
    assert graph_checks.problems(graph, spec) == []
    deploy = _role(graph, "-deploy")
    assert _admits(deploy, _claims("dev", workflow, "refs/heads/feature/login"))
    assert _admits(deploy, _claims("dev", workflow, "refs/heads/main"))
    # Still only its own workflow files, only the dev environment, only branches.
    assert not _admits(deploy, _claims("dev", "evil.yml", "refs/heads/feature/login"))
    assert not _admits(deploy, _claims("staging", workflow, "refs/heads/feature/login"))
    assert not _admits(deploy, _claims("dev", workflow, "refs/tags/v1"))
    assert not _admits(deploy, _claims("dev", workflow, "refs/pull/7/merge"))
    # dev's verify role still trusts backup-verify.yml on main only.
    verify = _role(graph, "-verify")
    assert _admits(verify, _claims("dev-backup", "backup-verify.yml", "refs/heads/main"))
    assert not _admits(verify, _claims("dev-backup", "backup-verify.yml", "refs/heads/x"))


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_a_feature_branch_gets_no_staging_or_prod_credentials(env: EnvName) -> None:
    graph = graph_for(server_spec(env))
    deploy = _role(graph, "-deploy")
    assert _admits(deploy, _claims(env, "deploy.yml", "refs/heads/main"))
    assert not _admits(deploy, _claims(env, "deploy.yml", "refs/heads/feature/login"))
    assert not _admits(deploy, _claims(env, "deploy-environment.yml", "refs/heads/main-x"))


def test_only_dev_may_trust_every_branch() -> None:
    spec = server_spec("staging")
    assert spec.ci is not None
    spec = spec.model_copy(update={"ci": spec.ci.model_copy(update={"branch_deploys": True})})
    assert graph_checks.problems(graph_for(spec), spec) != []
