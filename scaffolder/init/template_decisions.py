"""Decisions the templates only lay out: each app's base image, CI runtime and CI setup and
install commands, who migrates, the placeholders a server image is built with for its
browser-visible settings.

Computed here from the pins (scaffolder/runtime_images.py) and the apps, so no template
parses a version or picks an app. Applied by build_context and again at the render seam
(engine._data), so a context changed after it was built still renders consistently.
"""

from __future__ import annotations

from scaffolder.init.node_plan import migration_app
from scaffolder.init.public_placeholders import with_public_placeholders
from scaffolder.models import InitContext, TemplateApp, TemplateMigrations
from scaffolder.runtime_images import base_image, runtime_exact
from scaffolder.toolchain import ci_toolchain


def _with_image(app: TemplateApp) -> TemplateApp:
    image = base_image(app.language.value, app.runtime_version)
    ci = ci_toolchain(app.package_manager, app.install_command, app.toolchain)
    return app.model_copy(
        update={
            "base_image": image,
            "runtime_exact": runtime_exact(image),
            "ci_setup_command": ci.setup_command,
            "ci_install_command": ci.install_command,
            "python_tool_version": ci.python_tool_version,
        }
    )


def _with_app(migration: TemplateMigrations, apps: list[TemplateApp]) -> TemplateMigrations:
    app = migration_app(apps, migration)
    return migration.model_copy(update={"app_name": app.name if app else ""})


def with_template_decisions(context: InitContext) -> InitContext:
    apps = [with_public_placeholders(_with_image(a), context.public_env_vars) for a in context.apps]
    migrations = [_with_app(m, apps) for m in context.migrations]
    placeholders = {k: v for app in apps for k, v in app.public_env_placeholders.items()}
    return context.model_copy(
        update={"apps": apps, "migrations": migrations, "public_env_placeholders": placeholders}
    )
