"""Python apps: which database the context says, what the image runs (issue 8).

Inspected from small repositories written here, so the whole path from the files
to the InitContext is exercised.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scaffolder.environment.spec import parse_spec
from scaffolder.init.context import build_context
from scaffolder.init.notices import context_warnings
from scaffolder.init.records import InitAnswers
from scaffolder.inspect import inspect_repository
from scaffolder.models import InitContext

ANSWERS = InitAnswers(project_name="shop", github_repository="acme/shop")

FASTAPI_SQLITE = {
    "requirements.txt": "fastapi==0.111.0\nuvicorn==0.30.1\nsqlalchemy==2.0.30\n",
    "database.py": (
        "from sqlalchemy import create_engine\n"
        "from sqlalchemy.orm import sessionmaker\n\n"
        'SQLALCHEMY_DATABASE_URL = "sqlite:///./app.db"\n'
        "engine = create_engine(\n"
        '    SQLALCHEMY_DATABASE_URL, connect_args={"check_same_thread": False}\n'
        ")\n"
        "SessionLocal = sessionmaker(bind=engine)\n"
    ),
    "main.py": (
        "from fastapi import FastAPI\n\nfrom database import SessionLocal\n\n"
        "app = FastAPI()\n\n\n@app.get('/items')\ndef items():\n    return []\n"
    ),
}

DJANGO = {
    "requirements.txt": "Django==5.0.6\n",
    "manage.py": (
        "import os\nimport sys\n\n\ndef main():\n"
        "    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_cfg.settings')\n"
        "    from django.core.management import execute_from_command_line\n"
        "    execute_from_command_line(sys.argv)\n"
    ),
    "site_cfg/__init__.py": "",
    "site_cfg/wsgi.py": (
        "import os\nfrom django.core.wsgi import get_wsgi_application\n\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_cfg.settings')\n"
        "application = get_wsgi_application()\n"
    ),
    "site_cfg/settings.py": (
        "INSTALLED_APPS = ['django.contrib.staticfiles']\n"
        "WSGI_APPLICATION = 'site_cfg.wsgi.application'\n"
        "STATIC_URL = 'static/'\n"
    ),
}


def _context(tmp_path: Path, files: dict[str, str]) -> InitContext:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return build_context(inspect_repository(tmp_path), ANSWERS)


def test_a_sqlite_only_python_api_keeps_its_database_and_gets_no_rds(tmp_path: Path) -> None:
    ctx = _context(tmp_path, FASTAPI_SQLITE)
    assert (ctx.database, ctx.sqlite_kept) == ("none", True)
    for text in ctx.environment_specs.values():
        spec = parse_spec(yaml.safe_load(text), source="Pulumi.yaml")
        assert spec.database is None and spec.external_database is None
    assert any("DATA001" in w and "psycopg" in w for w in context_warnings(ctx))


def test_with_a_postgres_driver_the_same_api_moves_to_rds(tmp_path: Path) -> None:
    files = dict(FASTAPI_SQLITE)
    files["requirements.txt"] += "psycopg2-binary==2.9.9\n"
    ctx = _context(tmp_path, files)
    assert (ctx.database, ctx.sqlite_kept) == ("rds", False)


def test_startproject_settings_skip_collectstatic_and_serve_the_health_wrapper(
    tmp_path: Path,
) -> None:
    app = _context(tmp_path, DJANGO).apps[0]
    assert not app.collect_static  # no STATIC_ROOT: collectstatic would stop the build
    assert app.health_file_path == "healthz.py"
    assert app.health_wraps == "site_cfg.wsgi:application"
    assert app.start_command.split()[0] == "gunicorn"
    assert app.start_command.endswith(" healthz:application")


def test_settings_with_static_root_collect_at_build_time(tmp_path: Path) -> None:
    files = dict(DJANGO)
    files["site_cfg/settings.py"] += "STATIC_ROOT = BASE_DIR / 'staticfiles'\n"
    assert _context(tmp_path, files).apps[0].collect_static


@pytest.mark.parametrize(
    ("procfile", "expected"),
    [
        ("web: gunicorn site_cfg.wsgi --workers 3\n", "gunicorn healthz:application --workers 3"),
        ("web: python manage.py runserver 0.0.0.0:8000\n", "healthz:application"),
    ],
)
def test_the_users_server_options_stay_around_the_health_wrapper(
    tmp_path: Path, procfile: str, expected: str
) -> None:
    app = _context(tmp_path, {**DJANGO, "Procfile": procfile}).apps[0]
    assert expected in app.start_command
    assert "site_cfg.wsgi" not in app.start_command
