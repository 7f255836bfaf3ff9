"""Env files: the names people give dotenv files, their secret values, the committed ones.

Used by the secret scan (scaffolder/inspect/secrets.py) and by inspection, which lists
the env files a repository commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.jwt import jwt_role
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.patterns import SECRET_NAME_RE, is_placeholder

# .env, .env.local, .env.production, env.txt, ",env" (a typo seen in the wild),
# .env.bak, config.env, .envrc; not env.d.ts or env.py, which are code.
_ENV_NAME_RE = lazy_regex(r"^(?:[.,_]?env(?:[._-][\w.~-]*)?|[\w.-]+\.env|env\.txt|\.envrc)$")
_ENV_CODE_SUFFIXES = frozenset(
    [
        ".ts",
        ".tsx",
        ".js",
        ".jsx",
        ".mjs",
        ".cjs",
        ".py",
        ".go",
        ".rs",
        ".rb",
        ".php",
        ".java",
        ".json",
        ".yml",
        ".yaml",
        ".md",
        ".css",
        ".html",
        ".vue",
        ".svelte",
        ".astro",
        ".sh",
        ".d.ts",
        ".lock",
        ".toml",
        ".cfg",
        ".ini",
        ".xml",
    ]
)
_EXAMPLE_WORDS = ("example", "sample", "template", "dist", "defaults", "schema", "tmpl")
_SECRETS_FILES = frozenset({".streamlit/secrets.toml"})
_ENV_LINE_RE = lazy_regex(
    r"^[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)[ \t]*[=:][ \t]*(?P<val>.*?)[ \t]*$"
)


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def is_env_file_name(path: str) -> bool:
    """A dotenv-style file under any of the names people give them."""
    if path in _SECRETS_FILES or path.endswith("/.streamlit/secrets.toml"):
        return True
    name = basename(path).lower()
    if not _ENV_NAME_RE.match(name):
        return False
    return not any(name.endswith(suffix) for suffix in _ENV_CODE_SUFFIXES)


def is_example_env_name(path: str) -> bool:
    name = basename(path).lower()
    return any(word in name for word in _EXAMPLE_WORDS)


def _env_values(text: str) -> Iterable[tuple[int, str, str]]:
    """(line, key, value) for each assignment in a dotenv or secrets.toml file."""
    for number, raw in enumerate(text.splitlines(), start=1):
        match = _ENV_LINE_RE.match(raw)
        if match is None or raw.lstrip().startswith("#"):
            continue
        value = match["val"]
        if value[:1] in {'"', "'"} and value.count(value[0]) >= 2:
            value = value[1 : value.index(value[0], 1)]
        else:
            value = value.split(" #", 1)[0].strip()
        yield number, match["key"], value


def env_secret_values(text: str, *, example: bool) -> Iterable[tuple[int, str, str]]:
    """Assignments of a secret-named key to a value that is not a placeholder."""
    for number, key, value in _env_values(text):
        if not SECRET_NAME_RE.search(key) or is_placeholder(value, weak=example):
            continue
        if value.startswith("eyJ") and jwt_role(value) == "anon":
            continue  # the Supabase anon key: public by design
        yield number, key, value


# Folders of third-party packages: an env file there ships with a dependency (a
# committed node_modules/ holds a few), it is not the app's configuration.
DEPENDENCY_DIRS = frozenset({"node_modules", "bower_components", ".venv", "venv", "site-packages"})


def _in_dependency_dir(path: str) -> bool:
    return not DEPENDENCY_DIRS.isdisjoint(path.split("/")[:-1])


def find_committed_env_files(
    tracked_paths: list[str],
    all_paths: list[str],
    files: Sequence[SourceFile] = (),
) -> list[str]:
    """Committed env files under any name, sorted.

    Tracked paths count (all paths when the folder is not a git repository).
    An example file (.env.example, .env.sample, .env.template) counts only when
    `files` shows a secret-named key with a real-looking value in it.
    """
    candidates = tracked_paths or all_paths
    texts = {f.path: f.text for f in files}
    found = []
    for path in candidates:
        if not is_env_file_name(path) or _in_dependency_dir(path):
            continue
        if is_example_env_name(path):
            text = texts.get(path)
            if text is None or not any(env_secret_values(text, example=True)):
                continue
        found.append(path)
    return sorted(found)
