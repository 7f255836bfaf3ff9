"""The quick checks in front of the env-var patterns never drop a read the patterns find."""

from __future__ import annotations

import pytest

from scaffolder.inspect.envvars import (
    _CONFIG_SERVICE,
    _DESTRUCTURE,
    _destructured,
    _framework_reads,
    _Lines,
    _reads_in,
)
from scaffolder.inspect.files import SourceFile

DESTRUCTURING = [
    "const { DB_HOST, DB_PORT = 5432 } = process.env;\n",
    "const {A}=process.env\n",
    "let {\n  B,\n  C: c = 'x',\n}\n  =\n  process.env.NODE_ENV ? a : b\n",
    "export const { D } = process.env, e = 1;\n",
    "const { nested: { F } } = process.env;\n",  # not read: the pattern takes no nested braces
]
CONFIG = [
    "this.config.get<string>('JWT_SECRET');\n",
    'configService.getOrThrow("DATABASE_URL", { infer: true })\n',
    "const c = useConfig(); c.get('API_URL', 'x')\n",
]


def _source(text: str) -> SourceFile:
    return SourceFile("src/server.ts", text, len(text))


@pytest.mark.parametrize("text", DESTRUCTURING)
def test_destructured_reads_are_the_patterns_matches(text: str) -> None:
    reads = _destructured(_source(text), _Lines(text))
    starts = sorted({m.start() for m in _DESTRUCTURE.finditer(text)})
    assert sorted({r.offset for r in reads}) == starts
    assert bool(reads) == ("nested" not in text)


@pytest.mark.parametrize("text", CONFIG)
def test_config_service_reads_are_the_patterns_matches(text: str) -> None:
    reads = _framework_reads(_source(text), _Lines(text))
    assert [r.name for r in reads] == [m.group(1) for m in _CONFIG_SERVICE.finditer(text)]
    assert reads


def test_reads_of_both_process_env_forms_and_destructuring_are_all_found() -> None:
    text = (
        "const a = process.env.A_URL || 'x';\nconst b = process.env['B_KEY'];\n"
        "const { C, D = 1 } = process.env;\nconst e = import.meta.env.VITE_E;\n"
        "const f = import.meta.env['VITE_F'] ?? 'y';\n"
    )
    reads = _reads_in(_source(text))
    assert sorted((r.name, r.has_default) for r in reads) == [
        ("A_URL", True),
        ("B_KEY", False),
        ("C", False),
        ("D", True),
        ("VITE_E", False),
        ("VITE_F", True),
    ]
    python = "import os\nx = os.environ['X']\ny = os.environ.get('Y', 'd')\n"
    py_reads = _reads_in(SourceFile("app.py", python, len(python)))
    assert sorted((r.name, r.has_default) for r in py_reads) == [("X", False), ("Y", True)]
