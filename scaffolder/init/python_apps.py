"""What the image runs for a Python app, decided here so the Dockerfile only lays it out.

- Django: `collectstatic` runs at build time only when the settings allow it
  (`AppFacts.django_collectstatic`); the user's settings.py is never edited. When
  scaffold writes the health module, the image serves that module's WSGI
  `application`: it answers the health path itself and hands every other request
  to the project's own WSGI application. The load balancer's health check is sent
  to the task's private IP as Host, which ALLOWED_HOSTS rejects with a 400 before
  any view runs, so a health view inside Django could never pass it.
- Streamlit: its own `/_stcore/health`; started headless on 0.0.0.0 and `$PORT`.
"""

from __future__ import annotations

import posixpath
import shlex

from scaffolder.models import AppFacts, AppKind, TemplateApp

# The server flags every Django image gets (mirrored by docker.jinja's fallback).
_GUNICORN = "gunicorn --bind 0.0.0.0:{port} --workers 2 --access-logfile - {target}"


def python_runtime(app: TemplateApp, facts: AppFacts) -> TemplateApp:
    """`app` with the Python-specific decisions of the module docstring applied."""
    if app.shape != "server":
        return app
    if app.kind is AppKind.DJANGO:
        return _django(app, facts)
    if app.kind is AppKind.STREAMLIT:
        script = _streamlit_script(facts.entrypoint, app.start_command)
        return app.model_copy(update={"start_command": streamlit_start(script, app.port)})
    return app


def _django(app: TemplateApp, facts: AppFacts) -> TemplateApp:
    update: dict[str, object] = {"collect_static": facts.django_collectstatic}
    if app.write_health_file and app.health_file_path:
        wsgi = (facts.entrypoint or f"{app.name.replace('-', '_')}.wsgi").split(":")[0]
        update["health_wraps"] = f"{wsgi}:application"
        served = f"{_health_module(app)}:application"
        update["start_command"] = _serve(app.start_command, wsgi, served, app.port)
    return app.model_copy(update=update)


def _health_module(app: TemplateApp) -> str:
    """The health file as a module importable from the app root ('healthz')."""
    path = app.health_file_path or "healthz.py"
    if app.root != ".":
        path = posixpath.relpath(path, app.root)
    return path.removesuffix(".py").replace("/", ".")


def _serve(start: str, wsgi: str, served: str, port: int) -> str:
    """The gunicorn command serving `served` in place of the project's WSGI application."""
    words = shlex.split(start) if start else []
    if words[:1] == ["gunicorn"]:
        targets = {wsgi, f"{wsgi}:application"}
        swapped = [served if word in targets else word for word in words]
        if swapped != words:
            return shlex.join(swapped)
        return start  # their own gunicorn target (an ASGI worker...): the file says how to wire
    return _GUNICORN.format(port=port, target=served)


def _streamlit_script(entrypoint: str | None, start: str) -> str:
    if entrypoint and entrypoint.endswith(".py"):
        return entrypoint
    words = shlex.split(start) if start else []
    if len(words) > 2 and words[:2] == ["streamlit", "run"]:
        return words[2]
    return "app.py"


def streamlit_start(script: str, port: int) -> str:
    """A shell command: the image runs it with `sh -c` so that `$PORT` is the task's port.

    Headless (no browser, no e-mail prompt) on 0.0.0.0. The load balancer serves the
    page and its websocket from one origin, so CORS and XSRF protection stay on
    (set explicitly: a `config.toml` copied from a forum post often turns them off).
    """
    return (
        f"streamlit run {shlex.quote(script)}"
        f' --server.port "${{PORT:-{port}}}" --server.address 0.0.0.0'
        " --server.headless true --server.enableCORS true"
        " --server.enableXsrfProtection true --browser.gatherUsageStats false"
    )
