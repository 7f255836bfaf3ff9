"""Warnings `scaffold init` prints about what the generated files cannot do yet.

Each one names the consequence and the fix: a missing GitHub remote means no
deploy role (the workflows cannot reach AWS), and a scaffold build that is not
a release means the workflows' `pip install scaffold-prod==<version>` will fail.
"""

from __future__ import annotations

from packaging.version import InvalidVersion, Version

from scaffolder.init.records import InitAnswers
from scaffolder.models import InitContext

NO_GITHUB_REMOTE = (
    "No GitHub repository is set, so no environment gets a deploy role and the generated "
    "workflows cannot reach AWS; add the remote (`git remote add origin "
    "git@github.com:<owner>/<name>.git`) and run `scaffold init` again, or pass "
    "--data github_repository=<owner>/<name>."
)
UNRELEASED_VERSION = (
    "This scaffold ({version}) is not a released version, so the generated workflows' "
    "`pip install scaffold-prod=={version}` will fail; set the repository variable "
    "SCAFFOLD_SOURCE to git+https://github.com/<owner>/<repo>@<40-character commit> and "
    "edit infra/requirements.txt the same way (docs/init.md#where-ci-gets-scaffold)."
)

SQLITE_KEPT = (
    "The app's database is SQLite and it has no Postgres driver, so no RDS is provisioned "
    "and DATABASE_URL is not wired: its SQLite file lives in the container, wiped on every "
    "deploy (DATA001). To move to Postgres, add a driver (psycopg) to its requirements, read "
    "DATABASE_URL (Django: dj-database-url), drop SQLite-only options such as "
    "connect_args={'check_same_thread': False}, and run `scaffold init` again."
)
NO_APP = (
    "No app was found to deploy, so the environments define no service: scaffold looks for a "
    "package.json whose dependencies name a framework (Vite, Next.js, Express, ...) or Python "
    "code importing Django, FastAPI, Flask or Streamlit, in the repository and its subfolders; "
    "add the app's package.json (an export without one cannot be built), or run "
    "`scaffold init PATH` on the repository that holds the app, and run init again."
)
NO_COLLECTSTATIC = (
    "{app}: the image skips `collectstatic` because the Django settings define no "
    "STATIC_ROOT, so static files are not served; docs/RUNBOOK.md (Notes for this app) "
    "says how, without scaffold editing your settings."
)

NO_DEPENDENCIES = (
    "{app}: no requirements.txt, pyproject.toml or Pipfile, so the image and CI have nothing "
    "to install (a bare `pip install` fails) and the app cannot be built or start; add a "
    "requirements.txt naming what its code imports (`scaffold audit` lists them: CODE009) "
    "and run `scaffold init` again."
)


def context_warnings(context: InitContext) -> list[str]:
    """What the generated files deliberately leave undone for this repository."""
    warnings = [SQLITE_KEPT] if context.sqlite_kept else []
    if not context.apps:
        warnings.append(NO_APP)
    for app in context.apps:
        if app.kind == "django" and app.shape == "server" and not app.collect_static:
            warnings.append(NO_COLLECTSTATIC.format(app=app.name))
        if app.language == "python" and app.install_command == "pip install":
            warnings.append(NO_DEPENDENCIES.format(app=app.name))
    return warnings


def is_release(version: str) -> bool:
    """A version the package index can have: no local (+...) or dev segment."""
    try:
        parsed = Version(version)
    except InvalidVersion:
        return False
    return parsed.local is None and not parsed.is_devrelease


def init_warnings(answers: InitAnswers, version: str) -> list[str]:
    warnings = []
    if not answers.github_repository:
        warnings.append(NO_GITHUB_REMOTE)
    if not is_release(version):
        warnings.append(UNRELEASED_VERSION.format(version=version))
    return warnings
