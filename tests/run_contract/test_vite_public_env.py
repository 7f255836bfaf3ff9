"""One Express + Vite image (Replit's shape), two environments, each serving its own VITE_*.

The fixture tests/fixtures/prototypes/replit-express-vite is one Express server whose
`npm run build` also runs `vite build` on client/ into dist/public, which Express serves;
the client reads import.meta.env.VITE_API_URL and VITE_STRIPE_PUBLISHABLE_KEY. It is
initialized, its generated Dockerfile's build replayed on the host once (a real `vite
build`, with the placeholders the Dockerfile gives it), and the runtime image assembled
from its COPY lines twice, as ECS starts one image with two task definitions: ENTRYPOINT
+ CMD with staging's values, then prod's. The bundle the server sends each browser must
hold that environment's values, and no placeholder.
Opt-in with the run contract (SCAFFOLD_RUN_CONTRACT=1): it installs Vite and Express.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.init.public_placeholders import placeholder
from tests.run_contract import public_env as pe
from tests.support.prototypes import materialize

pytestmark = [pytest.mark.run_contract, pytest.mark.slow]

ENVIRONMENTS = {
    "staging": {
        "VITE_API_URL": "https://api.staging.example.com",
        "VITE_STRIPE_PUBLISHABLE_KEY": "pk_test_51Staging0000",
    },
    "prod": {
        "VITE_API_URL": "https://api.example.com",
        "VITE_STRIPE_PUBLISHABLE_KEY": "pk_live_51Prod0000",
    },
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> pe.Built:
    tmp = tmp_path_factory.mktemp("vite-public-env")
    repo = materialize("replit-express-vite", tmp / "repo")
    built = pe.init_and_build(repo, tmp / "build", sorted(ENVIRONMENTS["prod"]))
    # `vite build` compiled the placeholders in, and no environment's value.
    bundle = "".join(p.read_text() for p in built.fs.path("/app/dist/public").rglob("*.js"))
    assert placeholder("VITE_API_URL") in bundle
    assert placeholder("VITE_STRIPE_PUBLISHABLE_KEY") in bundle
    assert not any(v in bundle for values in ENVIRONMENTS.values() for v in values.values())
    return built


def test_one_image_serves_each_environments_own_vite_values(
    built: pe.Built, tmp_path: Path
) -> None:
    for name, values in ENVIRONMENTS.items():
        image = pe.image(built, tmp_path / name)
        served = pe.serve(built, image, values, tmp_path / name)
        for value in values.values():
            assert value in served  # in the JavaScript Express sends the browser
        assert "scaffold-public-" not in served
        others = [v for n, vs in ENVIRONMENTS.items() if n != name for v in vs.values()]
        assert not any(other in served for other in others)
        # Only the browser bundle was rewritten: the server's own bundle is as built.
        server = (image.app_dir / "dist/index.js").read_text()
        assert server == built.fs.path("/app/dist/index.js").read_text()


def test_a_task_without_a_value_does_not_start(built: pe.Built, tmp_path: Path) -> None:
    image = pe.image(built, tmp_path / "image")
    values = {"VITE_API_URL": ENVIRONMENTS["prod"]["VITE_API_URL"]}
    assert pe.refused(built, image, values, tmp_path) == [
        pe.no_value_line("VITE_STRIPE_PUBLISHABLE_KEY")
    ]
