"""Which JavaScript files of a front-end repository run in Node, never in a browser.

A Vite or React SPA repository also holds seed scripts, admin CLIs, edge
functions and tests. Treating all of it as browser code turned `ADMIN_PASSWORD`
read by `scripts/create-admin.js` into "a secret exposed to the browser", and a
service-role key used by a seed script into "reachable from the browser":
critical findings that capped the score for code no visitor ever downloads.
A file runs on the server when its folder, its name, its first line or its
imports say so.
"""

from __future__ import annotations

from scaffolder.inspect.lazy_regex import lazy_regex

# Top-level folders of an app (relative to the app root) whose code bundlers never
# ship: scripts, servers, serverless functions, database tooling, tests.
SERVER_FOLDERS = frozenset(
    {
        "scripts",
        "script",
        "server",
        "backend",
        "functions",
        "netlify",
        "cli",
        "bin",
        "seed",
        "seeds",
        "migrations",
        "prisma",
        "e2e",
        "cypress",
        "playwright",
        "test",
        "tests",
        "__tests__",
    }
)
_TEST_FILE = lazy_regex(r"\.(?:test|spec)\.[cm]?[jt]sx?$")
# Node's own modules: a browser bundle cannot import them.
_NODE_BUILTIN_IMPORT = lazy_regex(
    r"""(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)['"]"""
    r"""(?:node:[\w/]+|fs|fs/promises|child_process|worker_threads|net|dgram|cluster|readline)['"]"""
)


def runs_on_server(path_in_app: str, text: str, *, by_folder: bool = True) -> bool:
    """True for code that runs in Node or Deno (by folder, name, shebang or imports).

    `by_folder=False` for files inside the bundle's source root (a Vite app's src/),
    where `src/scripts/` is still browser code.
    """
    parts = path_in_app.split("/")
    if by_folder and len(parts) > 1 and parts[0] in SERVER_FOLDERS:
        return True
    if "supabase/functions/" in path_in_app or "__tests__" in parts[:-1]:
        return True
    if _TEST_FILE.search(parts[-1]):
        return True
    if text.startswith("#!"):  # `#!/usr/bin/env node`: a command-line script
        return True
    return bool(_NODE_BUILTIN_IMPORT.search(text))
