"""One Next.js image, two environments, each serving its own NEXT_PUBLIC_* values.

The fixture tests/fixtures/next-public-env (a Supabase project per environment) is
initialized, its generated Dockerfile's build replayed on the host once (a real `next
build`, with whatever the Dockerfile gives it: the placeholders), and the runtime image
assembled from its COPY lines twice, as ECS starts one image with two task definitions:
ENTRYPOINT + CMD with staging's values, then prod's. Each must serve its own values in
the server-rendered HTML and the browser's JavaScript, and no placeholder.
Opt-in with the run contract (SCAFFOLD_RUN_CONTRACT=1): it installs and builds Next.js.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.run_contract import public_env as pe
from tests.support.prototypes import BASE_DATE, git_env

pytestmark = [pytest.mark.run_contract, pytest.mark.slow]

FIXTURE = Path(__file__).parents[1] / "fixtures" / "next-public-env"
ENVIRONMENTS = {
    "staging": {
        "NEXT_PUBLIC_SUPABASE_URL": "https://stagingref.supabase.co",
        "NEXT_PUBLIC_SUPABASE_ANON_KEY": "eyJhbGciOiJIUzI1NiJ9.staging.c2lnbg",
    },
    "prod": {
        "NEXT_PUBLIC_SUPABASE_URL": "https://prodref.supabase.co",
        "NEXT_PUBLIC_SUPABASE_ANON_KEY": "eyJhbGciOiJIUzI1NiJ9.prod.c2lnbg",
    },
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> pe.Built:
    tmp = tmp_path_factory.mktemp("next-public-env")
    repo = tmp / "repo"
    shutil.copytree(FIXTURE, repo)
    (repo / "gitignore.fixture").rename(repo / ".gitignore")
    env = git_env(BASE_DATE)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "app"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    built = pe.init_and_build(repo, tmp / "build", sorted(ENVIRONMENTS["prod"]))
    # The build used placeholders: the browser's JavaScript holds them, no environment's value.
    chunks = "".join(p.read_text() for p in built.fs.path("/app/.next/static").rglob("*.js"))
    assert "scaffold-public-" in chunks
    assert not any(v in chunks for values in ENVIRONMENTS.values() for v in values.values())
    return built


def test_one_image_serves_each_environments_own_public_values(
    built: pe.Built, tmp_path: Path
) -> None:
    for name, values in ENVIRONMENTS.items():
        image = pe.image(built, tmp_path / name)
        served = pe.serve(built, image, values, tmp_path / name)
        url, key = values["NEXT_PUBLIC_SUPABASE_URL"], values["NEXT_PUBLIC_SUPABASE_ANON_KEY"]
        assert f"server:{url}/rest/v1|{key}" in served  # rendered at build, in the HTML
        assert f"prerender:{url}|{key}" in served  # the browser component's prerender
        assert f'"{key}"' in served  # compiled into the browser's chunk
        assert "scaffold-public-" not in served
        others = [v for n, vs in ENVIRONMENTS.items() if n != name for v in vs.values()]
        assert not any(other in served for other in others)


def test_a_task_without_a_value_does_not_start(built: pe.Built, tmp_path: Path) -> None:
    image = pe.image(built, tmp_path / "image")
    values = {"NEXT_PUBLIC_SUPABASE_URL": ENVIRONMENTS["prod"]["NEXT_PUBLIC_SUPABASE_URL"]}
    assert pe.refused(built, image, values, tmp_path) == [
        pe.no_value_line("NEXT_PUBLIC_SUPABASE_ANON_KEY")
    ]
