"""Django settings, read as text: what the image's build step can rely on.

`collectstatic` needs two things from the settings: `django.contrib.staticfiles` in
INSTALLED_APPS (or the command does not exist) and a STATIC_ROOT to copy into (or it
stops with ImproperlyConfigured). `django-admin startproject` writes neither
STATIC_ROOT nor anything that serves collected files, so a fresh project has none.
"""

from __future__ import annotations

import re

from scaffolder.inspect.index import RepoIndex, basename, own_code, under
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.manifests import join

_SETTINGS_MODULE = lazy_regex(r"DJANGO_SETTINGS_MODULE['\"]\s*,\s*['\"]([\w.]+)['\"]")
_STATIC_ROOT = lazy_regex(r"^STATIC_ROOT\s*(?::[^=\n]+)?=", re.M)
_STATICFILES = lazy_regex(r"['\"]django\.contrib\.staticfiles['\"]")


def settings_files(folder: str, index: RepoIndex) -> list[str]:
    """The settings module manage.py names (every file of it when it is a package)."""
    manage = index.text(join(folder, "manage.py")) or ""
    match = _SETTINGS_MODULE.search(manage)
    if match:
        base = join(folder, match.group(1).replace(".", "/"))
        if index.exists(base + ".py"):
            return [base + ".py"]
        package = [s.path for s in own_code(index, folder, (".py",)) if under(s.path, base)]
        if package:
            return sorted(package)
    return sorted(
        s.path for s in own_code(index, folder, (".py",)) if basename(s.path) == "settings.py"
    )


def collects_static(folder: str, index: RepoIndex) -> bool:
    """True when the settings let `manage.py collectstatic` run (STATIC_ROOT and staticfiles)."""
    texts = [index.text(path) or "" for path in settings_files(folder, index)]
    return any(_STATIC_ROOT.search(t) for t in texts) and any(_STATICFILES.search(t) for t in texts)
