"""A Create React App client is its own kind: the deploy uploads build/, not Vite's dist/.

`scaffold init` on the cra-dashboard fixture, then the generated deploy job: the
site is built with the environment's REACT_APP_* variables and build/ is uploaded.
"""

from __future__ import annotations

from pathlib import Path

from scaffolder.inspect import inspect_repository
from scaffolder.models import AppKind
from tests.render import workflow_model as wm
from tests.render.run_init import scaffold_init
from tests.support.prototypes import materialize


def test_cra_client_deploys_its_build_folder(tmp_path: Path) -> None:
    repo = materialize("cra-dashboard", tmp_path / "cra")
    (app,) = inspect_repository(repo).apps
    assert (app.kind, app.shape.value, app.build_output_dir) == (
        AppKind.CREATE_REACT_APP,
        "static",
        "build",
    )
    scaffold_init(repo)
    assert not list(repo.glob("Dockerfile*"))
    job = wm.deploy_job(repo)
    upload = wm.steps(job)[wm.index_of(job, "upload the site")]
    assert upload["env"]["SITE_DIR"] == "build"
    build = wm.steps(job)[wm.index_of(job, "build the site")]
    assert build["env"]["REACT_APP_API_URL"] == "${{ vars.REACT_APP_API_URL }}"
    assert "npm run build" in build["run"]
