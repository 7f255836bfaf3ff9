"""The real validators over everything the template generates, for every context."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from scaffolder.environment.spec import parse_spec
from tests.render import validators
from tests.render.contexts import CONTEXTS, render


def _files(rendered: dict[str, Path], pattern: str) -> list[Path]:
    found = [p for root in rendered.values() for p in sorted(root.glob(pattern))]
    assert found, f"nothing rendered matches {pattern}"
    return found


def _workflows(rendered: dict[str, Path]) -> list[Path]:
    return _files(rendered, ".github/workflows/*.yml")


def _dockerfiles(rendered: dict[str, Path]) -> list[Path]:
    return [p for p in _files(rendered, "**/Dockerfile*") if not p.name.endswith("ignore")]


def test_every_context_renders_its_workflows(rendered: dict[str, Path]) -> None:
    for name, root in rendered.items():
        names = {p.name for p in (root / ".github" / "workflows").iterdir()}
        assert {"ci.yml", "deploy.yml", "deploy-environment.yml", "rollback.yml"} <= names, name
        database = CONTEXTS[name]().database
        assert ("backup-verify.yml" in names) == (database != "none"), name


def test_workflows_match_githubs_schema(rendered: dict[str, Path]) -> None:
    assert validators.check_jsonschema(_workflows(rendered)) == []


def test_zizmor_finds_nothing_at_medium_or_above(rendered: dict[str, Path]) -> None:
    assert validators.zizmor(_workflows(rendered)) == []


def test_actionlint_is_clean(rendered: dict[str, Path]) -> None:
    why = validators.actionlint_available()
    if why:
        pytest.skip(f"actionlint cannot run here: {why}")
    # A node process per file costs ~1 s, so lint every workflow of the monorepo, and the
    # deploy.yml (the one that varies most) of contexts that take the other branches
    # (Supabase static site, no staging, no database).
    chosen = sorted(rendered["monorepo"].glob(".github/workflows/*.yml")) + [
        rendered[k] / ".github/workflows" / name
        for k in ("vite_supabase", "django", "streamlit", "remix_berry")
        for name in ("deploy.yml", "deploy-environment.yml")
    ]
    assert validators.actionlint(chosen) == []


def test_hadolint_reports_no_error(rendered: dict[str, Path]) -> None:
    dockerfiles = _dockerfiles(rendered)
    assert len(dockerfiles) >= 7
    assert validators.hadolint(dockerfiles) == []


def test_yamllint_accepts_every_generated_yaml(rendered: dict[str, Path]) -> None:
    files = _workflows(rendered) + _files(rendered, "infra/*.yaml")
    assert validators.yamllint(files) == []


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_pulumi_env_files_parse_as_environment_specs(rendered: dict[str, Path], name: str) -> None:
    ctx = CONTEXTS[name]()
    infra = rendered[name] / "infra"
    envs = sorted(p.name.split(".")[1] for p in infra.glob("Pulumi.*.yaml"))
    assert envs == sorted(ctx.environment_specs)
    for env, text in ctx.environment_specs.items():
        path = infra / f"Pulumi.{env}.yaml"
        assert path.read_text() == text  # verbatim: the engine's rendering is the source
        spec = parse_spec(YAML(typ="safe").load(path.read_text()), source=str(path))
        assert spec.environment == env
        assert spec.project == ctx.project
        assert [s.name for s in spec.services] == [a.name for a in ctx.apps]
    project = YAML(typ="safe").load((infra / "Pulumi.yaml").read_text())
    assert project["name"] == ctx.project
    assert project["runtime"]["name"] == "python"
    main = infra / project["main"]
    compile(main.read_text(), str(main), "exec")  # valid Python
    assert "run_from_config()" in main.read_text()
    requirements = (infra / "requirements.txt").read_text()
    assert "scaffold-prod==" in requirements
    assert "pulumi-aws" in requirements


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_env_example_lists_every_name_without_values(rendered: dict[str, Path], name: str) -> None:
    """Server-side names first, then the public (browser) ones under their own warning,
    then the names only Supabase edge functions read; never a value."""
    ctx = CONTEXTS[name]()
    lines = (rendered[name] / ".env.example").read_text().splitlines()
    settings = [line for line in lines if line and not line.startswith("#")]
    public = list(ctx.public_env_vars)
    server = [n for n in ctx.env_vars if n not in public]
    expected = [*server, *public, *ctx.supabase_function_env_vars]
    assert settings == [f"{n}=" for n in expected]
    text = "\n".join(lines)
    if public:
        header = next(i for i, line in enumerate(lines) if line.startswith("# Public"))
        assert all(lines.index(f"{n}=") > header for n in public), text
        assert all(lines.index(f"{n}=") < header for n in server), text
    else:
        assert "# Public" not in text


def test_env_example_of_a_supabase_spa_keeps_its_browser_and_function_names(
    tmp_path: Path,
) -> None:
    """A Vite SPA on Supabase reads only public names in the browser: they must be listed."""
    ctx = CONTEXTS[sorted(CONTEXTS)[0]]().model_copy(
        update={
            "env_vars": [],
            "public_env_vars": ["VITE_SUPABASE_ANON_KEY", "VITE_SUPABASE_URL"],
            "supabase_function_env_vars": ["OPENAI_API_KEY"],
        }
    )
    out = render(ctx, tmp_path / "spa")
    settings = [
        line
        for line in (out / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert settings == ["VITE_SUPABASE_ANON_KEY=", "VITE_SUPABASE_URL=", "OPENAI_API_KEY="]


def test_odd_names_and_no_apps_still_give_valid_workflows(tmp_path: Path) -> None:
    """A scoped, upper-case app name must be quoted; a repo with no app has no empty needs."""
    from tests.render.contexts import answers_for, express_pg, render, streamlit_app

    odd = express_pg()
    odd.apps[0].name = "@Acme/Web_API"
    empty = streamlit_app()
    empty.apps = []
    for name, ctx in {"odd": odd, "empty": empty}.items():
        render(ctx, tmp_path / name, answers_for(ctx))
    workflows = sorted(tmp_path.glob("*/.github/workflows/*.yml"))
    assert validators.check_jsonschema(workflows) == []
    assert validators.yamllint(workflows) == []
    assert validators.zizmor(workflows) == []
    deploy = (tmp_path / "odd/.github/workflows/deploy.yml").read_text()
    assert '--tag "acme-web-api:${GITHUB_SHA}"' in deploy
