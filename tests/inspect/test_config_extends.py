"""CODE010's fact: a tsconfig extends a package nothing installs (inspect/config_extends.py).

Modelled on an unseen prototype (VARCAVIA-Inc/varcavia-poc): a SvelteKit app whose
tsconfig.json extends "@tsconfig/svelte/tsconfig.json" with no @tsconfig/svelte in
package.json or pnpm-lock.yaml; `pnpm run build` fails with TS6053 in CI and the image.
"""

from __future__ import annotations

import json
from pathlib import Path

from scaffolder.inspect import inspect_repository
from tests.inspect.conftest import write

_KIT = {"@sveltejs/kit": "2", "@sveltejs/adapter-node": "5", "svelte": "5", "vite": "7"}
_CONFIG = '{\n  // comments are allowed\n  "extends": "@tsconfig/svelte/tsconfig.json",\n}\n'


def _pkg(dev: dict[str, str]) -> str:
    return json.dumps({"name": "kit", "scripts": {"build": "vite build"}, "devDependencies": dev})


def _lock(names: list[str]) -> str:
    rows = "".join(f"  {n}:\n    specifier: 1\n" for n in names)
    return f"lockfileVersion: '9.0'\nimporters:\n  .:\n    devDependencies:\n{rows}"


def test_an_extended_package_missing_everywhere_is_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "package.json": _pkg(_KIT),
            "pnpm-lock.yaml": _lock(list(_KIT)),
            "svelte.config.js": "import adapter from '@sveltejs/adapter-node';\n",
            "tsconfig.json": _CONFIG,
            "src/routes/+page.svelte": "<h1>hi</h1>\n",
        },
    )
    facts = inspect_repository(tmp_path)
    [app] = facts.apps
    assert [(e.path, e.snippet) for e in app.unresolved_extends] == [
        ("tsconfig.json", 'extends "@tsconfig/svelte/tsconfig.json"')
    ]


def test_installed_relative_or_transitive_extends_are_not(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            # declared
            "a/package.json": _pkg({**_KIT, "@tsconfig/svelte": "5"}),
            "a/pnpm-lock.yaml": _lock([*_KIT, "@tsconfig/svelte"]),
            "a/tsconfig.json": _CONFIG,
            # SvelteKit's own generated config, and a list of extends
            "b/package.json": _pkg(_KIT),
            "b/pnpm-lock.yaml": _lock(list(_KIT)),
            "b/tsconfig.json": '{"extends": ["./.svelte-kit/tsconfig.json"]}',
            # only in the lockfile (hoisted by npm from another package)
            "c/package.json": _pkg({"vite": "7", "react": "18"}),
            "c/package-lock.json": json.dumps(
                {"packages": {"node_modules/@tsconfig/node20": {"version": "20.1.4"}}}
            ),
            "c/index.html": "<div id=root></div>",
            "c/tsconfig.app.json": '{"extends": "@tsconfig/node20/tsconfig.json"}',
        },
    )
    facts = inspect_repository(tmp_path)
    assert {a.root: a.unresolved_extends for a in facts.apps} == {"a": [], "b": [], "c": []}
