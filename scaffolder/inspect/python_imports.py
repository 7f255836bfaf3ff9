"""The third-party packages a Python app imports when it declares none.

A Replit or Claude Code prototype often runs in an environment someone installed by
hand: no requirements.txt, pyproject.toml or Pipfile. Its image would run a bare
`pip install` (which fails: nothing to install) or install nothing, and `import flask`
would fail at start. The audit names what the code imports (CODE009) so the fix is one
file. Names are the import names mapped to their distribution where they differ
(`cv2` is opencv-python); the standard library and the app's own modules are left out.
"""

from __future__ import annotations

import sys

from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.lazy_regex import lazy_regex

# An import statement at a line's start. The pattern starts with the line break, not `^`:
# `re` then jumps from one line to the next instead of trying every character
# (imported_names puts a line break before the text for the first line).
_IMPORT = lazy_regex(r"\n[ \t]*(?:from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import\b|import[ \t]+(.+))")
_NAME = lazy_regex(r"^\s*([A-Za-z_]\w*)")
# Import names whose distribution is named otherwise (the common ones in prototypes).
DISTRIBUTIONS = {
    "PIL": "Pillow",
    "bs4": "beautifulsoup4",
    "cv2": "opencv-python",
    "dateutil": "python-dateutil",
    "docx": "python-docx",
    "dotenv": "python-dotenv",
    "jose": "python-jose",
    "jwt": "PyJWT",
    "multipart": "python-multipart",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "telegram": "python-telegram-bot",
    "yaml": "PyYAML",
    "Crypto": "pycryptodome",
    "MySQLdb": "mysqlclient",
}
_SKIP = frozenset({"__future__", "__main__"})


def _local_names(code: list[SourceFile], folder: str) -> set[str]:
    """Top-level modules and packages of the app itself."""
    names = set()
    for source in code:
        rel = source.path if folder == "." else source.path[len(folder) + 1 :]
        names.add(rel.split("/", 1)[0].removesuffix(".py"))
    return names


def imported_names(text: str) -> set[str]:
    found: set[str] = set()
    for match in _IMPORT.finditer("\n" + text):
        if match.group(1):
            found.add(match.group(1))
            continue
        for part in match.group(2).split("#", 1)[0].split(","):
            if name := _NAME.match(part):
                found.add(name.group(1))
    return found


def third_party_imports(code: list[SourceFile], folder: str) -> list[str]:
    """Distributions the app's code imports, sorted; the stdlib and its own modules aside."""
    local = _local_names(code, folder)
    names: set[str] = set()
    for source in code:
        names |= imported_names(source.text)
    names -= local | _SKIP | set(sys.stdlib_module_names)
    return sorted({DISTRIBUTIONS.get(n, n) for n in names}, key=str.lower)
