"""run_init end to end on real git and real Copier, with a small template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder.errors import GitStateError, InputError, MissingToolError
from scaffolder.init.engine import InitOptions, run_init
from scaffolder.init.git import git
from scaffolder.models import DockerfileFacts, EnvVarFacts, RepoFacts

from .helpers import (
    PROTOTYPE,
    commit,
    express_facts,
    make_repo,
    snapshot,
    tiny_deps,
)


def test_first_run_writes_the_files_the_answers_and_the_history(repo: Path, template: Path) -> None:
    result = run_init(repo, InitOptions(), tiny_deps(template))

    assert result.mode == "copy"
    assert result.template_version == "0.1.0"
    for path in (
        "Dockerfile",
        "RUNBOOK.md",
        ".github/workflows/deploy.yml",
        "infra/Pulumi.dev.yaml",
        "infra/Pulumi.staging.yaml",
        "infra/Pulumi.prod.yaml",
        ".scaffold/answers.yml",
        ".scaffold/context.json",
        ".scaffold/template.bundle",
        ".gitignore",
    ):
        assert (repo / path).is_file(), path
        assert path in result.created
    answers = (repo / ".scaffold/answers.yml").read_text()
    assert "_commit: 0.1.0" in answers
    assert "_src_path: .scaffold/template.bundle" in answers
    assert "github_repository: acme/demo-shop" in answers  # pre-filled from the origin
    assert "ctx" not in answers  # computed data is never stored as an answer
    assert "RUN npm ci" in (repo / "Dockerfile").read_text()  # honours the lockfile
    stored = json.loads((repo / ".scaffold/context.json").read_text())
    assert stored["ctx"]["apps"][0]["install_command"] == "npm ci"
    assert "ctx.apps" not in (repo / "RUNBOOK.md").read_text()
    assert ".env" in (repo / ".gitignore").read_text().splitlines()
    assert "scaffold:spec" in (repo / "infra/Pulumi.prod.yaml").read_text()


def test_second_run_with_nothing_changed_changes_nothing(repo: Path, template: Path) -> None:
    run_init(repo, InitOptions(), tiny_deps(template))
    commit(repo, "scaffold")
    before = snapshot(repo)

    result = run_init(repo, InitOptions(), tiny_deps(template))

    assert result.mode == "update"
    assert not result.changed, (result.created, result.updated, result.deleted)
    assert snapshot(repo) == before
    assert git(repo, "status", "--porcelain", "--ignored") == ""


def test_users_own_files_are_kept_and_reported(tmp_path: Path, template: Path) -> None:
    files = {
        **PROTOTYPE,
        "RUNBOOK.md": "# Our own runbook\n",
        ".github/workflows/deploy.yml": "name: ours\n",
        "Dockerfile": "FROM node:20\nCMD npm run dev\n",  # a dev-only Dockerfile
        ".gitignore": "node_modules/\n",
    }
    repo = make_repo(tmp_path / "repo", files)
    dev_docker = [DockerfileFacts(path="Dockerfile", production_grade=False, problems=["dev"])]

    result = run_init(
        repo,
        InitOptions(),
        tiny_deps(template, inspect=lambda root: express_facts(root, dockerfiles=dev_docker)),
    )

    for path in ("RUNBOOK.md", ".github/workflows/deploy.yml", "Dockerfile"):
        assert (repo / path).read_text() == files[path], path
        assert path not in result.updated
    assert set(result.kept) == {"RUNBOOK.md", ".github/workflows/deploy.yml"}
    assert "Dockerfile.production" in result.created  # ours goes next to theirs
    gitignore = (repo / ".gitignore").read_text()
    assert gitignore.startswith("node_modules/\n")  # appended to, never replaced
    assert "!.env.example" in gitignore
    commit(repo, "scaffold")

    # They stay the user's on the next run too, even when the template changes them.
    runbook = template / "template" / "RUNBOOK.md.jinja"
    runbook.write_text(runbook.read_text() + "\n## Backups\n\nVerified weekly.\n")
    deploy = template / "template" / ".github/workflows/deploy.yml.jinja"
    deploy.write_text(deploy.read_text().replace("name: deploy", "name: deploy (v2)"))
    again = run_init(
        repo,
        InitOptions(),
        tiny_deps(
            template,
            version="0.2.0",
            inspect=lambda root: express_facts(root, dockerfiles=dev_docker),
        ),
    )
    assert (repo / "RUNBOOK.md").read_text() == files["RUNBOOK.md"]
    assert (repo / ".github/workflows/deploy.yml").read_text() == files[
        ".github/workflows/deploy.yml"
    ]
    assert {"RUNBOOK.md", ".github/workflows/deploy.yml"} <= set(again.kept)
    assert again.updated == [
        ".scaffold/answers.yml",
        ".scaffold/context.json",
        ".scaffold/template.bundle",
    ]
    assert not again.conflicts


def test_production_grade_dockerfile_is_used_not_replaced(repo: Path, template: Path) -> None:
    (repo / "Dockerfile").write_text("FROM node:20-slim\nUSER node\nCMD node server.js\n")
    commit(repo, "docker")
    good = [DockerfileFacts(path="Dockerfile", production_grade=True)]

    result = run_init(
        repo,
        InitOptions(),
        tiny_deps(template, inspect=lambda r: express_facts(r, dockerfiles=good)),
    )

    assert "Dockerfile" not in result.created + result.updated
    assert not (repo / "Dockerfile.production").exists()
    assert result.kept["Dockerfile"].startswith("your production-grade Dockerfile")
    assert result.context.apps[0].dockerfile_path == "Dockerfile"


def test_pretend_reports_and_writes_nothing(repo: Path, template: Path) -> None:
    before = snapshot(repo)

    result = run_init(repo, InitOptions(pretend=True), tiny_deps(template))

    assert result.pretend
    assert "Dockerfile" in result.created
    assert snapshot(repo) == before


def test_dirty_tree_is_refused_unless_allowed(repo: Path, template: Path) -> None:
    (repo / "server.js").write_text("// work in progress\n")
    before = snapshot(repo)

    with pytest.raises(GitStateError) as caught:
        run_init(repo, InitOptions(), tiny_deps(template))
    assert caught.value.exit_code == 4
    assert "--allow-dirty" in caught.value.hint
    assert snapshot(repo) == before

    result = run_init(repo, InitOptions(allow_dirty=True), tiny_deps(template))
    assert "Dockerfile" in result.created
    assert (repo / "server.js").read_text() == "// work in progress\n"


def test_not_a_git_repository_runs_with_a_warning(tmp_path: Path, template: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    for rel, text in PROTOTYPE.items():
        (folder / rel).write_text(text)

    result = run_init(folder, InitOptions(), tiny_deps(template))

    assert result.warnings and "not a git repository" in result.warnings[0]
    assert (folder / "Dockerfile").is_file()
    assert not (folder / ".git").exists()


def test_data_overrides_answers_and_is_remembered(repo: Path, template: Path) -> None:
    data = {"aws_region": "eu-west-1", "environments": ["dev", "prod"]}
    run_init(repo, InitOptions(data=data), tiny_deps(template))
    commit(repo, "scaffold")
    assert not (repo / "infra/Pulumi.staging.yaml").exists()
    assert "eu-west-1" in (repo / "infra/Pulumi.dev.yaml").read_text()

    result = run_init(repo, InitOptions(), tiny_deps(template))  # stored answers win over defaults
    assert result.answers.aws_region == "eu-west-1"
    assert result.answers.environments == ["dev", "prod"]
    assert not result.changed


def test_changed_answer_updates_the_generated_files(repo: Path, template: Path) -> None:
    run_init(repo, InitOptions(), tiny_deps(template))
    commit(repo, "scaffold")

    result = run_init(repo, InitOptions(data={"aws_region": "eu-central-1"}), tiny_deps(template))

    assert ".github/workflows/deploy.yml" in result.updated
    assert "eu-central-1" in (repo / ".github/workflows/deploy.yml").read_text()
    assert "aws_region: eu-central-1" in (repo / ".scaffold/answers.yml").read_text()


def test_older_tool_than_the_project_is_refused(repo: Path, template: Path) -> None:
    run_init(repo, InitOptions(), tiny_deps(template, version="0.3.0"))
    commit(repo, "scaffold")

    with pytest.raises(MissingToolError, match=r"scaffold 0\.3\.0"):
        run_init(repo, InitOptions(), tiny_deps(template, version="0.2.0"))


def test_missing_bundle_on_update_is_a_clear_error(repo: Path, template: Path) -> None:
    run_init(repo, InitOptions(), tiny_deps(template))
    (repo / ".scaffold/template.bundle").unlink()
    commit(repo, "lost the bundle")
    # The same tool rebuilds the identical commit (fixed identity and dates)...
    again = run_init(repo, InitOptions(), tiny_deps(template))
    assert again.created == [".scaffold/template.bundle"]
    (repo / ".scaffold/template.bundle").unlink()

    # ...but a newer tool cannot know the old template without the bundle.
    with pytest.raises(InputError, match=r"not in \.scaffold/template\.bundle"):
        run_init(repo, InitOptions(allow_dirty=True), tiny_deps(template, version="0.2.0"))


def test_a_changed_repository_updates_the_files_and_keeps_edits(repo: Path, template: Path) -> None:
    run_init(repo, InitOptions(), tiny_deps(template))
    with (repo / "infra/Pulumi.prod.yaml").open("a") as handle:
        handle.write('  demo-shop:owner: "team-a"\n')
    commit(repo, "scaffold + edit")

    def grown(root: Path) -> RepoFacts:
        facts = express_facts(root)
        facts.env_vars = [EnvVarFacts(name="STRIPE_SECRET_KEY")]
        facts.apps[0].port = 8080
        return facts

    result = run_init(repo, InitOptions(), tiny_deps(template, inspect=grown))

    assert result.conflicts == []
    prod = (repo / "infra/Pulumi.prod.yaml").read_text()
    assert "STRIPE_SECRET_KEY" in prod
    assert 'demo-shop:owner: "team-a"' in prod
    assert "on port 8080" in (repo / "RUNBOOK.md").read_text()
    answers = (repo / ".scaffold/answers.yml").read_text()
    assert "ctx" not in answers
    assert "scaffold_version" not in answers
    stored = json.loads((repo / ".scaffold/context.json").read_text())
    assert stored["ctx"]["env_vars"] == ["STRIPE_SECRET_KEY"]


def test_a_lost_context_file_is_rebuilt_without_taking_over_generated_files(
    repo: Path, template: Path
) -> None:
    run_init(repo, InitOptions(), tiny_deps(template))
    with (repo / "RUNBOOK.md").open("a") as handle:
        handle.write("\n## Ours\n")
    (repo / ".scaffold/context.json").unlink()
    commit(repo, "edited, context lost")
    runbook = template / "template" / "RUNBOOK.md.jinja"
    runbook.write_text(runbook.read_text().replace("# Runbook", "# Operations runbook"))

    result = run_init(repo, InitOptions(), tiny_deps(template, version="0.2.0"))

    assert result.kept == {}  # generated files stay generated, not "the user's"
    assert result.created == [".scaffold/context.json"]
    text = (repo / "RUNBOOK.md").read_text()
    assert text.startswith("# Operations runbook")
    assert "## Ours" in text


def test_a_file_the_template_drops_is_deleted_unless_the_user_edited_it(
    repo: Path, template: Path
) -> None:
    run_init(repo, InitOptions(), tiny_deps(template))
    with (repo / ".github/workflows/deploy.yml").open("a") as handle:
        handle.write("      - name: Notify us\n        run: echo done\n")
    commit(repo, "scaffold + edit")
    (template / "template" / ".github/workflows/deploy.yml.jinja").unlink()
    (template / "template" / "RUNBOOK.md.jinja").unlink()

    result = run_init(repo, InitOptions(), tiny_deps(template, version="0.2.0"))

    assert result.deleted == ["RUNBOOK.md"]
    assert "Notify us" in (repo / ".github/workflows/deploy.yml").read_text()
    assert "kept because you edited it" in result.kept[".github/workflows/deploy.yml"]


def test_a_generated_file_the_user_deleted_is_not_brought_back(repo: Path, template: Path) -> None:
    run_init(repo, InitOptions(), tiny_deps(template))
    (repo / "RUNBOOK.md").unlink()
    commit(repo, "we do not want a runbook")
    runbook = template / "template" / "RUNBOOK.md.jinja"
    runbook.write_text(runbook.read_text().replace("# Runbook", "# Operations runbook"))

    result = run_init(repo, InitOptions(), tiny_deps(template, version="0.2.0"))

    assert not (repo / "RUNBOOK.md").exists()
    assert "RUNBOOK.md" not in result.created


def test_works_when_the_user_ignores_scaffolds_own_folder(tmp_path: Path, template: Path) -> None:
    repo = make_repo(tmp_path / "repo", {**PROTOTYPE, ".gitignore": ".scaffold/\n"})
    run_init(repo, InitOptions(), tiny_deps(template))
    commit(repo, "scaffold (its folder ignored)")
    before = snapshot(repo)

    result = run_init(repo, InitOptions(), tiny_deps(template))

    assert result.mode == "update"
    assert not result.changed
    assert snapshot(repo) == before


def test_hand_written_answers_are_used_for_a_first_render(repo: Path, template: Path) -> None:
    (repo / ".scaffold").mkdir()
    (repo / ".scaffold/answers.yml").write_text("project_name: storefront\naws_region: eu-west-3\n")
    commit(repo, "answers first")

    result = run_init(repo, InitOptions(), tiny_deps(template))

    assert result.mode == "copy"
    assert (result.answers.project_name, result.answers.aws_region) == ("storefront", "eu-west-3")
    assert ".scaffold/answers.yml" in result.updated
    assert "_commit: 0.1.0" in (repo / ".scaffold/answers.yml").read_text()
