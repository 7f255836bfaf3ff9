"""What the generated workflows do: pins, permissions, the deploy order, the ledger."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from scaffolder.models import ReleaseRecord
from tests.render import fake_cli
from tests.render import workflow_model as wm
from tests.render.contexts import CONTEXTS, TEMPLATES_DIR

SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")
PINS = (TEMPLATES_DIR / "includes" / "pins.jinja").read_text()


def _all_workflows(rendered: dict[str, Path]) -> list[Path]:
    return [p for root in rendered.values() for p in sorted(root.glob(".github/workflows/*.yml"))]


def test_every_action_is_pinned_by_sha_from_the_one_pin_list(rendered: dict[str, Path]) -> None:
    for path in _all_workflows(rendered):
        text = path.read_text()
        for ref in wm.uses(wm.load(path)):
            if ref.startswith("./"):
                continue  # this repository's own reusable workflow
            assert SHA_PIN.match(ref), f"{path}: {ref} is not pinned by commit SHA"
            assert re.search(re.escape(ref) + r" # v\d+\.\d+\.\d+", text), f"{ref}: no version"
            assert ref in PINS, f"{ref} is not taken from templates/includes/pins.jinja"


def test_no_expression_is_spliced_into_a_shell_script(rendered: dict[str, Path]) -> None:
    for path in _all_workflows(rendered):
        for script in wm.run_blocks(wm.load(path)):
            assert "${{" not in script, f"{path}: expression inside run:\n{script}"


def test_run_blocks_are_valid_bash(rendered: dict[str, Path], tmp_path: Path) -> None:
    scripts = [s for path in _all_workflows(rendered) for s in wm.run_blocks(wm.load(path))]
    script = tmp_path / "all.sh"
    # Each block in its own function body, so one `bash -n` checks them all.
    script.write_text("".join(f"f{i}() {{\n{s}\n}}\n" for i, s in enumerate(scripts)))
    proc = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_least_privilege_permissions(rendered: dict[str, Path]) -> None:
    for path in _all_workflows(rendered):
        workflow = wm.load(path)
        assert workflow["permissions"] == {"contents": "read"}, path
        for name, job in workflow["jobs"].items():
            if "uses" in job:  # a call: the called workflow's job asks for the token
                called = wm.load(path.parent / Path(job["uses"]).name)
                assumes_role = any(
                    "configure-aws-credentials" in str(s.get("uses", ""))
                    for called_job in called["jobs"].values()
                    for s in wm.steps(called_job)
                )
            else:
                assumes_role = any(
                    "configure-aws-credentials" in str(s.get("uses", "")) for s in wm.steps(job)
                )
                if assumes_role:
                    assert job.get("environment"), f"{path}:{name}: OIDC job without an environment"
            id_token = job.get("permissions", {}).get("id-token")
            assert (id_token == "write") == assumes_role, f"{path}:{name}"


def test_checkout_never_keeps_the_token(rendered: dict[str, Path]) -> None:
    for path in _all_workflows(rendered):
        for job in wm.load(path)["jobs"].values():
            for step in wm.steps(job):
                if "actions/checkout@" in str(step.get("uses", "")):
                    assert step["with"]["persist-credentials"] is False, path


def test_no_long_lived_aws_keys(rendered: dict[str, Path]) -> None:
    for path in _all_workflows(rendered):
        text = path.read_text()
        assert "AWS_ACCESS_KEY_ID" not in text
        assert "aws-secret-access-key" not in text


@pytest.mark.parametrize("name", ["express_pg", "nextjs_standalone", "fastapi_alembic"])
def test_server_deploy_order(rendered: dict[str, Path], name: str) -> None:
    deploy = wm.load(rendered[name] / ".github/workflows/deploy.yml")
    jobs = deploy["jobs"]
    ci = wm.load(rendered[name] / ".github/workflows/ci.yml")["jobs"]
    tests = [job for job in ci if job != "audit"]
    for job in tests:  # the very same checks run before any deploy
        assert jobs[job] == ci[job]
    assert deploy["concurrency"]["cancel-in-progress"] is False
    build = jobs["build"]
    assert build["needs"] == tests
    # The build job pushes to the first environment this ref deploys, with its deploy role.
    first = "${{ github.ref == 'refs/heads/main' && 'staging' || 'dev' }}"
    assert build["environment"] == build["env"]["DEPLOY_ENV"] == first
    assert build["outputs"]["images"] == "${{ steps.images.outputs.images }}"
    made = wm.index_of(build, "build the image")
    assert made < wm.index_of(build, "Configure AWS credentials") < wm.index_of(build, "push")
    staging, prod = jobs["deploy-staging"], jobs["deploy-prod"]
    assert staging["if"] == "github.ref == 'refs/heads/main'"
    assert staging["needs"] == ["build"]
    assert prod["needs"] == ["build", "deploy-staging"]
    for env, job in (("staging", staging), ("prod", prod)):
        assert job["uses"] == "./.github/workflows/deploy-environment.yml"
        assert job["with"] == {
            "environment": env,
            "images": "${{ needs.build.outputs.images }}",
        }
    job = wm.deploy_job(rendered[name])
    assert job["environment"] == job["env"]["DEPLOY_ENV"] == "${{ inputs.environment }}"
    assert not any("build the image" in n for n in wm.step_names(job))
    assert "docker build" not in "\n".join(str(s.get("run", "")) for s in wm.steps(job))
    creds = wm.index_of(job, "Configure AWS credentials")
    promote = wm.index_of(job, "promote the built image by digest")
    migrate = wm.index_of(job, "Migrate the database")
    shift = wm.index_of(job, "shift traffic")
    smoke = wm.index_of(job, "Smoke-test")
    assert creds < promote < migrate < shift < smoke
    rollback = wm.steps(job)[wm.index_of(job, "Roll back")]
    assert rollback["if"] == "failure() && steps.smoke.outcome == 'failure'"
    assert rollback["run"].startswith('scaffold rollback "$DEPLOY_ENV" --yes')
    migrate_step = wm.steps(job)[migrate]
    ctx = CONTEXTS[name]()
    assert migrate_step["env"]["MIGRATE_COMMAND"] == ctx.migrations[0].deploy_command
    assert "aws ecs run-task" in migrate_step["run"]
    backup = wm.index_of(job, "Back up the database")
    assert wm.steps(job)[backup]["if"] == "inputs.environment == 'prod'"
    assert backup < migrate
    # RDS is private: the pre-migration backup is a snapshot through the AWS API.
    assert "aws rds create-db-snapshot" in wm.steps(job)[backup]["run"]
    assert "scaffold backup run" not in wm.steps(job)[backup]["run"]


def test_each_environment_calls_the_one_reusable_workflow(rendered: dict[str, Path]) -> None:
    for name, root in rendered.items():
        deploy = wm.load(root / ".github/workflows/deploy.yml")
        environments = list(CONTEXTS[name]().environment_specs)
        calls = {
            job_id: job
            for job_id, job in deploy["jobs"].items()
            if job.get("uses") == "./.github/workflows/deploy-environment.yml"
        }
        assert sorted(job["with"]["environment"] for job in calls.values()) == sorted(
            environments
        ), name
        assert set(calls) == {f"deploy-{env}" for env in environments}, name
        # Only the build job pushes an image (the CI jobs build theirs to test it, and
        # throw it away); the environments' workflow builds none.
        for job_id, job in deploy["jobs"].items():
            runs = "\n".join(str(s.get("run", "")) for s in wm.steps(job))
            if "docker push" in runs:
                assert job_id == "build", name
        called = wm.load(root / ".github/workflows/deploy-environment.yml")
        assert "docker build" not in "\n".join(wm.run_blocks(called)), name
        servers = [a for a in CONTEXTS[name]().apps if a.shape == "server"]
        assert ("build" in deploy["jobs"]) == bool(servers), name


def test_dev_deploys_from_branches_only_when_staging_exists(rendered: dict[str, Path]) -> None:
    deploy = wm.load(rendered["express_pg"] / ".github/workflows/deploy.yml")
    assert deploy["on"]["push"]["branches"] == ["**"]
    assert deploy["jobs"]["deploy-dev"]["if"] == "github.ref != 'refs/heads/main'"
    # django: dev + prod only, no staging: prod follows the build directly, which pushes
    # to prod's repository on main (its deploy role: prod's reviewers approve the build).
    django = wm.load(rendered["django"] / ".github/workflows/deploy.yml")
    assert django["jobs"]["deploy-prod"]["needs"] == ["build"]
    assert django["jobs"]["build"]["needs"] == ["app-mysite"]
    first = "${{ github.ref == 'refs/heads/main' && 'prod' || 'dev' }}"
    assert django["jobs"]["build"]["environment"] == first
    assert "deploy-staging" not in django["jobs"]


def test_static_supabase_deploy(rendered: dict[str, Path]) -> None:
    deploy = wm.load(rendered["vite_supabase"] / ".github/workflows/deploy.yml")
    assert set(deploy["jobs"]) == {"app-site", "deploy-staging", "deploy-prod"}
    assert deploy["jobs"]["deploy-prod"]["needs"] == ["app-site", "deploy-staging"]
    job = wm.deploy_job(rendered["vite_supabase"])
    called = rendered["vite_supabase"] / ".github/workflows/deploy-environment.yml"
    text = "\n".join(wm.run_blocks(wm.load(called)))
    assert "docker" not in text
    supabase = wm.steps(job)[wm.index_of(job, "Supabase")]
    assert supabase["env"]["SUPABASE_PROJECT_REF"] == "${{ secrets.SUPABASE_PROJECT_REF }}"
    assert "db push" in supabase["run"]
    assert "functions deploy 'send-email'" in supabase["run"]
    assert "functions deploy 'stripe-webhook'" in supabase["run"]
    upload = wm.index_of(job, "upload the site")
    assert "releases/" in wm.steps(job)[upload]["run"]
    assert wm.index_of(job, "Back up") < wm.index_of(job, "Supabase")
    assert wm.index_of(job, "Supabase") < wm.index_of(job, "point CloudFront")
    build = wm.steps(job)[wm.index_of(job, "build the site")]
    assert build["env"]["VITE_SUPABASE_URL"] == "${{ vars.VITE_SUPABASE_URL }}"


def test_rollback_takes_its_inputs_through_env(rendered: dict[str, Path]) -> None:
    workflow = wm.load(rendered["monorepo"] / ".github/workflows/rollback.yml")
    inputs = workflow["on"]["workflow_dispatch"]["inputs"]
    assert inputs["environment"]["options"] == ["dev", "staging", "prod"]
    step = wm.steps(workflow["jobs"]["rollback"])[-1]
    assert step["env"]["TARGET_RELEASE"] == "${{ inputs.release }}"
    assert '--to "$TARGET_RELEASE"' in step["run"]


def test_backup_verify_restores_external_dumps_into_a_service_container(
    rendered: dict[str, Path],
) -> None:
    external = wm.load(rendered["vite_supabase"] / ".github/workflows/backup-verify.yml")
    job = external["jobs"]["verify-prod"]
    assert job["services"]["postgres"]["image"].startswith("postgres:15")
    assert "--target-url" in wm.steps(job)[-1]["run"]
    assert external["on"]["schedule"]
    assert job["runs-on"].startswith("ubuntu-")  # the dump is fetched from S3, not the VPC
    rds = wm.load(rendered["express_pg"] / ".github/workflows/backup-verify.yml")
    assert "services" not in rds["jobs"]["verify-prod"]
    # RDS is private: GitHub's runner starts the restore-check task inside the VPC and
    # waits; each job runs in <env>-backup, which needs no reviewer's approval.
    for env in ("dev", "staging", "prod"):
        job = rds["jobs"][f"verify-{env}"]
        assert job["runs-on"].startswith("ubuntu-")
        assert job["environment"] == f"{env}-backup"
        runs = [str(step.get("run", "")) for step in wm.steps(job)]
        assert any("backup run" in r and "--in-task" in r for r in runs)
        assert any("backup verify" in r and "--in-task" in r for r in runs)
        build = next(r for r in runs if "docker build" in r)
        assert "infra/restore-check" in build and "ImageNotFoundException" in build
    assert external["jobs"]["verify-prod"]["environment"] == "prod-backup"
    assert "--target-url" not in "\n".join(wm.run_blocks(rds))
    assert "--in-task" not in "\n".join(wm.run_blocks(external))
    assert "dev" in rds["jobs"]["verify-dev"]["if"]  # dev verifies on demand only
    assert "workflow_dispatch" in rds["jobs"]["verify-dev"]["if"]


def test_ci_runs_each_apps_commands(rendered: dict[str, Path]) -> None:
    ci = wm.load(rendered["monorepo"] / ".github/workflows/ci.yml")
    server = ci["jobs"]["app-server"]
    assert server["defaults"]["run"]["working-directory"] == "server"
    runs = [str(s.get("run", "")).strip() for s in wm.steps(server)]
    assert "yarn install --frozen-lockfile" in runs
    assert "yarn test" in runs
    audit = "\n".join(wm.run_blocks(ci))
    assert "scaffold audit . --fail-under" in audit
    fastapi = wm.load(rendered["fastapi_alembic"] / ".github/workflows/ci.yml")
    install = wm.steps(fastapi["jobs"]["app-backend"])[
        wm.index_of(fastapi["jobs"]["app-backend"], "Install")
    ]
    assert install["run"].strip() == "uv sync --frozen"  # dev dependencies: tests need them


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_release_records_match_the_ledger_model(rendered: dict[str, Path], tmp_path: Path) -> None:
    """Run the deploy job's own ledger helper with a fake `aws` and read what it wrote."""
    job = wm.deploy_job(rendered["monorepo"])
    helper = wm.steps(job)[wm.index_of(job, "ledger helpers")]["run"]
    record = wm.steps(job)[wm.index_of(job, "Record the releases as healthy")]
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    aws = fake_bin / "aws"  # a recording fake: `aws s3 cp SRC s3://bucket/key` copies locally
    aws.write_text(
        '#!/bin/sh\nmkdir -p "$LEDGER/$(dirname "${4#s3://}")"\ncp "$3" "$LEDGER/${4#s3://}"\n'
    )
    aws.chmod(0o755)
    (tmp_path / "outputs.json").write_text('{"artifacts_bucket_name": "artifacts"}')
    env = wm.deploy_step_env(
        tmp_path,
        fake_bin,
        LEDGER=str(tmp_path / "ledger"),
        STATUS="healthy",
        DIGEST_SERVER="sha256:" + "a" * 64,
        TASKDEF_SERVER="arn:aws:ecs:eu-west-1:123456789012:task-definition/mono-prod-server:7",
    )
    for script in (helper, record["run"]):
        proc = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", script],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
    written = sorted((tmp_path / "ledger" / "artifacts" / "releases" / "prod").iterdir())
    assert [p.name for p in written] == ["3f2a9c1-42-client.json", "3f2a9c1-42-server.json"]
    client = ReleaseRecord.model_validate_json(written[0].read_text())
    server = ReleaseRecord.model_validate_json(written[1].read_text())
    assert client.site_prefix == "releases/3f2a9c1-42-client"
    assert client.image_digest is None
    assert server.image_digest == env["DIGEST_SERVER"]
    assert server.task_definition_arn == env["TASKDEF_SERVER"]
    assert server.status == "healthy"
    assert server.release_id == "3f2a9c1-42-server"


def _run_step(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def deploy_env(tmp_path: Path) -> dict[str, str]:
    outputs = {
        "artifacts_bucket_name": "artifacts",
        "services": [
            {
                "name": "client",
                "shape": "static",
                "site_bucket_name": "mono-prod-site",
                "distribution_id": "E123",
                "health_url": "https://x/",
            },
            {
                "name": "server",
                "shape": "server",
                "cluster_name": "mono-prod",
                "service_name": "server",
                "task_family": "mono-prod-server",
                "ecr_repository_url": "123.dkr.ecr.eu-west-1.amazonaws.com/mono-prod-server",
                "health_url": "https://api/healthz",
            },
        ],
    }
    (tmp_path / "outputs.json").write_text(json.dumps(outputs))
    return wm.deploy_step_env(
        tmp_path, tmp_path / "bin", GITHUB_OUTPUT=str(tmp_path / "github_output")
    )


def _prod_job(rendered: dict[str, Path]) -> dict[str, Any]:
    return wm.deploy_job(rendered["monorepo"])


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_cloudfront_is_pointed_at_the_new_prefix(
    rendered: dict[str, Path], deploy_env: dict[str, str], tmp_path: Path
) -> None:
    job = _prod_job(rendered)
    config = {
        "ETag": "ETAG1",
        "DistributionConfig": {
            "Origins": {
                "Quantity": 2,
                "Items": [
                    {"Id": "api", "DomainName": "api.example.com", "OriginPath": ""},
                    {
                        "Id": "site",
                        "DomainName": "mono-prod-site.s3.eu-west-1.amazonaws.com",
                        "OriginPath": "/releases/old",
                    },
                ],
            },
            "Comment": "x",
        },
    }
    log = fake_cli.install(tmp_path / "bin", {"aws cloudfront get-distribution-config": config})
    step = wm.steps(job)[wm.index_of(job, "point CloudFront")]
    helper = wm.steps(job)[wm.index_of(job, "ledger helpers")]["run"]
    env = {**deploy_env, **step["env"]}
    for script in (helper, step["run"]):
        proc = _run_step(script, env)
        assert proc.returncode == 0, proc.stderr
    update = next(
        c for c in fake_cli.calls(log) if c["args"][:2] == ["cloudfront", "update-distribution"]
    )
    args = update["args"]
    assert args[args.index("--if-match") + 1] == "ETAG1"
    sent = json.loads(next(iter(update["files"].values())))
    origins = {o["Id"]: o["OriginPath"] for o in sent["Origins"]["Items"]}
    assert origins == {"api": "", "site": "/releases/3f2a9c1-42-client"}
    assert sent["Comment"] == "x"  # the rest of the config is sent back unchanged
    assert any(c["args"][:2] == ["cloudfront", "create-invalidation"] for c in fake_cli.calls(log))


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
@pytest.mark.parametrize("exit_code", [0, 1])
def test_migration_task_runs_before_traffic_and_its_failure_stops_the_deploy(
    rendered: dict[str, Path], deploy_env: dict[str, str], tmp_path: Path, exit_code: int
) -> None:
    job = _prod_job(rendered)
    network = {"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"]}}
    log = fake_cli.install(
        tmp_path / "bin",
        {
            "aws ecs describe-services": network,
            "aws ecs describe-task-definition": "server\n",
            "aws ecs run-task": "arn:aws:ecs:eu-west-1:1:task/mono-prod/abc\n",
            "aws ecs describe-tasks": f"{exit_code}\n",
        },
    )
    step = wm.steps(job)[wm.index_of(job, "Migrate the database")]
    env = {**deploy_env, **{k: str(v) for k, v in step["env"].items()}}
    env["TASK_DEFINITION"] = "arn:aws:ecs:eu-west-1:1:task-definition/mono-prod-server:8"
    proc = _run_step(step["run"], env)
    assert proc.returncode == exit_code
    run_task = next(c for c in fake_cli.calls(log) if c["args"][:2] == ["ecs", "run-task"])
    args = run_task["args"]
    assert args[args.index("--task-definition") + 1] == env["TASK_DEFINITION"]
    overrides = json.loads(args[args.index("--overrides") + 1])
    assert overrides["containerOverrides"][0] == {
        "name": "server",
        "command": ["sh", "-c", "npx prisma migrate deploy"],
    }
    assert json.loads(args[args.index("--network-configuration") + 1]) == network
    assert any(c["args"][:3] == ["ecs", "wait", "tasks-stopped"] for c in fake_cli.calls(log))


BUILT_REPO = "123.dkr.ecr.eu-west-1.amazonaws.com/mono-staging-server"
PROD_REPO = "123.dkr.ecr.eu-west-1.amazonaws.com/mono-prod-server"
DIGEST = "sha256:" + "b" * 64


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_the_build_job_pushes_once_and_hands_on_the_digest(
    rendered: dict[str, Path], deploy_env: dict[str, str], tmp_path: Path
) -> None:
    job = wm.build_job(rendered["monorepo"])
    outputs = {"services": [{"name": "server", "ecr_repository_url": BUILT_REPO}]}
    (tmp_path / "outputs.json").write_text(json.dumps(outputs))
    log = fake_cli.install(
        tmp_path / "bin",
        {"aws ecr get-login-password": "token", "aws ecr describe-images": DIGEST + "\n"},
    )
    push = wm.steps(job)[wm.index_of(job, "server: push the image")]
    hand_over = wm.steps(job)[wm.index_of(job, "Hand the digests")]
    for step in (push, hand_over):
        proc = _run_step(step["run"], {**deploy_env, **step.get("env", {})})
        assert proc.returncode == 0, proc.stderr
    docker = [c["args"] for c in fake_cli.calls(log) if c["cmd"] == "docker"]
    # The recording fake answers every describe-images: the tag "exists", so nothing is pushed
    # again (tags are immutable; a re-run keeps the commit's first image).
    assert not any(args[0] == "push" for args in docker)
    images = (tmp_path / "github_output").read_text().strip().removeprefix("images=")
    assert json.loads(images) == {
        "server": {"repository": BUILT_REPO, "digest": DIGEST, "migrate_digest": None}
    }


def _promote(
    rendered: dict[str, Path],
    deploy_env: dict[str, str],
    tmp_path: Path,
    built: str,
    prod_holds: str = DIGEST,
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    """Run prod's promote step for an image the build job pushed to `built`; prod's
    repository answers `prod_holds` once the image is there (a fake for the copy)."""
    job = _prod_job(rendered)
    current = {
        "taskDefinitionArn": "arn:aws:ecs:eu-west-1:1:task-definition/mono-prod-server:7",
        "revision": 7,
        "status": "ACTIVE",
        "family": "mono-prod-server",
        "containerDefinitions": [{"name": "server", "image": "old", "secrets": []}],
        "requiresAttributes": [],
        "compatibilities": ["FARGATE"],
        "registeredAt": "2026-01-01",
        "registeredBy": "someone",
        "cpu": "256",
    }
    lookup = (
        "aws ecr describe-images --repository-name mono-prod-server"
        f" --image-ids imageDigest={DIGEST}"
    )
    log = fake_cli.install(
        tmp_path / "bin",
        {
            "aws ecr get-login-password": "token",
            "aws ecr describe-images": prod_holds + "\n",
            "aws ecs describe-task-definition": current,
            "aws ecs register-task-definition": f"{current['taskDefinitionArn'][:-1]}8\n",
        },
        # Before the copy, prod's repository does not hold the digest yet.
        failures={lookup: 254} if built != PROD_REPO else {},
    )
    helper = wm.steps(job)[wm.index_of(job, "ledger helpers")]["run"]
    step = wm.steps(job)[wm.index_of(job, "promote the built image")]
    images = {"server": {"repository": built, "digest": DIGEST, "migrate_digest": None}}
    env = {**deploy_env, **step["env"], "IMAGES": json.dumps(images)}
    assert _run_step(helper, env).returncode == 0
    return _run_step(step["run"], env), fake_cli.calls(log)


def _registered_image(calls: list[dict[str, Any]], tmp_path: Path) -> str:
    register = next(c for c in calls if c["args"][:2] == ["ecs", "register-task-definition"])
    sent = json.loads(next(iter(register["files"].values())))
    assert not {"taskDefinitionArn", "revision", "status", "registeredAt"} & set(sent)
    assert sent["cpu"] == "256"
    outputs = (tmp_path / "github_output").read_text()
    assert f"digest={DIGEST}" in outputs
    assert "task_definition=arn:aws:ecs:eu-west-1:1:task-definition/mono-prod-server:8" in outputs
    return str(sent["containerDefinitions"][0]["image"])


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_an_environment_deploys_the_built_digest_without_building(
    rendered: dict[str, Path], deploy_env: dict[str, str], tmp_path: Path
) -> None:
    proc, calls = _promote(rendered, deploy_env, tmp_path, PROD_REPO)
    assert proc.returncode == 0, proc.stderr
    assert not [c for c in calls if c["cmd"] in ("docker", "skopeo")]  # nothing built or copied
    assert _registered_image(calls, tmp_path) == f"{PROD_REPO}@{DIGEST}"


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_an_image_built_for_another_environment_is_copied_by_digest(
    rendered: dict[str, Path], deploy_env: dict[str, str], tmp_path: Path
) -> None:
    proc, calls = _promote(rendered, deploy_env, tmp_path, BUILT_REPO)
    assert proc.returncode == 0, proc.stderr
    (copy,) = [c["args"] for c in calls if c["cmd"] == "skopeo"]
    assert copy == [
        "copy",
        "--all",
        "--preserve-digests",
        f"docker://{BUILT_REPO}@{DIGEST}",
        f"docker://{PROD_REPO}:{deploy_env['GITHUB_SHA']}",
    ]
    logins = [c["args"][-1] for c in calls if c["cmd"] == "docker" and c["args"][0] == "login"]
    assert logins == [PROD_REPO.partition("/")[0], BUILT_REPO.partition("/")[0]]
    assert _registered_image(calls, tmp_path) == f"{PROD_REPO}@{DIGEST}"


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_a_copy_that_changed_the_digest_stops_the_deploy(
    rendered: dict[str, Path], deploy_env: dict[str, str], tmp_path: Path
) -> None:
    other = "sha256:" + "c" * 64
    proc, calls = _promote(rendered, deploy_env, tmp_path, BUILT_REPO, prod_holds=other)
    assert proc.returncode == 1
    assert f"{PROD_REPO} does not hold the built image {DIGEST}" in proc.stdout
    assert not any(c["args"][:2] == ["ecs", "register-task-definition"] for c in calls)


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_rds_prod_deploy_snapshots_before_migrating(
    rendered: dict[str, Path], deploy_env: dict[str, str], tmp_path: Path
) -> None:
    prod = wm.deploy_job(rendered["express_pg"])
    step = wm.steps(prod)[wm.index_of(prod, "Back up the database")]
    (tmp_path / "outputs.json").write_text('{"db_instance_identifier": "express-pg-prod"}')
    log = fake_cli.install(tmp_path / "bin", {})
    proc = _run_step(str(step["run"]), {**deploy_env, "GITHUB_RUN_ATTEMPT": "2"})
    assert proc.returncode == 0, proc.stderr
    calls = [[str(a) for a in c["args"]] for c in fake_cli.calls(log)]  # type: ignore[attr-defined]
    snapshot = "express-pg-prod-predeploy-3f2a9c1-42-2"
    assert calls[0][:2] == ["rds", "create-db-snapshot"]
    assert calls[0][calls[0].index("--db-instance-identifier") + 1] == "express-pg-prod"
    assert calls[0][calls[0].index("--db-snapshot-identifier") + 1] == snapshot
    assert "Key=scaffold:environment,Value=prod" in calls[0]
    assert calls[1] == [
        "rds",
        "wait",
        "db-snapshot-available",
        "--db-snapshot-identifier",
        snapshot,
    ]
    # An external database (no RDS) still gets scaffold's logical dump.
    mono = wm.deploy_job(rendered["monorepo"])
    dump = wm.steps(mono)[wm.index_of(mono, "Back up the database")]
    assert str(dump["run"]).startswith("scaffold backup run")


def test_ci_reads_stack_outputs_from_ssm_not_pulumi_state(rendered: dict[str, Path]) -> None:
    """The deploy role may read the outputs `scaffold up` published in SSM; it has no access
    to the Pulumi state, so no step may need the state, its passphrase or the Pulumi CLI."""
    needs_outputs = re.compile(r"scaffold (outputs|rollback|status|secrets|backup)\b")
    checked = 0
    for path in _all_workflows(rendered):
        text = path.read_text()
        assert "PULUMI_CONFIG_PASSPHRASE" not in text, path
        assert "get.pulumi.com" not in text, path
        for job in wm.load(path)["jobs"].values():
            for step in wm.steps(job):
                run = str(step.get("run", ""))
                for line in run.splitlines():
                    command = line.split("#", 1)[0]
                    if not needs_outputs.search(command) or "--outputs" in command:
                        continue
                    checked += 1
                    assert step.get("env", {}).get("SCAFFOLD_OUTPUTS_SOURCE") == "ssm", (
                        f"{path}: `{line.strip()}` reads the Pulumi stack"
                    )
    assert checked
